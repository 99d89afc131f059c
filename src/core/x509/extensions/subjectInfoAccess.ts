import { OID } from '../../oids';
import { accessExtension } from './accessDescriptions';

export const subjectInfoAccess = accessExtension(OID.subjectInfoAccess, ['certificate']);
