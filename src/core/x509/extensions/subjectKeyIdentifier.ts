import { TAG, octets, toHex } from '../../der/reader';
import { OID } from '../../oids';
import { top, type ExtensionDescriptor } from './descriptor';

/** The key identifier, lowercase hex. */
export const subjectKeyIdentifier: ExtensionDescriptor<string> = {
  oid: OID.subjectKeyIdentifier, in: ['certificate'],
  decode: (v) => toHex(octets(v, top(v, TAG.OCTET_STRING))),
};
