import { OID } from '../../oids';
import { distributionPointsExtension } from './distributionPoints';

/** Where delta CRLs are found (RFC 5280 §4.2.1.15, §5.2.6). */
export const freshestCrl = distributionPointsExtension(OID.freshestCrl, ['certificate', 'crl']);
