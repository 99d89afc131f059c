// Hostile key-derivation parameters: a file chooses its own iteration counts, so every KDF run of
// one file is charged to one budget. Each crafted input below would run for minutes to hours
// without it (2^31 iterations of a hash chain); here it comes back with "iteration count too high"
// and the budget's counter shows the work actually granted never passed the limit.
import assert from 'node:assert/strict';
import { createCipheriv, generateKeyPairSync, pbkdf2Sync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBytes, DEFAULT_KDF_BUDGET, KdfBudget } from '../../../src/core/decode';
import { explicit, implicitPrimitive, integer, nullValue, octetString, oid, seq, toPem } from '../../../src/core/der/writer';
import type { DecodedItem, Pkcs12Model } from '../../../src/core/model';
import { openssl } from '../../support/run';
import { makeTempDir } from '../../support/tmp';

const DATA = '1.2.840.113549.1.7.1';
const ENCRYPTED_DATA = '1.2.840.113549.1.7.6';
const SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const PBE_SHA1_3DES = '1.2.840.113549.1.12.1.3';
const HUGE = 2 ** 31 - 1;

function pbes2(iterations: number, salt: Buffer, iv: Buffer): Buffer {
  return seq(oid('1.2.840.113549.1.5.13'), seq(
    seq(oid('1.2.840.113549.1.5.12'), seq(octetString(salt), integer(iterations), seq(oid('1.2.840.113549.2.9'), nullValue()))),
    seq(oid('2.16.840.1.101.3.4.1.42'), octetString(iv)),
  ));
}

/** EncryptedPrivateKeyInfo: PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC); really encrypted unless `junk`. */
function encryptedPkcs8(iterations: number, password: string, junk = false): Buffer {
  const salt = randomBytes(8); const iv = randomBytes(16);
  const pkcs8 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'der' });
  let enc = randomBytes(144);
  if (!junk) {
    const c = createCipheriv('aes-256-cbc', pbkdf2Sync(password, salt, iterations, 32, 'sha256'), iv);
    enc = Buffer.concat([c.update(pkcs8), c.final()]);
  }
  return seq(pbes2(iterations, salt, iv), octetString(enc));
}

const dataInfo = (safeContents: Buffer): Buffer => seq(oid(DATA), explicit(0, octetString(safeContents)));
const keyBag = (epki: Buffer): Buffer => seq(oid(SHROUDED_KEY_BAG), explicit(0, epki));
/** An encryptedData ContentInfo under the legacy PKCS#12 PBE-SHA1-3DES scheme (content is junk). */
const legacyEncrypted = (iterations: number): Buffer => seq(oid(ENCRYPTED_DATA), explicit(0, seq(integer(0), seq(
  oid(DATA), seq(oid(PBE_SHA1_3DES), seq(octetString(randomBytes(8)), integer(iterations))), implicitPrimitive(0, randomBytes(64)),
))));
const macData = (iterations: number): Buffer => seq(
  seq(seq(oid('2.16.840.1.101.3.4.2.1'), nullValue()), octetString(randomBytes(32))), octetString(randomBytes(8)), integer(iterations),
);
function pfx(contentInfos: Buffer[], mac?: Buffer): Buffer {
  return seq(integer(3), dataInfo(seq(...contentInfos)), ...(mac ? [mac] : []));
}

function onlyError(items: DecodedItem[]): string {
  assert.equal(items.length, 1);
  const r = items[0].result;
  assert.equal(r.kind, 'error', `expected a problem item, got ${r.kind}`);
  return r.kind === 'error' ? r.message : '';
}

