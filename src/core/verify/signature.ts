// Signature checks through Node crypto: RSA PKCS#1 v1.5, RSA-PSS (parameters from the
// AlgorithmIdentifier), ECDSA, Ed25519/Ed448, DSA.
import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { children, integerValue, oidString, readTlv } from '../der/reader';
import type { AlgorithmId } from './parse';

const HASH_BY_OID: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1', '2.16.840.1.101.3.4.2.4': 'sha224', '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512',
};

const SIMPLE: Record<string, { hash: string | null; family: 'rsa' | 'ec' | 'ed' | 'dsa' }> = {
  '1.2.840.113549.1.1.4': { hash: 'md5', family: 'rsa' },
  '1.2.840.113549.1.1.5': { hash: 'sha1', family: 'rsa' },
  '1.2.840.113549.1.1.14': { hash: 'sha224', family: 'rsa' },
  '1.2.840.113549.1.1.11': { hash: 'sha256', family: 'rsa' },
  '1.2.840.113549.1.1.12': { hash: 'sha384', family: 'rsa' },
  '1.2.840.113549.1.1.13': { hash: 'sha512', family: 'rsa' },
  '1.2.840.10045.4.1': { hash: 'sha1', family: 'ec' },
  '1.2.840.10045.4.3.1': { hash: 'sha224', family: 'ec' },
  '1.2.840.10045.4.3.2': { hash: 'sha256', family: 'ec' },
  '1.2.840.10045.4.3.3': { hash: 'sha384', family: 'ec' },
  '1.2.840.10045.4.3.4': { hash: 'sha512', family: 'ec' },
  '1.3.101.112': { hash: null, family: 'ed' },
  '1.3.101.113': { hash: null, family: 'ed' },
  '1.2.840.10040.4.3': { hash: 'sha1', family: 'dsa' },
  '2.16.840.1.101.3.4.3.1': { hash: 'sha224', family: 'dsa' },
  '2.16.840.1.101.3.4.3.2': { hash: 'sha256', family: 'dsa' },
};

export const SIGNATURE_NAMES: Record<string, string> = {
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption', '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption', '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption', '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256', '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384', '1.3.101.112': 'Ed25519',
};

const keyCache = new Map<string, KeyObject>();

export function publicKeyFromSpki(spki: Uint8Array): KeyObject {
  const k = Buffer.from(spki).toString('base64');
  let key = keyCache.get(k);
  if (!key) {
    key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    if (keyCache.size > 2000) keyCache.clear();
    keyCache.set(k, key);
  }
  return key;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** Verifies `signature` over `data` with the key in `spki`, per the signature AlgorithmIdentifier. */
export function checkSignature(data: Uint8Array, alg: AlgorithmId, signature: Uint8Array, spki: Uint8Array): SignatureCheck {
  let key: KeyObject;
  try {
    key = publicKeyFromSpki(spki);
  } catch (e) {
    return { ok: false, reason: `issuer public key unusable: ${(e as Error).message}` };
  }
  try {
    if (alg.oid === '1.2.840.113549.1.1.10') {
      const p = pssParams(alg.params);
      const ok = verify(p.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: p.saltLength }, signature);
      return ok ? { ok } : { ok: false, reason: 'RSA-PSS signature does not verify' };
    }
    const s = SIMPLE[alg.oid];
    if (!s) return { ok: false, reason: `unsupported signature algorithm ${alg.oid}` };
    const kt = key.asymmetricKeyType;
    const compatible = (s.family === 'rsa' && (kt === 'rsa' || kt === 'rsa-pss')) || (s.family === 'ec' && kt === 'ec')
      || (s.family === 'ed' && (kt === 'ed25519' || kt === 'ed448')) || (s.family === 'dsa' && kt === 'dsa');
    if (!compatible) return { ok: false, reason: `signature algorithm ${SIGNATURE_NAMES[alg.oid] ?? alg.oid} does not match the issuer's ${kt} key` };
    const ok = verify(s.hash, data, key, signature);
    return ok ? { ok } : { ok: false, reason: 'signature does not verify with the issuer\'s public key' };
  } catch (e) {
    return { ok: false, reason: `signature check failed: ${(e as Error).message}` };
  }
}

function pssParams(params?: Uint8Array): { hash: string; saltLength: number } {
  let hash = 'sha1';
  let saltLength = 20;
  if (params && params.length > 2) {
    const top = readTlv(params, 0);
    for (const f of children(params, top)) {
      if (f.tag === 0xa0) {
        const ai = readTlv(params, f.start, f.end);
        const o = oidString(params, children(params, ai)[0]);
        hash = HASH_BY_OID[o] ?? hash;
      } else if (f.tag === 0xa2) {
        saltLength = integerValue(params, readTlv(params, f.start, f.end));
      }
    }
  }
  return { hash, saltLength };
}
