import { TAG } from '../../der/reader';
import { OID } from '../../oids';
import { top, type ExtensionDescriptor } from './descriptor';

/** id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1): a NULL; present = the responder's status is not checked. */
export const ocspNoCheck: ExtensionDescriptor<true> = {
  oid: OID.ocspNoCheck, in: ['certificate'],
  decode(v) {
    top(v, TAG.NULL);
    return true;
  },
};
