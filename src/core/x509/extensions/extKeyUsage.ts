import { TAG, children, oidString } from '../../der/reader';
import { OID } from '../../oids';
import { top, type ExtensionDescriptor } from './descriptor';

/** The key purpose OIDs, in encoded order. */
export const extKeyUsage: ExtensionDescriptor<string[]> = {
  oid: OID.extKeyUsage, in: ['certificate'],
  decode: (v) => children(v, top(v, TAG.SEQUENCE)).map((t) => oidString(v, t)),
};
