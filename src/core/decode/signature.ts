// Signature checks with Node's crypto over DER parts (tbs bytes, algorithm, signature, SPKI).
import { createPublicKey, verify as cryptoVerify, X509Certificate, type KeyObject } from 'node:crypto';
import { children, oidString, type Tlv } from '../der/reader';
import { SIGNATURE_HASH, signatureAlgorithmName } from '../oids';

export function algorithmIdentifier(buf: Uint8Array, t: Tlv): { oid: string; name: string } {
  const [oidT] = children(buf, t);
  if (!oidT) throw new Error('empty AlgorithmIdentifier');
  const oid = oidString(buf, oidT);
  return { oid, name: signatureAlgorithmName(oid) };
}

export function buf(u: Uint8Array): Buffer {
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

export function spkiKey(spkiDer: Uint8Array): KeyObject {
  return createPublicKey({ key: buf(spkiDer), format: 'der', type: 'spki' });
}

/**
 * Verifies `signature` over `data` with the public key. Returns false for a bad signature and
 * undefined when the algorithm cannot be checked here (e.g. RSA-PSS parameters, unknown OIDs).
 */
export function verifySignature(algOid: string, data: Uint8Array, signature: Uint8Array, key: KeyObject): boolean | undefined {
  if (!(algOid in SIGNATURE_HASH)) return undefined;
  const hash = SIGNATURE_HASH[algOid];
  try {
    // ECDSA/DSA signatures in X.509 are DER-encoded (Node's default dsaEncoding).
    return cryptoVerify(hash, buf(data), key, buf(signature));
  } catch {
    return false;
  }
}

/** Self-signature check of a whole certificate with its own key; X509Certificate covers RSA-PSS. */
export function verifyCertificateWithKey(certDer: Uint8Array, algOid: string, tbs: Uint8Array, signature: Uint8Array, spkiDer: Uint8Array): boolean {
  try {
    const key = spkiKey(spkiDer);
    const quick = verifySignature(algOid, tbs, signature, key);
    if (quick !== undefined) return quick;
    return new X509Certificate(buf(certDer)).verify(key);
  } catch {
    return false;
  }
}
