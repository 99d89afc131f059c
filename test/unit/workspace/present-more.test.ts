// Summaries and hovers of CSRs, CRLs and OCSP responses made by the openssl CLI, and their tree nodes.
import { strict as assert } from 'node:assert';
import { colonSerial } from '../../../src/core/serial';
import { join } from 'node:path';
import { hoverMarkdown } from '../../../src/core/present/hover';
import { summarize } from '../../../src/core/present/summary';
import { analyze } from '../../../src/core/workspace/analysis';
import { PkiTree } from '../../../src/core/workspace/tree';
import { shownText } from '../../support/markdown';
import { openssl } from '../../support/run';
import { certOf, fixture, load, type Fixture } from './fixture';

describe('summaries and hovers of CSRs, CRLs and OCSP responses', () => {
  let f: Fixture;
  let ocspPath: string;
  before(async () => {
    f = await fixture();
    // OCSP in file mode (openssl ocsp -port would bind every interface): request for the revoked
    // client, answered from the index.txt that also produced the CRL.
    const req = join(f.dir, 'client.ocspreq');
    ocspPath = join(f.dir, 'client.ocsp');
    await openssl(['ocsp', '-issuer', f.pki.intermediate.certPath, '-cert', f.pki.client.certPath, '-no_nonce', '-reqout', req]);
    await openssl(['ocsp', '-index', join(f.dir, 'ca', 'index.txt'), '-rsigner', f.pki.intermediate.certPath, '-rkey', f.pki.intermediate.keyPath,
      '-CA', f.pki.intermediate.certPath, '-reqin', req, '-respout', ocspPath, '-ndays', '1']);
  });

  it('OCSP response: status lines agree with openssl ocsp -resp_text', async () => {
    const file = await load(ocspPath);
    const item = file.items[0];
    assert.equal(item.result.kind, 'ocspResponse');
    const now = { now: new Date(), expiringDays: 30 };
    assert.equal(summarize(item.result, now), 'OCSP response · 1 revoked');
    const md = shownText(hoverMarkdown(item, now));
    assert.match(md, new RegExp(`serial \`${colonSerial(f.pki.client.serialHex)}\`: \\*\\*revoked\\*\\*`, 'i'));
    const text = await openssl(['ocsp', '-respin', ocspPath, '-resp_text', '-noverify']);
    assert.match(text, /Cert Status: revoked/);
    assert.match(text, /Revocation Reason: keyCompromise/);
    assert.match(md, /\(keyCompromise\)/);
  });

  it('CRL and CSR summaries', async () => {
    const crl = await load(f.crlPath);
    const ctx = { now: certOf(await load(f.pki.client.certPath)).notBefore, expiringDays: 30 };
    assert.match(summarize(crl.items[0].result, ctx), /^CRL · CN=Test Intermediate CA · 1 entry · next update \d{4}-\d\d-\d\d$/);
    const csr = await load(join(f.dir, 'server.csr'));
    assert.equal(summarize(csr.items[0].result, ctx), 'CSR · CN=localhost · EC P-256');
    assert.match(shownText(hoverMarkdown(csr.items[0], ctx)), /\| Subject \| CN=localhost \|/);
  });

  it('tree lists OCSP responses with per-certificate statuses, and CSRs', async () => {
    const files = await Promise.all([ocspPath, join(f.dir, 'server.csr')].map(load));
    const tree = new PkiTree(analyze(files, { now: new Date(), expiringDays: 30 }));
    assert.deepEqual(tree.roots().map((n) => n.label), ['OCSP responses', 'Certificate requests']);
    const withCert = new PkiTree(analyze([...files, await load(f.pki.client.certPath)], { now: new Date(), expiringDays: 30 }));
    const ocspGroup = withCert.roots().find((n) => n.label === 'OCSP responses')!;
    assert.equal(withCert.children(withCert.children(ocspGroup)[0])[0].label, 'CN=device-001', 'the entry names the workspace certificate');
    const [resp] = tree.children(tree.roots()[0]);
    assert.equal(resp.label, 'client.ocsp');
    const [entry] = tree.children(resp);
    assert.equal(entry.contextValue, 'ocspEntry:revoked');
    assert.match(entry.description, /^revoked \d{4}-\d\d-\d\d \(keyCompromise\)$/);
    assert.equal(tree.children(tree.roots()[1])[0].label, 'CN=localhost');
  });
});
