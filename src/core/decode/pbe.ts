// Password-based encryption as PKCS#12 and encrypted PKCS#8 use it: the PKCS#12 KDF (RFC 7292
// App. B) with the legacy PKCS#12 PBE schemes, and PBES2 (RFC 8018) with PBKDF2. Every derivation
// is charged to the file's KdfBudget before it runs, so a file cannot choose how long it takes.
import { createDecipheriv, createHash, hash, pbkdf2Sync } from 'node:crypto';
import { children, integerValue, oidString, readTlv, TAG, type Tlv } from '../der/reader';
import { DecodeFailure } from './errors';
import { PKCS12_KDF_WEIGHT, type KdfBudget } from './kdfBudget';
import { rc2CbcDecrypt } from './rc2';

const PBES2 = '1.2.840.113549.1.5.13';
const PBKDF2 = '1.2.840.113549.1.5.12';
const SCRYPT = '1.3.6.1.4.1.11591.4.11';
const PRF: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1', '1.2.840.113549.2.8': 'sha224', '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384', '1.2.840.113549.2.11': 'sha512',
};
const CIPHERS: Record<string, { name: string; keyLen: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLen: 16 }, '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLen: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLen: 32 }, '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyLen: 24 },
};
/** Legacy PKCS#12 PBE schemes (SHA-1 KDF). */
const LEGACY_PBE: Record<string, { name: string; keyLen: number; ivLen: number }> = {
  '1.2.840.113549.1.12.1.3': { name: 'des-ede3-cbc', keyLen: 24, ivLen: 8 },
  '1.2.840.113549.1.12.1.4': { name: 'des-ede-cbc', keyLen: 16, ivLen: 8 },
  '1.2.840.113549.1.12.1.5': { name: 'rc2-cbc', keyLen: 16, ivLen: 8 },
  '1.2.840.113549.1.12.1.6': { name: 'rc2-40-cbc', keyLen: 5, ivLen: 8 },
};
/** PKCS#5 v1.5 PBES1 (MD5/SHA-1 with DES or RC2): one hash chain of `iterations`. */
const PBES1 = new Set(['1.2.840.113549.1.5.1', '1.2.840.113549.1.5.3', '1.2.840.113549.1.5.4', '1.2.840.113549.1.5.6', '1.2.840.113549.1.5.10', '1.2.840.113549.1.5.11']);
const HASH_LEN: Record<string, number> = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64, md5: 16 };

/** The password (or MAC) does not match. */
export class WrongPassword extends Error {}

export function bmpPassword(password: string): Buffer {
  const b = Buffer.alloc(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) b.writeUInt16BE(password.charCodeAt(i), i * 2);
  return b;
}

function blocks(n: number, hashName: string): number {
  return Math.ceil(n / (HASH_LEN[hashName] ?? createHash(hashName).digest().length));
}

/** Budget units per iteration of a PKCS#12-KDF run (in JavaScript) producing `n` bytes with `hashName`. */
export function pkcs12KdfUnits(n: number, hashName: string): number {
  return blocks(n, hashName) * PKCS12_KDF_WEIGHT;
}

/** RFC 7292 Appendix B.2 key derivation. The caller charges the budget first (pkcs12KdfUnits). */
export function pkcs12Kdf(hashName: string, password: Buffer, salt: Uint8Array, id: number, iterations: number, n: number): Buffer {
  const u = HASH_LEN[hashName] ?? createHash(hashName).digest().length;
  const v = hashName === 'sha384' || hashName === 'sha512' ? 128 : 64;
  const fill = (src: Uint8Array): Buffer => {
    const len = src.length === 0 ? 0 : v * Math.ceil(src.length / v);
    const out = Buffer.alloc(len);
    for (let i = 0; i < len; i++) out[i] = src[i % src.length];
    return out;
  };
  const I = Buffer.concat([fill(salt), fill(password)]);
  const D = Buffer.alloc(v, id);
  const out: Buffer[] = [];
  for (let produced = 0; produced < n; produced += u) {
    let A: Buffer = createHash(hashName).update(D).update(I).digest();
    // crypto.hash: the one-shot digest is ~3x faster than createHash per iteration.
    for (let r = 1; r < iterations; r++) A = hash(hashName, A, 'buffer');
    out.push(A);
    const B = Buffer.alloc(v);
    for (let i = 0; i < v; i++) B[i] = A[i % u];
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k] + B[k] + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, n);
}

interface Pbkdf2Params { salt: Uint8Array; iterations: number; prf: string; encOid: string; iv: Uint8Array }

function pbes2Params(der: Uint8Array, paramsT: Tlv): Pbkdf2Params | { scrypt: { n: number; r: number; p: number } } {
  const [kdfT, encT] = children(der, paramsT);
  const [kdfOid, kdfParams] = children(der, kdfT);
  const kdf = oidString(der, kdfOid);
  const kp = children(der, kdfParams);
  if (kdf === SCRYPT) {
    // scrypt-params: salt, costParameter N, blockSize r, parallelization p, [keyLength]
    return { scrypt: { n: integerValue(der, kp[1]), r: integerValue(der, kp[2]), p: integerValue(der, kp[3]) } };
  }
  if (kdf !== PBKDF2) throw new DecodeFailure('PBES2 with a KDF other than PBKDF2 or scrypt is not supported');
  let prf = 'sha1';
  for (const p of kp.slice(2)) if (p.tag === TAG.SEQUENCE) prf = PRF[oidString(der, readTlv(der, p.start, p.end))] ?? prf;
  const [encOid, ivT] = children(der, encT);
  return { salt: der.subarray(kp[0].start, kp[0].end), iterations: integerValue(der, kp[1]), prf, encOid: oidString(der, encOid), iv: ivT ? der.subarray(ivT.start, ivT.end) : new Uint8Array() };
}

