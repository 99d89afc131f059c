// SubjectPublicKeyInfo -> PublicKeyInfo, read straight from DER (no KeyObject needed for metadata).
import { createHash } from 'node:crypto';
import { bitStringBytes, children, oidString, raw, readTlv, TAG, type Tlv } from '../der/reader';
import type { PublicKeyInfo } from '../model';
import { CURVES, KEY_ALGORITHMS } from '../oids';

function bitLength(buf: Uint8Array, t: Tlv): number {
  let i = t.start;
  while (i < t.end && buf[i] === 0) i++;
  if (i >= t.end) return 0;
  return (t.end - i - 1) * 8 + (32 - Math.clz32(buf[i]));
}

export function decodeSpki(buf: Uint8Array, spki: Tlv): PublicKeyInfo {
  const [alg, key] = children(buf, spki);
  if (!alg || !key || alg.tag !== TAG.SEQUENCE || key.tag !== TAG.BIT_STRING) throw new Error('SubjectPublicKeyInfo: expected algorithm and BIT STRING');
  const algParts = children(buf, alg);
  const algorithmOid = oidString(buf, algParts[0]);
  const algorithm = KEY_ALGORITHMS[algorithmOid] ?? 'unknown';
  const info: PublicKeyInfo = { algorithm, algorithmOid, spkiSha256: createHash('sha256').update(raw(buf, spki)).digest('hex') };
  if (algorithm === 'RSA' || algorithm === 'RSA-PSS') {
    const keyBytes = bitStringBytes(buf, key);
    const rsa = readTlv(keyBytes, 0);
    const modulus = readTlv(keyBytes, rsa.start, rsa.end);
    info.bits = bitLength(keyBytes, modulus);
  } else if (algorithm === 'EC') {
    const params = algParts[1];
    if (params?.tag === TAG.OID) {
      const oid = oidString(buf, params);
      const curve = CURVES[oid];
      info.curve = curve?.name ?? oid;
      if (curve) info.bits = curve.bits;
    } else info.curve = 'explicit parameters';
  } else if (algorithm === 'DSA') {
    const params = algParts[1];
    if (params?.tag === TAG.SEQUENCE) info.bits = bitLength(buf, readTlv(buf, params.start, params.end));
  } else if (algorithm === 'Ed25519') info.bits = 253; // as EVP_PKEY_bits reports
  else if (algorithm === 'Ed448') info.bits = 456;
  return info;
}
