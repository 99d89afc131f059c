import { TAG, children, oidString } from '../../der/reader';
import { OID } from '../../oids';
import { top, type ExtensionDescriptor } from './descriptor';

/** The attribute types listed (RFC 5280 §4.2.1.8); the values are not interpreted. */
export const subjectDirectoryAttributes: ExtensionDescriptor<string[]> = {
  oid: OID.subjectDirectoryAttributes, in: ['certificate'],
  decode: (v) => children(v, top(v, TAG.SEQUENCE)).map((attr) => oidString(v, children(v, attr)[0] ?? attr)),
};
