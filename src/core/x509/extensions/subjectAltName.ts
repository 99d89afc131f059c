import { OID } from '../../oids';
import { generalNamesExtension } from './generalNames';

export const subjectAltName = generalNamesExtension(OID.subjectAltName, ['certificate']);
