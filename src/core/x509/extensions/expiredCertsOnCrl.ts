import { OID } from '../../oids';
import type { ExtensionDescriptor } from './descriptor';
import { invalidityDate } from './invalidityDate';

/** X.509 expiredCertsOnCRL: the CRL keeps entries of certificates that expired after this time. */
export const expiredCertsOnCrl: ExtensionDescriptor<Date> = {
  oid: OID.expiredCertsOnCrl, in: ['crl'], decode: invalidityDate.decode,
};
