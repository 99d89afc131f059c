// Chain grouping, key pairing and CRL cross-checks over certificates made by the openssl CLI.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { analyze } from '../../../src/core/workspace/analysis';
import { buildChains } from '../../../src/core/workspace/chains';
import type { IndexedFile } from '../../../src/core/workspace/types';
import { openssl } from '../../support/run';
import { certOf, fixture, load, type Fixture } from './fixture';

describe('workspace chains, pairing and revocation', () => {
  let f: Fixture;
  let files: IndexedFile[];
  before(async () => {
    f = await fixture();
    const p = f.pki;
    files = await Promise.all([p.root.certPath, p.intermediate.certPath, p.server.certPath, p.client.certPath,
      p.server.keyPath, p.root.keyPath, f.crlPath, p.chainPath].map(load));
  });

  const opts = () => ({ now: certOf(files[2]).notBefore, expiringDays: 30 });

  it('groups root -> intermediate -> leaves, the way openssl verify builds the path', async () => {
    const a = analyze(files, opts());
    assert.equal(a.forest.roots.length, 1);
    assert.equal(a.forest.orphans.length, 0);
    const root = a.forest.nodes.get(a.forest.roots[0])!;
    assert.equal(root.cert.subject.commonName, 'Test Root CA');
    assert.equal(root.children.length, 1);
    const inter = a.forest.nodes.get(root.children[0])!;
    assert.equal(inter.cert.subject.commonName, 'Test Intermediate CA');
    assert.deepEqual(inter.children.map((id) => a.forest.nodes.get(id)!.cert.subject.commonName).sort(), ['device-001', 'localhost']);
    // Peer: openssl accepts exactly this path.
    const out = await openssl(['verify', '-CAfile', f.pki.root.certPath, '-untrusted', f.pki.intermediate.certPath, f.pki.server.certPath]);
    assert.match(out, /OK/);
  });

  it('shows one node per certificate even when it occurs in several files', () => {
    const a = analyze(files, opts());
    const root = a.forest.nodes.get(a.forest.roots[0])!;
    // root.crt and chain.pem both contain the root.
    assert.deepEqual(root.refs.map((r) => r.loc.file).sort(), [f.pki.chainPath, f.pki.root.certPath].sort());
  });

  it('puts certificates whose issuer is missing under "issuer not found"', () => {
    const withoutCas = files.filter((x) => x.key === f.pki.server.certPath || x.key === f.pki.client.certPath);
    const forest = buildChains(analyze(withoutCas, opts()).certs);
    assert.equal(forest.roots.length, 0);
    assert.equal(forest.orphans.length, 2);
  });

  it('does not link a certificate to a CA with the same name but a different key (AKI/SKI)', async () => {
    const { issueWithOpenssl } = await import('../../support/openssl-pki');
    const impostor = await issueWithOpenssl(f.dir, 'impostor-int', {
      subject: '/C=DE/O=Certscope Test/CN=Test Intermediate CA',
      extensions: 'basicConstraints=critical,CA:TRUE\nsubjectKeyIdentifier=hash',
    });
    const only = [await load(impostor.certPath), files[2]];
    const forest = buildChains(analyze(only, opts()).certs);
    assert.equal(forest.orphans.length, 1, 'server stays an orphan');
    assert.equal(forest.nodes.get(forest.orphans[0])!.cert.subject.commonName, 'localhost');
  });

  it('pairs private keys with certificates by public key, and shows unpaired ones', () => {
    const a = analyze(files, opts());
    const serverKey = a.keys.find((k) => k.loc.file === f.pki.server.keyPath)!;
    assert.deepEqual(a.pairing.certsForKey(serverKey).map((c) => c.cert.subject.commonName), ['localhost']);
    const rootKey = a.keys.find((k) => k.loc.file === f.pki.root.keyPath)!;
    assert.equal(a.pairing.certsForKey(rootKey).length, 2, 'root.crt and the root inside chain.pem');
    assert.equal(a.pairing.keysForSpki(certOf(files[3]).publicKey.spkiSha256).length, 0, 'client has no key in the workspace');
  });

  it('finds the client revoked by the intermediate CRL (serial as openssl prints it), and the server not', async () => {
    const a = analyze(files, opts());
    const client = certOf(files[3]);
    const rev = a.revocation.revocation(client);
    assert.equal(rev.verdict, 'revoked');
    assert.equal(rev.reason, 'keyCompromise');
    assert.equal(rev.source?.kind === 'crl' && rev.source.signature, 'verified', 'the intermediate is in the workspace: its signature was checked');
    const crlText = await openssl(['crl', '-in', f.crlPath, '-noout', '-text']);
    assert.match(crlText.replace(/\s/g, ''), new RegExp(`SerialNumber:${f.pki.client.serialHex}`, 'i'));
    assert.equal(a.status(client).state, 'revoked');
    assert.equal(a.revocation.revocation(certOf(files[2])).verdict, 'good');
    assert.equal(a.revocation.crlsFor(certOf(files[2])).length, 1, 'the CRL covers the server too');
    assert.equal(a.revocation.crlsFor(certOf(files[1])).length, 0, 'no CRL from the root');
  });

  it('treats a bundle file as one source of several certificates', () => {
    const chain = files.find((x) => x.key === f.pki.chainPath)!;
    assert.equal(chain.items.length, 2);
    assert.equal(readFileSync(f.pki.chainPath, 'utf8').match(/BEGIN CERTIFICATE/g)!.length, 2);
  });
});

