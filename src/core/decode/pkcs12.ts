// PKCS#12 (.p12/.pfx): MAC check with the password, then certificates and key metadata from the
// safe bags, covering OpenSSL 3 defaults (PBES2/AES-256 + HMAC-SHA256) and the legacy 3DES/RC2
// schemes (pbe.ts). All key derivations of one file share one work budget (kdfBudget.ts).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { children, integerValue, octets, oidString, readTlv, TAG, type Tlv } from '../der/reader';
import type { CertificateModel, KeyModel, Pkcs12Model } from '../model';
import { CONTENT_TYPES, HASH_ALGORITHMS } from '../oids';
import { decodeCertificate } from './certificate';
import { decoding, DecodeFailure } from './errors';
import { decodeKey } from './key';
import { KdfBudget, KdfBudgetExceeded } from './kdfBudget';
import { bmpPassword, pbeDecrypt, pkcs12Kdf, pkcs12KdfUnits, WrongPassword } from './pbe';

const BAGS = {
  key: '1.2.840.113549.1.12.10.1.1', shroudedKey: '1.2.840.113549.1.12.10.1.2', cert: '1.2.840.113549.1.12.10.1.3',
  safeContents: '1.2.840.113549.1.12.10.1.6',
};
const X509_CERT = '1.2.840.113549.1.9.22.1';

function checkMac(der: Uint8Array, macData: Tlv, content: Uint8Array, password: string, budget: KdfBudget): void {
  const [digestInfo, saltT, iterT] = children(der, macData);
  const [algT, digestT] = children(der, digestInfo);
  const hashOid = oidString(der, readTlv(der, algT.start, algT.end));
  const hash = HASH_ALGORITHMS[hashOid];
  if (!hash) throw new DecodeFailure(`PKCS#12 MAC uses an unsupported hash ${hashOid}`);
  const iterations = iterT ? integerValue(der, iterT) : 1;
  const salt = der.subarray(saltT.start, saltT.end);
  const expected = der.subarray(digestT.start, digestT.end);
  const keyLen = createHmac(hash, '').digest().length;
  budget.spend('the PKCS#12 MAC', iterations, pkcs12KdfUnits(keyLen, hash));
  const key = pkcs12Kdf(hash, bmpPassword(password), salt, 3, iterations, keyLen);
  const mac = createHmac(hash, key).update(content).digest();
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) throw new WrongPassword();
}

interface BagSink { certs: CertificateModel[]; keys: KeyModel[]; budget: KdfBudget }

function readBags(der: Uint8Array, safeContents: Tlv, password: string, sink: BagSink): void {
  const { certs, keys } = sink;
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
      const plain = new Uint8Array(pbeDecrypt(der, algT, octets(der, dataT), password, sink.budget, 'a PKCS#12 key bag'));
      const key = decodeKey(plain, 'pkcs8', 'PKCS#12 shrouded key bag');
      plain.fill(0); // the decrypted private key is not kept around
      keys.push({ ...key, encrypted: true });
    } else if (id === BAGS.safeContents) {
      readBags(der, value, password, sink);
    }
  }
}

/** `budget` is the file's key-derivation budget (shared with its other blocks); one per call by default. */
export function decodePkcs12(input: Uint8Array, password?: string, budget: KdfBudget = new KdfBudget()): Pkcs12Model {
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
      if (macT) checkMac(der, macT, content, pw, budget);
      const certificates: CertificateModel[] = [];
      const keys: KeyModel[] = [];
      const sink: BagSink = { certs: certificates, keys, budget };
      const notes: string[] = [];
      const safe = readTlv(content, 0);
      for (const ci of children(content, safe)) {
        const [typeT, wrapped] = children(content, ci);
        const type = oidString(content, typeT);
        if (!wrapped) continue;
        const inner = readTlv(content, wrapped.start, wrapped.end);
        if (type === CONTENT_TYPES.data) {
          const sc = octets(content, inner);
          readBags(sc, readTlv(sc, 0), pw, sink);
        } else if (type === CONTENT_TYPES.encryptedData) {
          const [, eci] = children(content, inner);
          const [, algT, dataT] = children(content, eci);
          try {
            const sc = new Uint8Array(pbeDecrypt(content, algT, octets(content, dataT), pw, budget, 'a PKCS#12 encrypted bag'));
            readBags(sc, readTlv(sc, 0), pw, sink);
          } catch (e) {
            // The MAC already proved the password: an unsupported legacy cipher (RC2-40 from
            // `openssl pkcs12 -legacy`) hides only this part; report it and show the rest.
            // An over-budget iteration count is a problem of the whole file, not a note.
            if (!(e instanceof DecodeFailure) || e instanceof KdfBudgetExceeded) throw e;
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
