// `certscope inspect` and the presenters: readable text, stable JSON, exit codes and messages
// that name file, block and line.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectCommand } from '../../../src/cli/inspect';
import { HelpRequested, UsageError } from '../../../src/cli/usage-error';
import { decodeBytes } from '../../../src/core/decode/index';
import { renderJson } from '../../../src/core/present/json';
import { renderText } from '../../../src/core/present/text';
import { captureOutput } from '../../support/capture';
import { makeTempDir } from '../../support/tmp';

function inspect(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return captureOutput(() => inspectCommand.run(argv));
}

describe('certscope inspect', () => {
  const tmp = makeTempDir();
  after(() => tmp.cleanup());

  it('prints a readable certificate and exits 0', async () => {
    const r = await inspect('examples/pki/server.crt', '--at', '2027-01-01T00:00:00Z');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Certificate {2}\[examples\/pki\/server\.crt: block 1 \(CERTIFICATE\), lines 1-\d+\]$/m);
    assert.match(r.out, /Subject: +CN=localhost$/m);
    assert.match(r.out, /Status: +VALID, expires in \d+ days \(at 2027-01-01 00:00:00 UTC\)/);
    assert.match(r.out, /Subject alt names: +DNS:localhost, IP:127\.0\.0\.1, IP:::1/);
    assert.match(r.out, /TLS feature: +5 \(OCSP must-staple\)/);
    assert.equal(r.err, '');
  });

  it('--at shows an expired certificate and a stale CRL', async () => {
    const r = await inspect('examples/pki/expired.crt', 'examples/pki/crl.pem', '--at', '2200-01-01');
    assert.equal(r.code, 0);
    assert.match(r.out, /Status: +EXPIRED, expired \d+ days ago/);
    assert.match(r.out, /Status: +STALE: nextUpdate passed \d+ day\(s\) ago/);
    assert.match(r.out, /keyCompromise/);
  });

  it('names file, block, line and problem for a truncated block, exit 2, other blocks still shown', async () => {
    const chain = readFileSync('examples/pki/chain.pem', 'utf8').split('\n');
    const secondBegin = chain.indexOf('-----BEGIN CERTIFICATE-----', 1);
    const secondEnd = chain.indexOf('-----END CERTIFICATE-----', secondBegin);
    // Lose the last data line and one character of the line before: the data ends early.
    chain.splice(secondEnd - 1, 1);
    chain[secondEnd - 2] = chain[secondEnd - 2].slice(0, -1);
    const file = join(tmp.dir, 'ca.pem');
    writeFileSync(file, chain.join('\n'));
    const r = await inspect(file);
    assert.equal(r.code, 2);
    assert.equal(r.err, `certscope: ${file}: block 2 (CERTIFICATE), line ${secondEnd - 1}: truncated base64\n`);
    assert.match(r.out, /block 1 \(CERTIFICATE\)/);
    assert.match(r.out, /block 3 \(CERTIFICATE\)/);
  });

  it('reports missing files, unrecognized content and wrong PKCS#12 passwords with exit 2', async () => {
    const junk = join(tmp.dir, 'junk.der');
    writeFileSync(junk, Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]));
    const r = await inspect(join(tmp.dir, 'missing.pem'), junk, 'examples/pki/server.p12', '--password', 'nope');
    assert.equal(r.code, 2);
    assert.deepEqual(r.err.trim().split('\n'), [
      `certscope: ${join(tmp.dir, 'missing.pem')}: no such file`,
      `certscope: ${junk}: unrecognized DER structure (not a certificate, CRL, CSR, OCSP message, PKCS#7/#12 or key)`,
      'certscope: examples/pki/server.p12: wrong password for this PKCS#12 file',
    ]);
  });

  it('shows OCSP statuses, CSR signature checks, PKCS#12 contents and key pairing in text', async () => {
    const r = await inspect('test/fixtures/decode/ocsp-response.der', 'test/fixtures/decode/ocsp-request.der', 'test/fixtures/decode/rsa.csr',
      'examples/pki/server.p12', '--password', 'demo', '--at', '2027-01-01T00:00:00Z');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^OCSP response {2}\[test\/fixtures\/decode\/ocsp-response\.der \(DER\)\]$/m);
    assert.match(r.out, /Response status: +successful/);
    assert.match(r.out, /Response 1: GOOD/);
    assert.match(r.out, /Response 2: REVOKED at 2025-01-02 03:04:05 UTC, reason keyCompromise/);
    assert.match(r.out, /^OCSP request/m);
    assert.match(r.out, /Nonce: +[0-9a-f]{32}/);
    assert.match(r.out, /Signature: +valid/);
    assert.match(r.out, /Contents: +2 certificate\(s\), 1 key\(s\)/);
    const spkis = [...r.out.matchAll(/SPKI SHA-256: +([0-9a-f]{64})/g)].map((m) => m[1]);
    // The PKCS#12 key's public-key fingerprint equals its certificate's: that is how they pair.
    assert.equal(spkis.filter((x) => x === spkis[spkis.length - 1]).length, 2);
  });

  it('--json prints stable JSON: ISO dates, hex bytes, no DER, validity and CRL entries as arrays', async () => {
    const r = await inspect('examples/pki/server.crt', '--json', '--at', '2027-01-01T00:00:00Z');
    assert.equal(r.code, 0);
    const doc = JSON.parse(r.out);
    assert.equal(doc.file, 'examples/pki/server.crt');
    assert.equal(doc.at, '2027-01-01T00:00:00.000Z');
    const cert = doc.items[0].result;
    assert.equal(cert.kind, 'certificate');
    assert.match(cert.notBefore, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    assert.equal(cert.der, undefined);
    assert.ok(cert.derLength > 300);
    assert.deepEqual(cert.validity.status, 'valid');
    const crl = JSON.parse((await inspect('examples/pki/crl.pem', '--json', '--at', '2200-01-01')).out).items[0].result;
    assert.equal(crl.stale, true);
    assert.equal(crl.bySerial, undefined);
    assert.equal(crl.entries.length, 1);
  });

  it('refuses bad options with a UsageError and prints --help', async () => {
    await assert.rejects(inspect(), UsageError);
    await assert.rejects(inspect('x.pem', '--at', 'yesterday-ish'), /not a date\/time/);
    await assert.rejects(inspect('x.pem', '--frobnicate'), /unknown option --frobnicate/);
    // --help goes up to main as HelpRequested, which prints it on stdout with exit 0.
    await assert.rejects(inspect('--help'), (e: unknown) => e instanceof HelpRequested && /^Usage: certscope inspect FILE/.test(e.text));
  });
});

describe('presenters never show key material', () => {
  it('prints metadata only for private keys and PKCS#12 keys', () => {
    for (const [file, pw] of [['examples/pki/server.key', undefined], ['test/fixtures/decode/rsa-pkcs1.key', undefined], ['examples/pki/server.p12', 'demo']] as const) {
      const bytes = readFileSync(file);
      const items = decodeBytes(bytes, { password: pw });
      const text = renderText(items, { now: new Date('2027-01-01T00:00:00Z') }) + renderJson(items);
      const base64Body = bytes.toString('latin1').split('\n').filter((l) => /^[A-Za-z0-9+/=]{40,}$/.test(l));
      for (const line of base64Body) assert.ok(!text.includes(line.slice(0, 40)), `${file}: key data in output`);
      const hex = bytes.toString('hex');
      for (let i = 0; i + 64 <= hex.length; i += 64) assert.ok(!text.includes(hex.slice(i, i + 64)), `${file}: raw bytes in output`);
      assert.match(text, /secret not shown|Private key/);
    }
  });
});
