// Hover markdown, one-line summaries and the tree model, checked against openssl's own output.
import { strict as assert } from 'node:assert';
import { colonSerial } from '../../../src/core/serial';
import { readFileSync } from 'node:fs';
import { decodeText } from '../../../src/core/decode/index';
import { hoverMarkdown } from '../../../src/core/present/hover';
import { summarize } from '../../../src/core/present/summary';
import { analyze } from '../../../src/core/workspace/analysis';
import { PkiTree, type PkiNode } from '../../../src/core/workspace/tree';
import { shownText } from '../../support/markdown';
import { openssl } from '../../support/run';
import { certOf, fixture, load, type Fixture } from './fixture';

const DAY = 86_400_000;

describe('hover, summaries and the PKI tree', () => {
  let f: Fixture;
  let now: Date;
  before(async () => {
    f = await fixture();
    now = new Date(certOf(await load(f.pki.server.certPath)).notAfter.getTime() - 23.5 * DAY);
  });

  it('summarizes a certificate in one line', () => {
    const [item] = decodeText(f.pem(f.pki.server));
    assert.equal(summarize(item.result, { now, expiringDays: 30 }), 'Certificate · CN=localhost · expires in 23 days');
    const [root] = decodeText(f.pem(f.pki.root));
    assert.match(summarize(root.result, { now, expiringDays: 30 }), /^Certificate · CN=Test Root CA · root CA · expires in \d+ days$/);
  });

  it('certificate hover shows subject, issuer, validity, SANs, key and fingerprints as openssl prints them', async () => {
    const [item] = decodeText(f.pem(f.pki.server));
    const md = shownText(hoverMarkdown(item, { now, expiringDays: 30 }));
    const fp = (await openssl(['x509', '-in', f.pki.server.certPath, '-noout', '-fingerprint', '-sha256'])).trim().split('=')[1];
    assert.ok(md.includes(`\`${fp}\``), `SHA-256 ${fp} in\n${md}`);
    assert.match(md, /\| Subject \| CN=localhost \|/);
    assert.match(md, /\| Issuer \| CN=Test Intermediate CA,O=Certscope Test,C=DE \|/);
    assert.match(md, /\| SANs \| DNS:localhost, IP:127\.0\.0\.1 \|/);
    assert.match(md, /\| Key \| EC P-256 \|/);
    assert.match(md, /\$\(warning\) expires in 23 days/);
    const end = (await openssl(['x509', '-in', f.pki.server.certPath, '-noout', '-enddate'])).trim().replace('notAfter=', '');
    assert.ok(md.includes(new Date(end).toISOString().slice(0, 10)));
  });

  it('adds revocation status from a workspace CRL', async () => {
    const files = await Promise.all([f.pki.client.certPath, f.pki.server.certPath, f.crlPath].map(load));
    const a = analyze(files, { now: certOf(files[0]).notBefore, expiringDays: 30 });
    const ctx = { now: a.options.now, expiringDays: 30, status: a.status, fileLabel: (k: string) => k.split('/').pop()! };
    assert.match(shownText(hoverMarkdown(files[0].items[0], ctx)), /\| Revocation \| \$\(error\) revoked per CRL #1 in intermediate\.crl \(this update \d{4}-\d\d-\d\d, next update \d{4}-\d\d-\d\d; signature not checked: the issuer is not in the workspace\) \|/);
    assert.match(shownText(hoverMarkdown(files[1].items[0], ctx)), /\| Revocation \| not revoked per CRL #1 in intermediate\.crl \(this update/);
    const crlMd = shownText(hoverMarkdown(files[2].items[0], ctx));
    assert.match(crlMd, /\| Entries \| 1 \|/);
    assert.ok(crlMd.toLowerCase().includes(colonSerial(f.pki.client.serialHex)));
  });

  it('key hover shows type and matching certificate, never key material', () => {
    const keyPem = readFileSync(f.pki.server.keyPath, 'utf8');
    const [item] = decodeText(keyPem);
    const md = shownText(hoverMarkdown(item, { now, expiringDays: 30, certificatesFor: () => ['CN=localhost (server.crt)'] }));
    assert.match(md, /\*\*Private key\*\*/);
    assert.match(md, /\| Type \| EC P-256 \|/);
    assert.match(md, /\| Certificate \| CN=localhost \(server\.crt\) \|/);
    const body = keyPem.split('\n').filter((l) => l && !l.startsWith('-----'));
    for (const line of body) assert.ok(!md.includes(line.slice(0, 16)), 'no base64 of the key');
    assert.ok(!/PRIVATE KEY-----/.test(md));
  });

  it('builds the tree: chains, orphans, CRL entries, keys, problems', async () => {
    const junk = `${f.dir}/junk-tree.pem`;
    (await import('node:fs')).writeFileSync(junk, 'junk');
    const files = await Promise.all([f.pki.root.certPath, f.pki.intermediate.certPath, f.pki.server.certPath, f.pki.client.certPath,
      f.pki.server.keyPath, f.weak.keyPath, f.crlPath, f.noSan.certPath, junk].map(load));
    const a = analyze(files, { now: certOf(files[2]).notBefore, expiringDays: 30 });
    const tree = new PkiTree(a);
    const labels = (ns: PkiNode[]): string[] => ns.map((n) => `${n.label} [${n.description}]`);
    const roots = tree.roots();
    assert.deepEqual(roots.map((n) => n.label), ['Trust chains', 'CRLs', 'Private keys', 'Problems']);
    const [root] = tree.children(roots[0]);
    assert.equal(root.label, 'Test Root CA');
    assert.equal(root.contextValue, 'cert:root');
    assert.equal(root.icon, 'verified');
    const [inter] = tree.children(root);
    assert.equal(inter.contextValue, 'cert:intermediate');
    const leaves = tree.children(inter);
    assert.deepEqual(leaves.map((n) => n.label), ['device-001', 'localhost', 'nosan.example']);
    const client = leaves[0];
    assert.equal(client.contextValue, 'cert:leaf:revoked');
    assert.equal(client.icon, 'circle-slash');
    assert.match(client.description, /^revoked \d{4}-\d\d-\d\d \(keyCompromise\) · client\.crt$/);
    const serverNode = leaves[1];
    assert.match(serverNode.description, /has key/);
    assert.deepEqual(tree.children(serverNode).map((n) => n.contextValue), ['key:paired']);
    assert.equal(tree.parent(tree.parent(serverNode)!)!.id, root.id, 'getParent walks up for reveal');
    assert.equal(serverNode.fingerprint, certOf(files[2]).fingerprints.sha256);
    const [crl] = tree.children(roots[1]);
    assert.match(crl.description, /intermediate\.crl · 1 revoked/);
    assert.deepEqual(labels(tree.children(crl)).map((l) => l.split(' [')[0]), [`serial ${colonSerial(certOf(files[3]).serialHex)}`]);
    assert.match(shownText(tree.tooltip(tree.children(crl)[0])), /Revokes CN=device-001/);
    assert.ok(shownText(tree.tooltip(serverNode)).includes(certOf(files[2]).fingerprints.sha256.toUpperCase().slice(0, 2)), 'certificate tooltip is the hover');
    assert.match(shownText(tree.tooltip(serverNode)), /\*\*Certificate\*\* CN=localhost/);
    const keys = tree.children(roots[2]);
    assert.deepEqual(keys.map((k) => k.contextValue).sort(), ['key:paired', 'key:unpaired']);
    assert.match(keys.find((k) => k.contextValue === 'key:unpaired')!.description, /RSA 1024 · no certificate/);
    const [problem] = tree.children(roots[3]);
    assert.equal(problem.label, 'junk-tree.pem');
    // Orphans appear once the CAs are gone.
    const orphanTree = new PkiTree(analyze(files.slice(2, 4), a.options));
    assert.deepEqual(orphanTree.roots().map((n) => `${n.label}:${n.description}`), ['Issuer not found:2']);
  });
});
