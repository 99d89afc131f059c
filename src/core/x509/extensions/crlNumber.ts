import { TAG, integerHex } from '../../der/reader';
import { OID } from '../../oids';
import { top, type ExtensionDescriptor } from './descriptor';

/** Lowercase hex without leading zeros. */
export const crlNumber: ExtensionDescriptor<string> = {
  oid: OID.crlNumber, in: ['crl'],
  decode: (v) => integerHex(v, top(v, TAG.INTEGER)),
};
