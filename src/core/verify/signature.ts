// Signature checks through Node crypto: RSA PKCS#1 v1.5, RSA-PSS (parameters from the
// AlgorithmIdentifier), ECDSA, Ed25519/Ed448, DSA.
import { OID } from '../oids';
import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { children, integerValue, oidString, readTlv } from '../der/reader';
import type { AlgorithmId } from './parse';

const HASH_BY_OID: Record<string, string> = {
  [OID.sha1]: 'sha1', [OID.sha224]: 'sha224', [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384', [OID.sha512]: 'sha512',
};

const SIMPLE: Record<string, { hash: string | null; family: 'rsa' | 'ec' | 'ed' | 'dsa' }> = {
  [OID.md5WithRsaEncryption]: { hash: 'md5', family: 'rsa' },
  [OID.sha1WithRsaEncryption]: { hash: 'sha1', family: 'rsa' },
  [OID.sha224WithRsaEncryption]: { hash: 'sha224', family: 'rsa' },
  [OID.sha256WithRsaEncryption]: { hash: 'sha256', family: 'rsa' },
  [OID.sha384WithRsaEncryption]: { hash: 'sha384', family: 'rsa' },
  [OID.sha512WithRsaEncryption]: { hash: 'sha512', family: 'rsa' },
  [OID.ecdsaWithSha1]: { hash: 'sha1', family: 'ec' },
  [OID.ecdsaWithSha224]: { hash: 'sha224', family: 'ec' },
  [OID.ecdsaWithSha256]: { hash: 'sha256', family: 'ec' },
  [OID.ecdsaWithSha384]: { hash: 'sha384', family: 'ec' },
  [OID.ecdsaWithSha512]: { hash: 'sha512', family: 'ec' },
  [OID.ed25519]: { hash: null, family: 'ed' },
  [OID.ed448]: { hash: null, family: 'ed' },
  [OID.dsaWithSha1]: { hash: 'sha1', family: 'dsa' },
  [OID.dsaWithSha224]: { hash: 'sha224', family: 'dsa' },
  [OID.dsaWithSha256]: { hash: 'sha256', family: 'dsa' },
};

const SIGNATURE_NAMES: Record<string, string> = {
  [OID.md5WithRsaEncryption]: 'md5WithRSAEncryption', [OID.sha1WithRsaEncryption]: 'sha1WithRSAEncryption',
  [OID.sha256WithRsaEncryption]: 'sha256WithRSAEncryption', [OID.sha384WithRsaEncryption]: 'sha384WithRSAEncryption',
  [OID.sha512WithRsaEncryption]: 'sha512WithRSAEncryption', [OID.rsassaPss]: 'RSASSA-PSS',
  [OID.ecdsaWithSha256]: 'ecdsa-with-SHA256', [OID.ecdsaWithSha384]: 'ecdsa-with-SHA384', [OID.ed25519]: 'Ed25519',
};

const keyCache = new Map<string, KeyObject>();

function publicKeyFromSpki(spki: Uint8Array): KeyObject {
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
    if (alg.oid === OID.rsassaPss) {
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
