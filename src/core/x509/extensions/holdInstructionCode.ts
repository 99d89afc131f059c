import { TAG, oidString } from '../../der/reader';
import { OID } from '../../oids';
import { top, type ExtensionDescriptor } from './descriptor';

/** The hold instruction OID (RFC 5280 §5.3.2 of RFC 3280; kept for old CRLs). */
export const holdInstructionCode: ExtensionDescriptor<string> = {
  oid: OID.holdInstructionCode, in: ['crlEntry'],
  decode: (v) => oidString(v, top(v, TAG.OID)),
};
