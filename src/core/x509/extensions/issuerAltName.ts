import { OID } from '../../oids';
import { generalNamesExtension } from './generalNames';

export const issuerAltName = generalNamesExtension(OID.issuerAltName, ['certificate', 'crl']);
