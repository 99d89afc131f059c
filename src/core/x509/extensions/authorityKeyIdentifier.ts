import { TAG, children, integerHex, toHex } from '../../der/reader';
import { OID } from '../../oids';
import { parseGeneralNames, type GeneralName } from '../generalName';
import { top, type ExtensionDescriptor } from './descriptor';

export interface AuthorityKeyId { keyIdHex?: string; issuer?: GeneralName[]; serialHex?: string }

export const authorityKeyIdentifier: ExtensionDescriptor<AuthorityKeyId> = {
  oid: OID.authorityKeyIdentifier, in: ['certificate', 'crl'],
  decode(v) {
    const out: AuthorityKeyId = {};
    for (const part of children(v, top(v, TAG.SEQUENCE))) {
      if (part.tag === 0x80) out.keyIdHex = toHex(v, part.start, part.end);
      else if (part.tag === 0xa1) out.issuer = parseGeneralNames(v, part);
      else if (part.tag === 0x82) out.serialHex = integerHex(v, part);
    }
    return out;
  },
};
