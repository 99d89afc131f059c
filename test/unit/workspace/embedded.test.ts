// Base64-embedded certificates and keys (Kubernetes Secret `data:`, kubectl -o json, Helm values,
// .env), positioned on their line; keys recognised but never shown; bounded on hostile input.
// Expected fingerprints come from openssl.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { decodeFileWithEmbedded, decodeTextWithEmbedded, findEmbedded, MAX_VALUES } from '../../../src/core/workspace/embedded';
import { loadFile } from '../../../src/core/workspace/loader';
import { hoverMarkdown } from '../../../src/core/present/hover';
import { openssl } from '../../support/run';
import { fixture, write, type Fixture } from './fixture';

const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');

describe('embedded base64 certificates and keys', function () {
  this.timeout(60_000);
  let f: Fixture;
  let serverFp: string;
  let caFp: string;
  let serverDer: Buffer;
  before(async () => {
    f = await fixture();
    const fp = async (p: string) => (await openssl(['x509', '-in', p, '-noout', '-fingerprint', '-sha256'])).trim().split('=')[1].replace(/:/g, '').toLowerCase();
    serverFp = await fp(f.pki.server.certPath);
    caFp = await fp(f.pki.intermediate.certPath);
    serverDer = Buffer.from(f.pem(f.pki.server).replace(/-----[^-]+-----|\s/g, ''), 'base64');
  });

  function secretYaml(): string {
    return [
      'apiVersion: v1', 'kind: Secret', 'metadata:', '  name: broker-tls', 'type: kubernetes.io/tls', 'data:',
      `  tls.crt: ${b64(f.pem(f.pki.server))}`,
      `  ca.crt: ${b64(f.pem(f.pki.intermediate))}`,
      `  tls.key: ${b64(readFileSync(f.pki.server.keyPath))}`,
      '',
    ].join('\n');
  }

  it('decodes a Kubernetes TLS Secret: tls.crt and ca.crt on their lines, tls.key as a key without material', () => {
    const items = decodeTextWithEmbedded(secretYaml(), { fileName: 'secret.yaml' });
    assert.deepEqual(items.map((i) => [i.result.kind, i.range.startLine]), [['certificate', 6], ['certificate', 7], ['privateKey', 8]]);
    assert.deepEqual(items.map((i) => i.range.block), [0, 1, 2]);
    const [crt, ca, key] = items.map((i) => i.result);
    assert.equal(crt.kind === 'certificate' && crt.fingerprints.sha256, serverFp);
    assert.equal(ca.kind === 'certificate' && ca.fingerprints.sha256, caFp);
    const md = hoverMarkdown(items[2], { now: new Date(), expiringDays: 30 });
    const keyB64 = b64(readFileSync(f.pki.server.keyPath));
    assert.ok(!md.includes(keyB64.slice(20, 60)), 'no base64 of the key in the hover');
    assert.ok(key.kind === 'privateKey');
  });

  it('decodes kubectl -o json, base64 DER in .env and JSON, and keeps "\\n"-escaped PEM and C string literals', () => {
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', data: { 'ca.crt': b64(f.pem(f.pki.intermediate)), 'tls.crt': b64(f.pem(f.pki.server)) } }, null, 2);
    const fromJson = decodeTextWithEmbedded(json, {});
    assert.deepEqual(fromJson.map((i) => i.result.kind === 'certificate' && i.result.fingerprints.sha256), [caFp, serverFp]);
    assert.deepEqual(fromJson.map((i) => i.range.startLine), [4, 5]);
    const env = `HOST=broker\nBROKER_CERT_DER_B64=${serverDer.toString('base64')}\n`;
    const [der] = decodeTextWithEmbedded(env, {});
    assert.equal(der.label, 'BASE64');
    assert.equal(der.range.startLine, 1);
    assert.equal(der.result.kind === 'certificate' && der.result.fingerprints.sha256, serverFp);
    const escaped = JSON.stringify({ cert: f.pem(f.pki.server), der: serverDer.toString('base64') });
    assert.deepEqual(decodeTextWithEmbedded(escaped, {}).map((i) => i.result.kind === 'certificate' && i.result.fingerprints.sha256), [serverFp, serverFp]);
    const c = `static const char *ca =\n${f.pem(f.pki.intermediate).split('\n').filter(Boolean).map((l) => `  "${l}\\n"`).join('\n')};\n`;
    assert.deepEqual(decodeTextWithEmbedded(c, {}).map((i) => i.result.kind === 'certificate' && i.result.fingerprints.sha256), [caFp]);
  });

  it('indexes a Secret file from disk (no "no PEM block" error) and skips YAML without PKI content quietly', async () => {
    const secret = write(f.dir, 'secret.yaml', secretYaml());
    const plain = write(f.dir, 'values.yaml', 'replicas: 3\nimage: nginx\n');
    const opts = { decode: (b: Uint8Array, n: string) => decodeFileWithEmbedded(b, { fileName: n }), maxBytes: 1 << 20, timeoutMs: 5000 };
    const file = await loadFile(secret, opts);
    assert.equal(file?.error, undefined);
    assert.deepEqual(file?.items.map((i) => i.result.kind), ['certificate', 'certificate', 'privateKey']);
    assert.equal(await loadFile(plain, opts), undefined);
    // A .pem without content is still a problem worth showing.
    const junk = write(f.dir, 'empty-ish.pem', 'nothing here\n');
    assert.match((await loadFile(junk, opts))?.error ?? '', /No PEM block/);
  });

  it('is bounded on hostile input: many long base64-looking values, one huge value', () => {
    const many = Array.from({ length: MAX_VALUES * 3 }, (_, i) => `k${i}: MII${'A'.repeat(200)}`).join('\n');
    assert.deepEqual(findEmbedded(many), []);
    const huge = `x: MII${'A'.repeat(4 * 1024 * 1024)}=\n`;
    assert.deepEqual(findEmbedded(huge), []);
  });
});
