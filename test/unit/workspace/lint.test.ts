// Lint rules on real openssl-made files, evaluated at fixed clocks taken from the certificates.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeText } from '../../../src/core/decode/index';
import { analyze } from '../../../src/core/workspace/analysis';
import { reorderBlocks } from '../../../src/core/workspace/bundle';
import { lintFile, MAX_FINDINGS_PER_FILE, type Finding } from '../../../src/core/workspace/lint';
import type { IndexedFile } from '../../../src/core/workspace/types';
import { openssl, run } from '../../support/run';
import { certOf, fixture, load, write, type Fixture } from './fixture';

const DAY = 86_400_000;

describe('workspace lint rules', () => {
  let f: Fixture;
  let server: IndexedFile;
  before(async () => {
    f = await fixture();
    server = await load(f.pki.server.certPath);
  });

  async function lint(paths: string[], target: string, now?: Date, expiringDays = 30): Promise<Finding[]> {
    const files = await Promise.all(paths.map(load));
    const a = analyze(files, { now: now ?? new Date(certOf(server).notBefore.getTime() + DAY), expiringDays });
    return lintFile(files.find((x) => x.key === target)!, a);
  }
  const codes = (fs: Finding[]): string[] => fs.map((x) => x.code).sort();

  it('reports nothing for a good server certificate', async () => {
    assert.deepEqual(await lint([f.pki.server.certPath], f.pki.server.certPath), []);
  });

  it('expired, expiring soon and not yet valid follow the clock and the days setting', async () => {
    const c = certOf(server);
    const after = await lint([f.pki.server.certPath], f.pki.server.certPath, new Date(c.notAfter.getTime() + 2 * DAY));
    assert.deepEqual(codes(after), ['expired']);
    assert.match(after[0].message, /CN=localhost expired on \d{4}-\d\d-\d\d/);
    const soon = await lint([f.pki.server.certPath], f.pki.server.certPath, new Date(c.notAfter.getTime() - 10 * DAY), 30);
    assert.deepEqual(codes(soon), ['expiring-soon']);
    assert.match(soon[0].message, /expires in (9|10) days/);
    assert.deepEqual(await lint([f.pki.server.certPath], f.pki.server.certPath, new Date(c.notAfter.getTime() - 10 * DAY), 5), []);
    const before = await lint([f.pki.server.certPath], f.pki.server.certPath, new Date(c.notBefore.getTime() - DAY));
    assert.deepEqual(codes(before), ['not-yet-valid']);
    // Peer: openssl agrees the certificate is valid now and expired at notAfter + 2 days.
    const ok = await run('openssl', ['x509', '-in', f.pki.server.certPath, '-noout', '-checkend', '0']);
    assert.equal(ok.code, 0);
  });

  it('flags a bundle in the wrong order and the fix puts leaf -> intermediate -> root', async () => {
    const text = `# bundle\n${f.pem(f.pki.root)}\n# the intermediate\n${f.pem(f.pki.intermediate)}${f.pem(f.pki.server)}`;
    const path = write(f.dir, 'wrong-order.pem', text);
    const found = await lint([path], path);
    const order = found.find((x) => x.code === 'bundle-order');
    assert.ok(order, JSON.stringify(found));
    assert.match(order.message, /CN=localhost → CN=Test Intermediate CA → CN=Test Root CA/);
    assert.equal(order.fix?.kind, 'reorderBundle');
    assert.ok(found.some((x) => x.code === 'root-in-chain'));
    const file = await load(path);
    const fixed = reorderBlocks(text, file.items.map((i) => i.range), order.fix!.kind === 'reorderBundle' ? order.fix!.order : []);
    assert.deepEqual(decodeText(fixed).map((i) => (i.result.kind === 'certificate' ? i.result.subject.commonName : '')),
      ['localhost', 'Test Intermediate CA', 'Test Root CA']);
    assert.ok(fixed.startsWith('# bundle\n'), 'text before the first block stays');
    assert.ok(fixed.includes('# the intermediate\n-----BEGIN'), 'a comment moves with its block');
    // Peer: openssl verify accepts the fixed bundle read as untrusted chain (leaf first).
    const fixedPath = write(f.dir, 'fixed-order.pem', fixed);
    const out = await openssl(['verify', '-CAfile', f.pki.root.certPath, '-untrusted', fixedPath, f.pki.server.certPath]);
    assert.match(out, /OK/);
    const again = await lint([fixedPath], fixedPath);
    assert.ok(!again.some((x) => x.code === 'bundle-order'));
  });

  it('does not flag a plain CA bundle of unrelated roots, or a correct leaf+intermediate chain', async () => {
    const other = await import('../../support/openssl-pki').then((m) => m.issueWithOpenssl(f.dir, 'other-root', {
      subject: '/CN=Other Root', extensions: 'basicConstraints=critical,CA:TRUE\nsubjectKeyIdentifier=hash',
    }));
    const bundle = write(f.dir, 'ca-bundle.pem', f.pem(f.pki.root) + readFileSync(other.certPath, 'utf8'));
    assert.deepEqual(await lint([bundle], bundle), []);
    const full = write(f.dir, 'fullchain.pem', f.pem(f.pki.server) + f.pem(f.pki.intermediate));
    assert.deepEqual(await lint([full], full), []);
  });

  it('reports duplicates with a remove fix', async () => {
    const path = write(f.dir, 'dups.pem', f.pem(f.pki.server) + f.pem(f.pki.intermediate) + f.pem(f.pki.server));
    const found = await lint([path], path);
    assert.deepEqual(codes(found), ['duplicate']);
    assert.equal(found[0].item, 2);
    assert.deepEqual(found[0].fix, { kind: 'removeBlock', item: 2 });
    assert.match(found[0].message, /already appears as certificate 1/);
  });

  it('caps the findings of a hostile bundle and says how many more there are', async () => {
    // 500 copies of the same certificate: 499 duplicate findings.
    const path = write(f.dir, 'many-dups.pem', f.pem(f.pki.server).repeat(500));
    const found = await lint([path], path);
    assert.equal(found.length, MAX_FINDINGS_PER_FILE + 1);
    const last = found[found.length - 1];
    assert.equal(last.code, 'truncated');
    assert.match(last.message, /^399 more findings in this file are not listed/);
  });

  it('reports a private key that does not match the certificate in the same file or the sibling file', async () => {
    const mixed = write(f.dir, 'mixed.pem', f.pem(f.pki.server) + readFileSync(f.pki.client.keyPath, 'utf8'));
    const found = await lint([mixed], mixed);
    assert.deepEqual(codes(found), ['key-mismatch']);
    assert.match(found[0].message, /does not match the certificate in this file \(CN=localhost\)/);
    const good = write(f.dir, 'good.pem', f.pem(f.pki.server) + readFileSync(f.pki.server.keyPath, 'utf8'));
    assert.deepEqual(await lint([good], good), []);
    // Sibling: broker.crt (server cert) next to broker.key (client key).
    const crt = write(f.dir, 'broker.crt', f.pem(f.pki.server));
    const key = write(f.dir, 'broker.key', readFileSync(f.pki.client.keyPath, 'utf8'));
    const sib = await lint([crt, key], key);
    assert.deepEqual(codes(sib), ['key-mismatch']);
    assert.match(sib[0].message, /in broker\.crt/);
    // Peer: openssl confirms the public keys differ.
    const a = await openssl(['pkey', '-in', f.pki.client.keyPath, '-pubout']);
    const b = await openssl(['x509', '-in', f.pki.server.certPath, '-noout', '-pubkey']);
    assert.notEqual(a, b);
  });

  it('reports RSA-1024, SHA-1 signatures and a server certificate without SAN', async () => {
    const weak = await lint([f.weak.certPath], f.weak.certPath);
    assert.deepEqual(codes(weak), ['weak-key', 'weak-signature']);
    assert.match(weak.find((x) => x.code === 'weak-key')!.message, /1024-bit RSA/);
    const sig = await openssl(['x509', '-in', f.weak.certPath, '-noout', '-text']);
    assert.match(sig, /ecdsa-with-SHA1/);
    const noSan = await lint([f.noSan.certPath], f.noSan.certPath);
    assert.deepEqual(codes(noSan), ['server-no-san']);
    const weakKey = await lint([f.weak.keyPath], f.weak.keyPath);
    assert.deepEqual(codes(weakKey), ['weak-key']);
  });

  it('reports a certificate revoked by a workspace CRL, and a CRL past nextUpdate', async () => {
    const now = new Date(certOf(server).notBefore.getTime() + DAY);
    const found = await lint([f.pki.client.certPath, f.crlPath], f.pki.client.certPath, now);
    assert.deepEqual(codes(found), ['revoked']);
    assert.match(found[0].message, /CN=device-001 is revoked \d{4}-\d\d-\d\d \(keyCompromise\) per CRL #1 in intermediate\.crl \(this update/);
    const crl = await load(f.crlPath);
    const r = crl.items[0].result;
    assert.equal(r.kind, 'crl');
    const late = new Date((r.kind === 'crl' ? r.nextUpdate!.getTime() : 0) + DAY);
    const stale = await lint([f.crlPath], f.crlPath, late);
    assert.deepEqual(codes(stale), ['crl-stale']);
    assert.deepEqual(await lint([f.crlPath], f.crlPath, now), []);
  });

  it('turns a malformed block into a finding with the reason, and keeps the good blocks', async () => {
    const broken = `${f.pem(f.pki.server)}-----BEGIN CERTIFICATE-----\nMIIB!!!notbase64\n-----END CERTIFICATE-----\n`;
    const path = write(f.dir, 'broken.pem', broken);
    const found = await lint([path], path);
    assert.deepEqual(codes(found), ['decode-error']);
    assert.match(found[0].message, /^Malformed CERTIFICATE block: .+/);
    assert.equal(found[0].range.startLine, broken.split('\n').findIndex((l, i) => i > 0 && l.startsWith('-----BEGIN')));
  });

  it('reports file-level problems (junk named .pem)', async () => {
    const junk = join(f.dir, 'junk.pem');
    write(f.dir, 'junk.pem', '\u0000\u0001\u0002binary junk');
    const found = await lint([junk], junk);
    assert.deepEqual(codes(found), ['file-error']);
    assert.match(found[0].message, /No PEM block found/);
  });
});

describe('bundle text rewriting', () => {
  it('keeps CRLF line endings and a missing final newline when reordering', async () => {
    const f = await fixture();
    const crlf = (s: string): string => s.replace(/\r?\n/g, '\r\n');
    const text = crlf(f.pem(f.pki.intermediate) + f.pem(f.pki.server)).replace(/\r\n$/, '');
    const items = decodeText(text);
    assert.equal(items.length, 2);
    const out = reorderBlocks(text, items.map((i) => i.range), [1, 0]);
    assert.ok(!/[^\r]\n/.test(out), 'only CRLF line breaks');
    assert.ok(!out.endsWith('\n'), 'no final newline added');
    assert.deepEqual(decodeText(out).map((i) => (i.result.kind === 'certificate' ? i.result.subject.commonName : '')), ['localhost', 'Test Intermediate CA']);
    assert.equal(out.length, text.length, 'nothing lost or duplicated');
  });
});
