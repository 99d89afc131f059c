// Fuzz-style robustness: >= 10,000 mutated and truncated PEM and DER inputs (seeded, so every run
// is the same). decodeBytes must never throw, must finish (mocha's timeout catches hangs) and must
// return structured results; oversized files are refused without being read.
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync, writeFileSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBytes, readFileForDecoding } from '../../src/core/decode/index';
import type { DecodedItem } from '../../src/core/model';
import { renderJson } from '../../src/core/present/json';
import { renderText } from '../../src/core/present/text';
import { makeTempDir } from '../support/tmp';

/** mulberry32: tiny deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS: Array<[string, Buffer]> = [
  ...['server.crt', 'root.crt', 'crl.pem', 'chain.pem', 'server.csr', 'bundle.p7b', 'server.p12'].map((f): [string, Buffer] => [f, readFileSync(join('examples/pki', f))]),
  ...['ocsp-request.der', 'ocsp-response.der', 'rsa-pkcs8.der', 'ec-sec1.key', 'rsa-legacy-encrypted.key', 'ed25519.crt', 'nopass.p12'].map((f): [string, Buffer] => [f, readFileSync(join('test/fixtures/decode', f))]),
];

function derOf(pem: Buffer): Buffer | undefined {
  const m = /-----BEGIN [^-]+-----([\s\S]*?)-----END/.exec(pem.toString('latin1'));
  return m ? Buffer.from(m[1].replace(/\s/g, ''), 'base64') : undefined;
}

type Mutator = (b: Buffer, r: () => number) => Buffer;
const int = (r: () => number, n: number): number => Math.floor(r() * n);

const MUTATORS: Mutator[] = [
  (b, r) => { const c = Buffer.from(b); for (let i = 0, n = 1 + int(r, 8); i < n; i++) c[int(r, c.length)] ^= 1 << int(r, 8); return c; },
  (b, r) => b.subarray(0, int(r, b.length)),
  (b, r) => { const c = Buffer.from(b); c[int(r, c.length)] = int(r, 256); return c; },
  (b, r) => { const at = int(r, b.length); return Buffer.concat([b.subarray(0, at), Buffer.from(Array.from({ length: 1 + int(r, 16) }, () => int(r, 256))), b.subarray(at)]); },
  (b, r) => { const at = int(r, b.length); return Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + int(r, 64))]); },
  (b, r) => { const at = int(r, b.length); const len = int(r, 200); return Buffer.concat([b.subarray(0, at), b.subarray(at, at + len), b.subarray(at)]); },
  // Length-field attacks: huge long-form lengths, indefinite lengths, nested garbage.
  (b, r) => { const c = Buffer.from(b); const at = 1 + int(r, Math.min(c.length - 1, 400)); c[at] = [0x84, 0x80, 0xff, 0x00, 0x83][int(r, 5)]; return c; },
  (b, r) => { const c = Buffer.from(b); const at = int(r, c.length); c[at] = [0x30, 0x31, 0xa0, 0x24, 0x04, 0x03][int(r, 6)]; return c; },
];

const PEM_MUTATORS: Mutator[] = [
  (b, r) => { const lines = b.toString('latin1').split('\n'); lines.splice(1 + int(r, Math.max(1, lines.length - 2)), 1); return Buffer.from(lines.join('\n'), 'latin1'); },
  (b, r) => { const lines = b.toString('latin1').split('\n'); const i = int(r, lines.length); lines[i] = lines[i].slice(0, int(r, lines[i].length + 1)); return Buffer.from(lines.join('\n'), 'latin1'); },
  (b, r) => { const s = b.toString('latin1'); const at = int(r, s.length); return Buffer.from(s.slice(0, at) + '!@#\\n"'[int(r, 6)] + s.slice(at), 'latin1'); },
  (b, r) => Buffer.from(b.toString('latin1').replace(/-----(BEGIN|END) ([A-Z0-9 ]+)-----/, (_m, k) => `-----${k} ${['CERTIFICATE', 'X509 CRL', 'PKCS7', 'PRIVATE KEY', 'FOO'][int(r, 5)]}-----`), 'latin1'),
  (b) => Buffer.from(JSON.stringify({ v: b.toString('latin1') }), 'latin1'),
];

function check(items: DecodedItem[], what: string): void {
  assert.ok(Array.isArray(items) && items.length > 0, `${what}: no items`);
  for (const it of items) {
    assert.ok(it.range && typeof it.label === 'string', `${what}: item without range/label`);
    if (it.result.kind === 'error') assert.ok(it.result.message.length > 0, `${what}: empty error message`);
  }
}

describe('fuzz: mutated and truncated inputs never break decodeBytes', function () {
  this.timeout(300_000);

  it('survives >= 10,000 seeded mutations of real PEM and DER files, and the presenters render every result', () => {
    const r = prng(0xc37c0de);
    let runs = 0; let errors = 0; let decoded = 0;
    const now = new Date('2030-01-01T00:00:00Z');
    for (const [name, original] of SEEDS) {
      const der = derOf(original);
      const bases: Array<[string, Buffer, Mutator[]]> = [[`${name}`, original, [...MUTATORS, ...(der ? PEM_MUTATORS : [])]]];
      if (der) bases.push([`${name} (DER)`, der, MUTATORS]);
      for (const [label, base, mutators] of bases) {
        const n = Math.ceil(10_400 / (SEEDS.length * 1.6));
        for (let i = 0; i < n; i++) {
          let input = base;
          for (let k = 0, rounds = 1 + int(r, 3); k < rounds; k++) input = mutators[int(r, mutators.length)](input, r);
          const what = `${label} mutation ${i}`;
          let items: DecodedItem[];
          try {
            items = decodeBytes(new Uint8Array(input), { password: i % 3 === 0 ? 'demo' : undefined });
          } catch (e) {
            assert.fail(`${what}: decodeBytes threw ${e instanceof Error ? e.stack : String(e)}`);
          }
          check(items, what);
          if (i % 10 === 0) {
            // Rendering must cope with whatever the decoder produced.
            assert.equal(typeof renderText(items, { now }), 'string');
            JSON.parse(renderJson(items, { now }));
          }
          runs++;
          for (const it of items) { if (it.result.kind === 'error') errors++; else decoded++; }
        }
      }
    }
    assert.ok(runs >= 10_000, `only ${runs} inputs`);
    // Both outcomes must occur: a fuzzer that only produced errors (or nothing but successes) tests nothing.
    assert.ok(errors > 1000 && decoded > 100, `errors ${errors}, decoded ${decoded}`);
  });

  it('never throws on random bytes and random text', () => {
    const r = prng(42);
    for (let i = 0; i < 1000; i++) {
      const len = int(r, 600);
      const bytes = Buffer.from(Array.from({ length: len }, () => (i % 2 ? int(r, 256) : 32 + int(r, 95))));
      if (i % 4 === 0 && len > 2) { bytes[0] = 0x30; bytes[1] = 0x80 | int(r, 5); }
      check(decodeBytes(new Uint8Array(bytes)), `random ${i}`);
    }
  });

  it('survives deeply nested indefinite-length BER', () => {
    const nested = Buffer.concat([Buffer.alloc(20_000, Buffer.from([0x30, 0x80]))]);
    check(decodeBytes(new Uint8Array(nested)), 'nested');
  });
});

describe('size cap', () => {
  const tmp = makeTempDir();
  after(() => tmp.cleanup());

  it('refuses a 60 MB file with a clear message, from its size alone', () => {
    const path = join(tmp.dir, 'huge.pem');
    const fd = openSync(path, 'w');
    ftruncateSync(fd, 60 * 1024 * 1024); // sparse: costs no disk, and would take 60 MB of memory if read
    closeSync(fd);
    const before = process.memoryUsage().arrayBuffers;
    const res = readFileForDecoding(path);
    assert.deepEqual(res, { ok: false, error: 'file is 60 MB, over the 50 MB limit; not read' });
    assert.ok(process.memoryUsage().arrayBuffers - before < 10 * 1024 * 1024, 'the file was not read into memory');
  });

  it('reads files under the cap and honours a smaller cap; names missing files', () => {
    const path = join(tmp.dir, 'small.pem');
    writeFileSync(path, readFileSync('examples/pki/server.crt'));
    const ok = readFileForDecoding(path);
    assert.equal(ok.ok, true);
    assert.deepEqual(readFileForDecoding(path, 100), { ok: false, error: `file is ${readFileSync(path).length > 1024 ? `${Math.round(readFileSync(path).length / 1024)} KB` : `${readFileSync(path).length} bytes`}, over the 100 bytes limit; not read` });
    assert.deepEqual(readFileForDecoding(join(tmp.dir, 'nope.pem')), { ok: false, error: 'no such file' });
    assert.deepEqual(readFileForDecoding(tmp.dir), { ok: false, error: 'is a directory' });
  });
});
