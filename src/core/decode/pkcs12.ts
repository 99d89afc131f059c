// PKCS#12 (.p12/.pfx): MAC check with the password, then certificates and key metadata from the
// safe bags. Implements the PKCS#12 KDF (RFC 7292 App. B) and PBES2 (RFC 8018) with Node crypto,
// covering OpenSSL 3 defaults (PBES2/AES-256 + HMAC-SHA256) and the legacy 3DES scheme.
import { createDecipheriv, createHash, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { children, integerValue, octets, oidString, readTlv, TAG, type Tlv } from '../der/reader';
import type { CertificateModel, KeyModel, Pkcs12Model } from '../model';
import { CONTENT_TYPES, HASH_ALGORITHMS } from '../oids';
import { decodeCertificate } from './certificate';
import { decoding, DecodeFailure } from './errors';
import { decodeKey } from './key';
import { rc2CbcDecrypt } from './rc2';

const BAGS = {
  key: '1.2.840.113549.1.12.10.1.1', shroudedKey: '1.2.840.113549.1.12.10.1.2', cert: '1.2.840.113549.1.12.10.1.3',
  safeContents: '1.2.840.113549.1.12.10.1.6',
};
const X509_CERT = '1.2.840.113549.1.9.22.1';
const PBES2 = '1.2.840.113549.1.5.13';
const PBKDF2 = '1.2.840.113549.1.5.12';
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

class WrongPassword extends Error {}

function bmpPassword(password: string): Buffer {
  const b = Buffer.alloc(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) b.writeUInt16BE(password.charCodeAt(i), i * 2);
  return b;
}

/** RFC 7292 Appendix B.2 key derivation. */
function pkcs12Kdf(hash: string, password: Buffer, salt: Uint8Array, id: number, iterations: number, n: number): Buffer {
  const u = createHash(hash).digest().length;
  const v = hash === 'sha384' || hash === 'sha512' ? 128 : 64;
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
    let A = createHash(hash).update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = createHash(hash).update(A).digest();
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

function checkMac(der: Uint8Array, macData: Tlv, content: Uint8Array, password: string): void {
  const [digestInfo, saltT, iterT] = children(der, macData);
  const [algT, digestT] = children(der, digestInfo);
  const hashOid = oidString(der, readTlv(der, algT.start, algT.end));
  const hash = HASH_ALGORITHMS[hashOid];
  if (!hash) throw new DecodeFailure(`PKCS#12 MAC uses an unsupported hash ${hashOid}`);
  const iterations = iterT ? integerValue(der, iterT) : 1;
  if (iterations > 1_000_000) throw new DecodeFailure('PKCS#12 MAC iteration count is unreasonably high');
  const salt = der.subarray(saltT.start, saltT.end);
  const expected = der.subarray(digestT.start, digestT.end);
  const key = pkcs12Kdf(hash, bmpPassword(password), salt, 3, iterations, createHash(hash).digest().length);
  const mac = createHmac(hash, key).update(content).digest();
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) throw new WrongPassword();
}

/** Decrypts data protected by PBES2 or a legacy PKCS#12 PBE scheme. */
function decrypt(der: Uint8Array, algT: Tlv, data: Uint8Array, password: string): Buffer {
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
    const [kdfT, encT] = children(der, paramsT);
    const [kdfOid, kdfParams] = children(der, kdfT);
    if (oidString(der, kdfOid) !== PBKDF2) throw new DecodeFailure('PBES2 with a KDF other than PBKDF2 is not supported');
    const kp = children(der, kdfParams);
    const salt = der.subarray(kp[0].start, kp[0].end);
    const iterations = integerValue(der, kp[1]);
    if (iterations > 1_000_000) throw new DecodeFailure('PBKDF2 iteration count is unreasonably high');
    let prf = 'sha1';
    for (const p of kp.slice(2)) if (p.tag === TAG.SEQUENCE) prf = PRF[oidString(der, readTlv(der, p.start, p.end))] ?? prf;
    const [encOid, ivT] = children(der, encT);
    const cipher = CIPHERS[oidString(der, encOid)];
    if (!cipher) throw new DecodeFailure(`PBES2 cipher ${oidString(der, encOid)} is not supported`);
    const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, cipher.keyLen, prf);
    return decipher(cipher.name, key, der.subarray(ivT.start, ivT.end));
  }
  const legacy = LEGACY_PBE[oid];
  if (!legacy) throw new DecodeFailure(`PKCS#12 encryption ${oid} is not supported`);
  const [saltT, iterT] = children(der, paramsT);
  const salt = der.subarray(saltT.start, saltT.end);
  const iterations = integerValue(der, iterT);
  const pw = bmpPassword(password);
  const key = pkcs12Kdf('sha1', pw, salt, 1, iterations, legacy.keyLen);
  const iv = pkcs12Kdf('sha1', pw, salt, 2, iterations, legacy.ivLen);
  return decipher(legacy.name, key, iv);
}

