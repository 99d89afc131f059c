import { OID } from '../../oids';
import { generalNamesExtension } from './generalNames';

/** Indirect CRLs: the issuer of this entry and the ones after it (RFC 5280 §5.3.3). */
export const certificateIssuer = generalNamesExtension(OID.certificateIssuer, ['crlEntry']);