describe('workspace chain check (Verify chain)', () => {
  it('verifies leaf -> intermediate -> root signatures and reports a revoked or missing link', async () => {
    const { checkChainInWorkspace } = await import('../../../src/core/workspace/chainCheck');
    const f = await fixture();
    const p = f.pki;
    const files = await Promise.all([p.root.certPath, p.intermediate.certPath, p.server.certPath, p.client.certPath, f.crlPath].map(load));
    const a = analyze(files, { now: certOf(files[2]).notBefore, expiringDays: 30 });
    const ok = checkChainInWorkspace(certOf(files[2]), a);
    assert.equal(ok.ok, true, ok.summary);
    assert.equal(ok.summary, 'Chain OK: CN=localhost → CN=Test Intermediate CA → CN=Test Root CA');
    assert.deepEqual(ok.links.map((l) => l.signatureOk), [true, true, true]);
    const revoked = checkChainInWorkspace(certOf(files[3]), a);
    assert.equal(revoked.ok, false);
    assert.match(revoked.problems[0], /^CN=device-001: revoked/);
    const partial = analyze(files.slice(1, 3), a.options);
    const missing = checkChainInWorkspace(certOf(files[2]), partial);
    assert.match(missing.summary, /issuer CN=Test Root CA,O=Certscope Test,C=DE of CN=Test Intermediate CA is not in the workspace/);
  });
});

describe('workspace chain validation with the RFC 5280 engine (src/core/verify)', () => {
  it('accepts what openssl verify accepts and rejects the CRL-revoked client like openssl -crl_check', async () => {
    const { verifyInWorkspace: validateInWorkspace } = await import('../../../src/core/revocation/verify');
    const f = await fixture();
    const p = f.pki;
    const files = await Promise.all([p.root.certPath, p.intermediate.certPath, p.server.certPath, p.client.certPath, f.crlPath].map(load));
    const a = analyze(files, { now: new Date(), expiringDays: 30 });
    const ok = await validateInWorkspace(certOf(files[2]), a);
    assert.match(ok.summary, /^Chain OK: CN=localhost → CN=Test Intermediate CA → CN=Test Root CA; not revoked per CRL #1 in intermediate\.crl/);
    assert.match(await openssl(['verify', '-CAfile', p.root.certPath, '-untrusted', p.intermediate.certPath, p.server.certPath]), /OK/);
    const revoked = await validateInWorkspace(certOf(files[3]), a);
    assert.equal(revoked.ok, false);
    assert.match(revoked.summary, /^Chain invalid: CN=device-001: revoked \d{4}-\d\d-\d\d \(keyCompromise\) per CRL #1 in intermediate\.crl \(this update/);
    const { run } = await import('../../support/run');
    const peer = await run('openssl', ['verify', '-crl_check', '-CAfile', p.root.certPath, '-untrusted', p.intermediate.certPath, '-CRLfile', f.crlPath, p.client.certPath]);
    assert.notEqual(peer.code, 0);
    assert.match(peer.stdout + peer.stderr, /certificate revoked/);
  });
});