function readBags(der: Uint8Array, safeContents: Tlv, password: string, certs: CertificateModel[], keys: KeyModel[]): void {
  for (const bag of children(der, safeContents)) {
    const [idT, valueT] = children(der, bag);
    const id = oidString(der, idT);
    const value = readTlv(der, valueT.start, valueT.end);
    if (id === BAGS.cert) {
      const [typeT, certT] = children(der, value);
      if (oidString(der, typeT) === X509_CERT) certs.push(decodeCertificate(octets(der, readTlv(der, certT.start, certT.end))));
    } else if (id === BAGS.key) {
      keys.push(decodeKey(der.subarray(value.offset, value.next), 'pkcs8', 'PKCS#12 key bag'));
    } else if (id === BAGS.shroudedKey) {
      const [algT, dataT] = children(der, value);
      const plain = new Uint8Array(decrypt(der, algT, octets(der, dataT), password));
      const key = decodeKey(plain, 'pkcs8', 'PKCS#12 shrouded key bag');
      plain.fill(0); // the decrypted private key is not kept around
      keys.push({ ...key, encrypted: true });
    } else if (id === BAGS.safeContents) {
      readBags(der, value, password, certs, keys);
    }
  }
}

export function decodePkcs12(input: Uint8Array, password?: string): Pkcs12Model {
  return decoding('PKCS#12 file', () => {
    const top = readTlv(input, 0);
    const der = input.subarray(0, top.next);
    const [versionT, authSafeT, macT] = children(der, top);
    if (!versionT || versionT.tag !== TAG.INTEGER || integerValue(der, versionT) !== 3 || !authSafeT) throw new DecodeFailure('not a PKCS#12 file: expected version 3 and authSafe');
    const [ctT, ctContent] = children(der, authSafeT);
    if (oidString(der, ctT) !== CONTENT_TYPES.data || !ctContent) throw new DecodeFailure('PKCS#12 authSafe is not password-integrity data (public-key mode is not supported)');
    const content = octets(der, readTlv(der, ctContent.start, ctContent.end));
    // No password given: try the empty one (openssl -passout pass: makes such files).
    const pw = password ?? '';
    const closed = (error: string): Pkcs12Model => ({ kind: 'pkcs12', opened: false, certificates: [], keys: [], error });
    try {
      if (macT) checkMac(der, macT, content, pw);
      const certificates: CertificateModel[] = [];
      const keys: KeyModel[] = [];
      const notes: string[] = [];
      const safe = readTlv(content, 0);
      for (const ci of children(content, safe)) {
        const [typeT, wrapped] = children(content, ci);
        const type = oidString(content, typeT);
        if (!wrapped) continue;
        const inner = readTlv(content, wrapped.start, wrapped.end);
        if (type === CONTENT_TYPES.data) {
          const sc = octets(content, inner);
          readBags(sc, readTlv(sc, 0), pw, certificates, keys);
        } else if (type === CONTENT_TYPES.encryptedData) {
          const [, eci] = children(content, inner);
          const [, algT, dataT] = children(content, eci);
          try {
            const sc = new Uint8Array(decrypt(content, algT, octets(content, dataT), pw));
            readBags(sc, readTlv(sc, 0), pw, certificates, keys);
          } catch (e) {
            // The MAC already proved the password: an unsupported legacy cipher (RC2-40 from
            // `openssl pkcs12 -legacy`) hides only this part; report it and show the rest.
            if (!(e instanceof DecodeFailure)) throw e;
            notes.push(e.message);
          }
        }
      }
      return { kind: 'pkcs12', opened: true, certificates, keys, ...(notes.length ? { error: notes.join('; ') } : {}) };
    } catch (e) {
      if (e instanceof WrongPassword) {
        return closed(password === undefined ? 'password required: this PKCS#12 file is protected (use --password)' : 'wrong password for this PKCS#12 file');
      }
      if (e instanceof DecodeFailure && /cannot decrypt the/.test(e.message)) return closed('wrong password for this PKCS#12 file');
      throw e;
    }
  });
}
