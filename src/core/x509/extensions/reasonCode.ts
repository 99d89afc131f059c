import { TAG, integerValue } from '../../der/reader';
import { OID } from '../../oids';
import { top, type ExtensionDescriptor } from './descriptor';

/** CRLReason code (ENUMERATED, RFC 5280 §5.3.1). */
export const reasonCode: ExtensionDescriptor<number> = {
  oid: OID.reasonCode, in: ['crlEntry'],
  decode: (v) => integerValue(v, top(v, TAG.ENUMERATED)),
};
