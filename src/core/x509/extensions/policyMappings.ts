import { TAG, children, oidString } from '../../der/reader';
import { OID } from '../../oids';
import { top, type ExtensionDescriptor } from './descriptor';

export interface PolicyMapping { issuerDomainPolicy: string; subjectDomainPolicy: string }

export const policyMappings: ExtensionDescriptor<PolicyMapping[]> = {
  oid: OID.policyMappings, in: ['certificate'],
  decode: (v) => children(v, top(v, TAG.SEQUENCE)).map((m) => {
    const [a, b] = children(v, m);
    return { issuerDomainPolicy: oidString(v, a), subjectDomainPolicy: oidString(v, b) };
  }),
};
