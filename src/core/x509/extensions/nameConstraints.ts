import { TAG, children, type Tlv, readTlv } from '../../der/reader';
import { OID } from '../../oids';
import { parseGeneralName, type GeneralName } from '../generalName';
import { top, type ExtensionDescriptor } from './descriptor';

/** minimum and maximum are never used (RFC 5280 §4.2.1.10): only the base is kept. */
export interface GeneralSubtree { base: GeneralName }

export interface NameConstraints { permitted?: GeneralSubtree[]; excluded?: GeneralSubtree[] }

function subtrees(v: Uint8Array, t: Tlv): GeneralSubtree[] {
  return children(v, t).map((st) => ({ base: parseGeneralName(v, readTlv(v, st.start, st.end)) }));
}

export const nameConstraints: ExtensionDescriptor<NameConstraints> = {
  oid: OID.nameConstraints, in: ['certificate'],
  decode(v) {
    const out: NameConstraints = {};
    for (const p of children(v, top(v, TAG.SEQUENCE))) {
      if (p.tag === 0xa0) out.permitted = subtrees(v, p);
      else if (p.tag === 0xa1) out.excluded = subtrees(v, p);
    }
    return out;
  },
};
