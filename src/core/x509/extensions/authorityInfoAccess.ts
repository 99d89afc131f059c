import { OID } from '../../oids';
import { accessExtension } from './accessDescriptions';

export const authorityInfoAccess = accessExtension(OID.authorityInfoAccess, ['certificate', 'crl']);
