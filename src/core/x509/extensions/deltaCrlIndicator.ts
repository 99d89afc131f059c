import { OID } from '../../oids';
import { crlNumber } from './crlNumber';
import type { ExtensionDescriptor } from './descriptor';

/** The CRL number of the base CRL, lowercase hex (a CRLNumber, RFC 5280 §5.2.4). */
export const deltaCrlIndicator: ExtensionDescriptor<string> = {
  oid: OID.deltaCrlIndicator, in: ['crl'], decode: crlNumber.decode,
};
