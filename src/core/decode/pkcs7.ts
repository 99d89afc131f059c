// PKCS#7 / CMS SignedData "certificate bundles" (.p7b/.p7c): the certificates and CRLs inside.
import { children, oidString, readTlv, TAG } from '../der/reader';
import type { Pkcs7Model } from '../model';
import { CONTENT_TYPES } from '../oids';
import { decodeCertificate } from './certificate';
import { decodeCrl } from './crl';
import { decoding, DecodeFailure } from './errors';

export function decodePkcs7(input: Uint8Array): Pkcs7Model {
  return decoding('PKCS#7 bundle', () => {
    const top = readTlv(input, 0);
    const [typeT, contentT] = children(input, top);
    if (!typeT || typeT.tag !== TAG.OID) throw new DecodeFailure('not a PKCS#7 structure: expected a ContentInfo');
    const type = oidString(input, typeT);
    if (type !== CONTENT_TYPES.signedData) throw new DecodeFailure(`PKCS#7 content type ${type} is not signedData`);
    if (!contentT || contentT.tag !== 0xa0) return { kind: 'pkcs7', certificates: [], crls: [] };
    const signedData = readTlv(input, contentT.start, contentT.end);
    const out: Pkcs7Model = { kind: 'pkcs7', certificates: [], crls: [] };
    for (const f of children(input, signedData)) {
      if (f.tag === 0xa0) {
        for (const c of children(input, f)) if (c.tag === TAG.SEQUENCE) out.certificates.push(decodeCertificate(input.subarray(c.offset, c.next)));
      } else if (f.tag === 0xa1) {
        for (const c of children(input, f)) if (c.tag === TAG.SEQUENCE) out.crls.push(decodeCrl(input.subarray(c.offset, c.next)));
      }
    }
    return out;
  });
}
