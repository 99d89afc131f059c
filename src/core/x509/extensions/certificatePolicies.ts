import { children, oidString, stringValue, TAG, toHex } from '../../der/reader';
import { OID, POLICY_QUALIFIERS } from '../../oids';
import { top, type ExtensionDescriptor } from './descriptor';

export interface PolicyInformation {
  oid: string;
  /** DER of the qualifiers, hex (kept as-is for the valid-policy tree). */
  qualifiers?: string;
  cps: string[];
  /** explicitText of the user notices. */
  userNotices: string[];
}

export const certificatePolicies: ExtensionDescriptor<PolicyInformation[]> = {
  oid: OID.certificatePolicies, in: ['certificate'],
  decode: (v) => children(v, top(v, TAG.SEQUENCE)).map((pi) => {
    const [idT, qualsT] = children(v, pi);
    const policy: PolicyInformation = { oid: oidString(v, idT), cps: [], userNotices: [] };
    if (!qualsT) return policy;
    policy.qualifiers = toHex(v, qualsT.offset, qualsT.next);
    for (const q of children(v, qualsT)) {
      const [qid, qval] = children(v, q);
      const qoid = oidString(v, qid);
      if (qoid === POLICY_QUALIFIERS.cps && qval) policy.cps.push(stringValue(v, qval));
      else if (qoid === POLICY_QUALIFIERS.unotice && qval) {
        // UserNotice: optional noticeRef SEQUENCE, optional explicitText (a string).
        for (const part of children(v, qval)) if (part.tag !== TAG.SEQUENCE) policy.userNotices.push(stringValue(v, part));
      }
    }
    return policy;
  }),
};
