// Certscope's path validation against openssl: paths built by the openssl CLI, a revocation made
// with `openssl ca`, RSA-PSS signatures, OCSP through a live responder, and the same verdict as
// `openssl verify` on a matrix of broken paths.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../support/tmp';
import { openssl, run } from '../../support/run';
import { makeOpensslPki, issueWithOpenssl, type OpensslPki } from '../../support/openssl-pki';
import { verifyCertificate, ocspChecker, loadCertificates, loadCrlFile } from '../../../src/core/verify/index';
import { initCa } from '../../../src/core/ca/index';
import { OcspResponder } from '../../../src/core/ocsp/responder';
import { OcspHttpServer } from '../../../src/core/ocsp/server';
import { IndexStatusSource } from '../../../src/core/ocsp/indexStatus';

describe('verify vs openssl', function () {
  this.timeout(90_000);
  const tmp = makeTempDir();
  let pki: OpensslPki;
  const certs = (p: string): Uint8Array[] => loadCertificates(p);

  before(async () => { pki = await makeOpensslPki(tmp.dir); });
  after(() => tmp.cleanup());

  async function opensslVerdict(leaf: string, extra: string[] = []): Promise<boolean> {
    const r = await run('openssl', ['verify', '-CAfile', pki.root.certPath, '-untrusted', pki.intermediate.certPath, ...extra, leaf]);
    return r.code === 0;
  }

  it('validates the openssl-made server and client paths like openssl does', async () => {
    for (const leaf of [pki.server, pki.client]) {
      const r = await verifyCertificate(certs(leaf.certPath)[0], { anchors: certs(pki.root.certPath), pool: certs(pki.intermediate.certPath), host: leaf === pki.server ? 'localhost' : undefined });
      assert.equal(r.valid, true, r.failure?.message);
      assert.equal(await opensslVerdict(leaf.certPath), true);
    }
  });

  it('sees a revocation made with openssl ca, and agrees with openssl verify -crl_check', async () => {
    const d = join(tmp.dir, 'ossl-ca');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'index.txt'), '');
    writeFileSync(join(d, 'crlnumber'), '01\n');
    writeFileSync(join(d, 'ca.cnf'), `[ca]\ndefault_ca = c\n[c]\ndatabase = ${d}/index.txt\ncrlnumber = ${d}/crlnumber\ndefault_md = sha256\ndefault_crl_days = 30\n`);
    await openssl(['ca', '-config', join(d, 'ca.cnf'), '-cert', pki.intermediate.certPath, '-keyfile', pki.intermediate.keyPath, '-revoke', pki.client.certPath, '-crl_reason', 'keyCompromise']);
    const crlPath = join(d, 'crl.pem');
    await openssl(['ca', '-config', join(d, 'ca.cnf'), '-cert', pki.intermediate.certPath, '-keyfile', pki.intermediate.keyPath, '-gencrl', '-out', crlPath]);
    const opts = { anchors: certs(pki.root.certPath), pool: certs(pki.intermediate.certPath), crls: loadCrlFile(crlPath), revocation: 'leaf' as const };
    const revoked = await verifyCertificate(certs(pki.client.certPath)[0], opts);
    assert.equal(revoked.failure?.code, 'revoked');
    assert.equal(revoked.path[0].revocation.reason, 'keyCompromise');
    assert.equal(await opensslVerdict(pki.client.certPath, ['-crl_check', '-CRLfile', crlPath]), false);
    const good = await verifyCertificate(certs(pki.server.certPath)[0], opts);
    assert.equal(good.valid, true, good.failure?.message);
    assert.equal(await opensslVerdict(pki.server.certPath, ['-crl_check', '-CRLfile', crlPath]), true);
  });

  it('verifies RSA-PSS signatures (and rejects a tampered one)', async () => {
    const d = join(tmp.dir, 'pss');
    mkdirSync(d, { recursive: true });
    await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(d, 'ca.key'), '-out', join(d, 'ca.crt'), '-subj', '/CN=PSS Root', '-days', '30',
      '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(d, 'l.key'), '-out', join(d, 'l.csr'), '-subj', '/CN=pss-leaf']);
    await openssl(['x509', '-req', '-in', join(d, 'l.csr'), '-CA', join(d, 'ca.crt'), '-CAkey', join(d, 'ca.key'), '-days', '10', '-sha384', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:48', '-set_serial', '7', '-out', join(d, 'l.crt')]);
    assert.match(await openssl(['x509', '-in', join(d, 'l.crt'), '-noout', '-text']), /rsassaPss/);
    const anchors = certs(join(d, 'ca.crt'));
    const leaf = certs(join(d, 'l.crt'))[0];
    assert.equal((await verifyCertificate(leaf, { anchors })).valid, true);
    const bad = Buffer.from(leaf);
    bad[bad.length - 3] ^= 0x40;
    assert.equal((await verifyCertificate(bad, { anchors })).failure?.code, 'signature');
  });

  it('gives the same verdict as openssl verify on broken paths', async () => {
    const cases: Array<{ name: string; ext: string; issuer: 'root' | 'intermediate' | 'leafca' }> = [
      { name: 'no-bc-ca', ext: 'keyUsage=critical,keyCertSign', issuer: 'intermediate' },
      { name: 'ku-no-certsign', ext: 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature', issuer: 'intermediate' },
      { name: 'pathlen-exceeded', ext: 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign', issuer: 'intermediate' },
      { name: 'unknown-critical', ext: 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n1.2.3.4.5=critical,DER:05:00', issuer: 'root' },
    ];
    for (const c of cases) {
      const ca = await issueWithOpenssl(tmp.dir, c.name, { subject: `/CN=${c.name}`, extensions: c.ext, issuer: c.issuer === 'root' ? pki.root : pki.intermediate });
      const leaf = await issueWithOpenssl(tmp.dir, `${c.name}-leaf`, { subject: `/CN=${c.name} leaf`, extensions: 'basicConstraints=critical,CA:FALSE', issuer: ca });
      const bundle = join(tmp.dir, `${c.name}-chain.pem`);
      writeFileSync(bundle, readFileSync(ca.certPath, 'utf8') + readFileSync(pki.intermediate.certPath, 'utf8'));
      const ours = await verifyCertificate(certs(leaf.certPath)[0], { anchors: certs(pki.root.certPath), pool: certs(bundle) });
      const theirs = (await run('openssl', ['verify', '-CAfile', pki.root.certPath, '-untrusted', bundle, leaf.certPath])).code === 0;
      assert.equal(ours.valid, theirs, `${c.name}: certscope ${ours.valid} (${ours.failure?.message}), openssl ${theirs}`);
      assert.equal(ours.valid, false, c.name);
    }
  });

  it('checks revocation over OCSP against a live responder on the CA database', async () => {
    const ca = await initCa(join(tmp.dir, 'ocsp-ca'), { subject: '/CN=OCSP Test CA' });
    const responder = new OcspResponder({ issuer: ca.certPem, signerKey: readFileSync(ca.paths.privateKey), source: new IndexStatusSource(ca.paths.database) });
    const server = new OcspHttpServer(responder);
    const { url } = await server.start();
    try {
      const leaf = await ca.issue({ profile: 'client', name: 'ocsp-leaf', ocspUrls: [url] });
      const opts = { anchors: certs(ca.paths.certificate), revocation: 'leaf' as const, ocsp: ocspChecker({ timeoutMs: 5000 }) };
      const good = await verifyCertificate(certs(leaf.paths.cert)[0], opts);
      assert.equal(good.valid, true, good.failure?.message);
      assert.equal(good.path[0].revocation.source, 'ocsp');
      await ca.revoke(leaf.serialHex, 'keyCompromise');
      const bad = await verifyCertificate(certs(leaf.paths.cert)[0], opts);
      assert.equal(bad.failure?.code, 'revoked');
      assert.equal(bad.path[0].revocation.source, 'ocsp');
      assert.equal(bad.path[0].revocation.reason, 'keyCompromise');
    } finally {
      await server.close();
    }
    // A responder that is down: status unknown with the transport error, no hang.
    const gone = await initCa(join(tmp.dir, 'ocsp-gone'), { subject: '/CN=Gone CA' });
    const leaf2 = await gone.issue({ profile: 'client', name: 'x', ocspUrls: [url] });
    const r = await verifyCertificate(certs(leaf2.paths.cert)[0], { anchors: certs(gone.paths.certificate), revocation: 'leaf', ocsp: ocspChecker({ timeoutMs: 2000 }) });
    assert.equal(r.failure?.code, 'revocationUnknown');
    assert.match(r.failure!.message, /OCSP: http:\/\/127\.0\.0\.1/);
  });

  it('applies IP, DNS and email name constraints like openssl', async () => {
    const nc = await issueWithOpenssl(tmp.dir, 'nc-ca', {
      subject: '/CN=NC CA', issuer: pki.root,
      extensions: 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\nnameConstraints=critical,permitted;IP:10.0.0.0/255.0.0.0,permitted;DNS:example.com,excluded;DNS:bad.example.com,permitted;email:.example.com',
    });
    const leaves: Array<[string, string, boolean]> = [
      ['nc-ip-ok', 'subjectAltName=IP:10.1.2.3,DNS:a.example.com', true],
      ['nc-ip-bad', 'subjectAltName=IP:192.168.1.1', false],
      ['nc-dns-excluded', 'subjectAltName=DNS:x.bad.example.com', false],
      ['nc-dns-outside', 'subjectAltName=DNS:example.org', false],
      ['nc-email-ok', 'subjectAltName=email:joe@mail.example.com', true],
      ['nc-email-bad', 'subjectAltName=email:joe@example.net', false],
    ];
    for (const [name, san, expected] of leaves) {
      const leaf = await issueWithOpenssl(tmp.dir, name, { subject: `/CN=${name}`, extensions: `basicConstraints=critical,CA:FALSE\n${san}`, issuer: nc });
      const bundle = join(tmp.dir, `${name}-chain.pem`);
      writeFileSync(bundle, readFileSync(nc.certPath, 'utf8'));
      const ours = await verifyCertificate(certs(leaf.certPath)[0], { anchors: certs(pki.root.certPath), pool: certs(bundle) });
      const theirs = (await run('openssl', ['verify', '-CAfile', pki.root.certPath, '-untrusted', bundle, leaf.certPath])).code === 0;
      assert.equal(ours.valid, expected, `${name}: ${ours.failure?.message}`);
      assert.equal(theirs, expected, `${name}: openssl`);
      if (!expected) assert.equal(ours.failure?.code, 'nameConstraints');
    }
  });

  it('uses the system trust store on request', async () => {
    const { systemRoots } = await import('../../../src/core/verify/index');
    const roots = systemRoots();
    assert.ok(roots.length > 50, `only ${roots.length} system roots`);
    // A system root validates as trusted by itself; our private root does not.
    const r = await verifyCertificate(roots[0], { anchors: roots });
    assert.equal(r.valid, true, r.failure?.message);
    const mine = await verifyCertificate(certs(pki.server.certPath)[0], { anchors: roots, pool: certs(pki.intermediate.certPath) });
    assert.equal(mine.failure?.code, 'noIssuer');
  });
});
