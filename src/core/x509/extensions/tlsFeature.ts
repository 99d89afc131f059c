import { TAG, children, integerValue } from '../../der/reader';
import { OID } from '../../oids';
import { top, type ExtensionDescriptor } from './descriptor';

/** TLS Feature (RFC 7633): the TLS extension numbers; 5 (status_request) is OCSP must-staple. */
export const tlsFeature: ExtensionDescriptor<number[]> = {
  oid: OID.tlsFeature, in: ['certificate'],
  decode: (v) => children(v, top(v, TAG.SEQUENCE)).map((t) => integerValue(v, t)),
};
