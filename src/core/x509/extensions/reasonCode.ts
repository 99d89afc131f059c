import { TAG, integerValue } from '../../der/reader';
import { extensionName, OID } from '../../oids';
import { top, type ExtensionDescriptor } from './descriptor';

/** CRLReason code (ENUMERATED, RFC 5280 §5.3.1). */
export const reasonCode: ExtensionDescriptor<number> = {
  oid: OID.reasonCode, name: extensionName(OID.reasonCode), in: ['crlEntry'],
  decode: (v) => integerValue(v, top(v, TAG.ENUMERATED)),
};
