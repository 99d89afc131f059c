// Recognizes what a DER blob is by its structure (raw .der/.cer/.crl/.p7b/.p12/.ocsp files carry
// no label), so we can pick the right decoder and say "not an X" precisely.
import { children, integerValue, oidString, readTlv, TAG, type Tlv } from '../der/reader';
import { CONTENT_TYPES } from '../oids';

export type DerKind =
  | 'certificate' | 'crl' | 'csr' | 'ocspRequest' | 'ocspResponse' | 'pkcs7' | 'pkcs12'
  | 'spki' | 'pkcs8' | 'encrypted-pkcs8' | 'pkcs1' | 'pkcs1-public' | 'sec1' | 'unknown';

const isTime = (t: Tlv | undefined): boolean => t?.tag === TAG.UTC_TIME || t?.tag === TAG.GENERALIZED_TIME;

export function sniffDer(der: Uint8Array): DerKind {
  try {
    const top = readTlv(der, 0);
    if (top.tag !== TAG.SEQUENCE) return 'unknown';
    const c = children(der, top);
    if (c.length === 0) return 'unknown';
    if (c[0].tag === TAG.ENUMERATED) return 'ocspResponse';
    if (c[0].tag === TAG.OID) return oidString(der, c[0]) === CONTENT_TYPES.signedData ? 'pkcs7' : 'unknown';
    if (c[0].tag === TAG.INTEGER) {
      // PFX: version 3, authSafe ContentInfo, macData (absent in `openssl pkcs12 -nomac` files).
      if ((c.length === 2 || (c.length >= 3 && c[2].tag === TAG.SEQUENCE)) && c[1].tag === TAG.SEQUENCE && integerValue(der, c[0]) === 3 && children(der, c[1])[0]?.tag === TAG.OID) return 'pkcs12';
      if (c.length === 3 && c[1].tag === TAG.SEQUENCE && c[2].tag === TAG.OCTET_STRING) return 'pkcs8';
      if (c.length >= 4 && c[1].tag === TAG.OCTET_STRING) return 'sec1';
      if (c.length >= 9 && c.every((x) => x.tag === TAG.INTEGER)) return 'pkcs1';
      if (c.length === 2 && c[1].tag === TAG.INTEGER) return 'pkcs1-public';
      if (c.length >= 4 && c[1].tag === TAG.SEQUENCE && c[2].tag === TAG.SEQUENCE && c[3].tag === 0xa0) return 'pkcs8'; // PKCS#8 v2 (OneAsymmetricKey) with attributes
      return 'unknown';
    }
    if (c[0].tag !== TAG.SEQUENCE) return 'unknown';
    if (c.length === 2 && c[1].tag === TAG.BIT_STRING) return 'spki';
    if (c.length === 2 && c[1].tag === TAG.OCTET_STRING) return 'encrypted-pkcs8';
    if (c.length === 3 && c[2].tag === TAG.BIT_STRING) {
      // Signed structure: look inside the "to be signed" part.
      const f = children(der, c[0]);
      if (f[0]?.tag === 0xa0) return 'certificate';
      if (f[0]?.tag === TAG.INTEGER && f[1]?.tag === TAG.SEQUENCE && f[2]?.tag === TAG.SEQUENCE && isTime(f[3])) return 'crl';
      if (f[0]?.tag === TAG.SEQUENCE && f[1]?.tag === TAG.SEQUENCE && isTime(f[2])) return 'crl';
      if (f[0]?.tag === TAG.INTEGER && f[1]?.tag === TAG.SEQUENCE && f[2]?.tag === TAG.SEQUENCE && (f[3]?.tag === 0xa0 || f.length === 3)) return 'csr';
      if (f[0]?.tag === TAG.INTEGER && f.length >= 6) return 'certificate';
      return 'unknown';
    }
    if ((c.length === 1 || (c.length === 2 && c[1].tag === 0xa0))) {
      // OCSPRequest: tbsRequest { [0] version?, [1] requestorName?, requestList SEQUENCE OF Request, [2] exts? }
      const f = children(der, c[0]);
      const list = f.find((x) => x.tag === TAG.SEQUENCE);
      if (list) {
        const req = children(der, list)[0];
        const certId = req && children(der, req)[0];
        if (certId && children(der, certId)[0]?.tag === TAG.SEQUENCE) return 'ocspRequest';
      }
    }
    return 'unknown';
  } catch {
    return 'unknown';
  }
}
