import { TAG, children, integerValue } from '../../der/reader';
import { OID } from '../../oids';
import { top, type ExtensionDescriptor } from './descriptor';

export interface PolicyConstraints { requireExplicitPolicy?: number; inhibitPolicyMapping?: number }

export const policyConstraints: ExtensionDescriptor<PolicyConstraints> = {
  oid: OID.policyConstraints, in: ['certificate'],
  decode(v) {
    const out: PolicyConstraints = {};
    for (const p of children(v, top(v, TAG.SEQUENCE))) {
      if (p.tag === 0x80) out.requireExplicitPolicy = integerValue(v, p);
      else if (p.tag === 0x81) out.inhibitPolicyMapping = integerValue(v, p);
    }
    return out;
  },
};