describe('key-derivation budget (one per file)', () => {
  it('refuses a legacy PKCS#12 PBE bag of 2^31-1 iterations (no MAC, no password) before deriving anything', () => {
    const budget = new KdfBudget();
    const msg = onlyError(decodeBytes(pfx([legacyEncrypted(HUGE)]), { kdfBudget: budget }));
    assert.match(msg, /iteration count too high: a PKCS#12 encrypted bag \(PKCS#12 PBE\) asks for 2,147,483,647 iterations/);
    assert.equal(budget.spent, 0);
    assert.equal(budget.limit, DEFAULT_KDF_BUDGET);
  });

  it('refuses a MAC of 2^40 iterations', () => {
    const budget = new KdfBudget();
    assert.match(onlyError(decodeBytes(pfx([legacyEncrypted(2048)], macData(2 ** 40)), { kdfBudget: budget })), /iteration count too high: the PKCS#12 MAC asks for 1,099,511,627,776 iterations/);
    assert.equal(budget.spent, 0);
  });

  it('a `BEGIN PKCS12` block in a YAML file gets the same answer', () => {
    const yaml = `mqtt:\n  keystore: |\n${toPem(pfx([legacyEncrypted(HUGE)]), 'PKCS12').trim().split('\n').map((l) => `    ${l}`).join('\n')}\n`;
    const items = decodeBytes(Buffer.from(yaml));
    assert.equal(items[0].label, 'PKCS12');
    assert.match(onlyError(items), /iteration count too high/);
  });

  it('20 key bags share the file budget instead of multiplying it', () => {
    // Each bag alone is cheap; together they ask for 20 x 15,000. The budget grants 13 of them.
    const bags = Array.from({ length: 20 }, () => keyBag(encryptedPkcs8(15_000, '')));
    const budget = new KdfBudget(200_000);
    const msg = onlyError(decodeBytes(pfx([dataInfo(seq(...bags))]), { kdfBudget: budget }));
    assert.match(msg, /iteration count too high: a PKCS#12 key bag \(PBKDF2\) asks for 15,000 iterations \(15,000 units\), over the key-derivation budget of 200,000 units per file, 195,000 already used by this file; not decrypted$/);
    assert.equal(budget.spent, 13 * 15_000);
    // The same bags within budget all open: the refusal above is the budget, not the bags.
    const open = decodeBytes(pfx([dataInfo(seq(...bags.slice(0, 13)))]), { kdfBudget: new KdfBudget(200_000) })[0].result as Pkcs12Model;
    assert.deepEqual([open.kind, open.opened, open.keys.length], ['pkcs12', true, 13]);
  });

  it('two PKCS12 blocks of one YAML file share one budget', () => {
    const block = toPem(pfx([dataInfo(seq(keyBag(encryptedPkcs8(30_000, ''))))]), 'PKCS12');
    const budget = new KdfBudget(50_000);
    const items = decodeBytes(Buffer.from(`a: |\n${block}b: |\n${block}`), { kdfBudget: budget });
    assert.deepEqual(items.map((i) => i.result.kind), ['pkcs12', 'error']);
    assert.match(items[1].result.kind === 'error' ? items[1].result.message : '', /iteration count too high/);
    assert.equal(budget.spent, 30_000);
  });

  it('refuses an encrypted PKCS#8 key of 2^31-1 PBKDF2 iterations before OpenSSL runs it', () => {
    const budget = new KdfBudget();
    const pem = toPem(encryptedPkcs8(HUGE, 'x', true), 'ENCRYPTED PRIVATE KEY');
    assert.match(onlyError(decodeBytes(Buffer.from(pem), { password: 'x', kdfBudget: budget })), /iteration count too high: the ENCRYPTED PRIVATE KEY key \(PBKDF2\) asks for 2,147,483,647 iterations/);
    assert.equal(budget.spent, 0);
  });

  describe('files made by openssl', () => {
    const tmp = makeTempDir();
    after(() => tmp.cleanup());
    const keyAndCert = async (): Promise<{ key: string; crt: string }> => {
      const key = join(tmp.dir, 'k.pem'); const crt = join(tmp.dir, 'c.pem');
      await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', crt, '-subj', '/CN=kdf', '-days', '1']);
      return { key, crt };
    };

    it('charges what an openssl .p12 asks for (MAC + certificate bag + key bag) and refuses it when that is over budget', async () => {
      const { key, crt } = await keyAndCert();
      const p12 = join(tmp.dir, 'x.p12');
      await openssl(['pkcs12', '-export', '-inkey', key, '-in', crt, '-out', p12, '-passout', 'pass:pw', '-iter', '20000']);
      const bytes = readFileSync(p12);
      const fits = new KdfBudget();
      const ok = decodeBytes(bytes, { password: 'pw', kdfBudget: fits })[0].result as Pkcs12Model;
      assert.equal(ok.opened, true);
      // SHA-256 MAC (PKCS#12 KDF in JavaScript: 4 units per iteration), AES-256 certificate and key bags (PBKDF2, one block each).
      assert.equal(fits.spent, 4 * 20_000 + 20_000 + 20_000);
      const tight = new KdfBudget(110_000);
      assert.match(onlyError(decodeBytes(bytes, { password: 'pw', kdfBudget: tight })), /iteration count too high: a PKCS#12 key bag \(PBKDF2\) asks for 20,000 iterations/);
      assert.equal(tight.spent, 100_000);
    });

    it('charges an openssl PKCS#8 key under the legacy PKCS#12 PBE (3DES: two key blocks and one IV block per iteration)', async () => {
      const { key } = await keyAndCert();
      const enc = join(tmp.dir, 'v1.pem');
      await openssl(['pkcs8', '-topk8', '-in', key, '-out', enc, '-passout', 'pass:pw', '-v1', 'PBE-SHA1-3DES', '-iter', '5000']);
      const fits = new KdfBudget();
      assert.equal(decodeBytes(readFileSync(enc), { password: 'pw', kdfBudget: fits })[0].result.kind, 'privateKey');
      assert.equal(fits.spent, 3 * 5000);
      assert.match(onlyError(decodeBytes(readFileSync(enc), { password: 'pw', kdfBudget: new KdfBudget(14_999) })), /iteration count too high: the ENCRYPTED PRIVATE KEY key \(PBE\) asks for 5,000 iterations/);
    });

    it('charges an openssl scrypt-encrypted PKCS#8 key as N*r*p*4', async () => {
      const { key } = await keyAndCert();
      const enc = join(tmp.dir, 'scrypt.pem');
      await openssl(['pkcs8', '-topk8', '-in', key, '-out', enc, '-passout', 'pass:pw', '-scrypt', '-scrypt_N', '1024', '-scrypt_r', '8', '-scrypt_p', '1']);
      const fits = new KdfBudget();
      const r = decodeBytes(readFileSync(enc), { password: 'pw', kdfBudget: fits })[0].result;
      assert.equal(r.kind, 'privateKey');
      assert.equal(fits.spent, 1024 * 8 * 4);
      assert.match(onlyError(decodeBytes(readFileSync(enc), { password: 'pw', kdfBudget: new KdfBudget(10_000) })), /iteration count too high: .*scrypt N=1024, r=8, p=1/);
    });
  });
});
