import { TAG, timeValue } from '../../der/reader';
import { OID } from '../../oids';
import { top, type ExtensionDescriptor } from './descriptor';

export const invalidityDate: ExtensionDescriptor<Date> = {
  oid: OID.invalidityDate, in: ['crlEntry'],
  decode: (v) => timeValue(v, top(v, TAG.GENERALIZED_TIME)),
};