/** Decrypts data protected by PBES2 (PBKDF2) or a legacy PKCS#12 PBE scheme; throws WrongPassword. */
export function pbeDecrypt(der: Uint8Array, algT: Tlv, data: Uint8Array, password: string, budget: KdfBudget, what: string): Buffer {
  const [oidT, paramsT] = children(der, algT);
  const oid = oidString(der, oidT);
  const decipher = (name: string, key: Buffer, iv: Uint8Array): Buffer => {
    if (name.startsWith('rc2')) {
      // Node's OpenSSL 3 has no RC2 without the legacy provider: use our own (RFC 2268).
      try {
        return rc2CbcDecrypt(key, key.length * 8, iv, data);
      } catch {
        throw new WrongPassword();
      }
    }
    try {
      const d = createDecipheriv(name, key, iv);
      return Buffer.concat([d.update(data), d.final()]);
    } catch (e) {
      if (e instanceof Error && /unsupported|unknown cipher|Invalid/i.test(e.message) && !/bad decrypt/i.test(e.message)) {
        throw new DecodeFailure(`part of this PKCS#12 file is encrypted with ${name}, a legacy cipher this Node/OpenSSL build cannot decrypt`);
      }
      throw new WrongPassword();
    }
  };
  if (oid === PBES2) {
    const params = pbes2Params(der, paramsT);
    if ('scrypt' in params) throw new DecodeFailure('PBES2 with scrypt is not supported in PKCS#12');
    const cipher = CIPHERS[params.encOid];
    if (!cipher) throw new DecodeFailure(`PBES2 cipher ${params.encOid} is not supported`);
    budget.spend(`${what} (PBKDF2)`, params.iterations, blocks(cipher.keyLen, params.prf));
    const key = pbkdf2Sync(Buffer.from(password, 'utf8'), params.salt, params.iterations, cipher.keyLen, params.prf);
    return decipher(cipher.name, key, params.iv);
  }
  const legacy = LEGACY_PBE[oid];
  if (!legacy) throw new DecodeFailure(`PKCS#12 encryption ${oid} is not supported`);
  const [saltT, iterT] = children(der, paramsT);
  const salt = der.subarray(saltT.start, saltT.end);
  const iterations = integerValue(der, iterT);
  // Charge key and IV together, so an over-budget file derives nothing at all.
  budget.spend(`${what} (PKCS#12 PBE)`, iterations, pkcs12KdfUnits(legacy.keyLen, 'sha1') + pkcs12KdfUnits(legacy.ivLen, 'sha1'));
  const pw = bmpPassword(password);
  const key = pkcs12Kdf('sha1', pw, salt, 1, iterations, legacy.keyLen);
  const iv = pkcs12Kdf('sha1', pw, salt, 2, iterations, legacy.ivLen);
  return decipher(legacy.name, key, iv);
}

/**
 * Charges the budget for the KDF of an EncryptedPrivateKeyInfo (PKCS#8) before OpenSSL decrypts
 * it: PBES2 with PBKDF2 or scrypt, a PKCS#12 PBE scheme, or PKCS#5 v1.5 PBES1.
 */
export function chargeEncryptedPkcs8(der: Uint8Array, budget: KdfBudget, what: string): void {
  const [algT] = children(der, readTlv(der, 0));
  const [oidT, paramsT] = children(der, algT);
  const oid = oidString(der, oidT);
  if (oid === PBES2) {
    const params = pbes2Params(der, paramsT);
    if ('scrypt' in params) {
      // scrypt runs 2N BlockMix rounds of 2r Salsa20/8 cores per lane: charge N*r*p*4.
      const { n, r, p } = params.scrypt;
      if (![n, r, p].every((x) => Number.isSafeInteger(x) && x >= 1)) throw new DecodeFailure(`${what}: invalid scrypt parameters`);
      budget.spend(`${what} (scrypt N=${n}, r=${r}, p=${p})`, n, r * p * 4);
      return;
    }
    const keyLen = CIPHERS[params.encOid]?.keyLen ?? 32;
    budget.spend(`${what} (PBKDF2)`, params.iterations, blocks(keyLen, params.prf));
    return;
  }
  if (LEGACY_PBE[oid] || PBES1.has(oid)) {
    const [, iterT] = children(der, paramsT);
    const legacy = LEGACY_PBE[oid];
    // OpenSSL runs these natively: one unit per block (PBES1 derives one block).
    budget.spend(`${what} (PBE)`, integerValue(der, iterT), legacy ? blocks(legacy.keyLen, 'sha1') + blocks(legacy.ivLen, 'sha1') : 1);
  }
  // Any other scheme is unknown to OpenSSL too: it fails without deriving anything.
}
