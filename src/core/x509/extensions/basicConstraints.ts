import { booleanValue, children, integerValue, TAG } from '../../der/reader';
import { OID } from '../../oids';
import { top, type ExtensionDescriptor } from './descriptor';

export const basicConstraints: ExtensionDescriptor<{ ca: boolean; pathLen?: number }> = {
  oid: OID.basicConstraints, in: ['certificate'],
  decode(v) {
    const out: { ca: boolean; pathLen?: number } = { ca: false };
    for (const p of children(v, top(v, TAG.SEQUENCE))) {
      if (p.tag === TAG.BOOLEAN) out.ca = booleanValue(v, p);
      else if (p.tag === TAG.INTEGER) out.pathLen = integerValue(v, p);
    }
    return out;
  },
};
