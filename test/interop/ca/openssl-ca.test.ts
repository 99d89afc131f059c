// Certscope's CA directory against the real openssl CLI: openssl verifies what Certscope issues
// and revokes, `openssl ca` works on the same directory, and Certscope adopts a directory made
// with plain openssl.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../support/tmp';
import { openssl, run } from '../../support/run';
import { initCa, openCa, type CertificateAuthority, type IssuedCertificate } from '../../../src/core/ca/index';
import { parseCrl } from '../../../src/core/verify/parse';

describe('ca vs openssl', function () {
  this.timeout(60_000);
  const tmp = makeTempDir();
  let root: CertificateAuthority;
  let sub: CertificateAuthority;
  const leaves: Record<string, IssuedCertificate> = {};

  async function crlParses(ca: CertificateAuthority): Promise<void> {
    // Parses and its signature verifies with the CA certificate.
    const r = await run('openssl', ['crl', '-in', ca.paths.crlPem, '-CAfile', ca.paths.certificate, '-noout']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr + r.stdout, /verify OK/);
    const d = await run('openssl', ['crl', '-inform', 'DER', '-in', ca.paths.crlDer, '-noout']);
    assert.equal(d.code, 0, d.stderr);
  }

  function verifyArgs(leaf: string, all = true): string[] {
    const crlFile = join(tmp.dir, 'crls.pem');
    writeFileSync(crlFile, readFileSync(root.paths.crlPem, 'utf8') + readFileSync(sub.paths.crlPem, 'utf8'));
    return ['verify', all ? '-crl_check_all' : '-crl_check', '-CRLfile', crlFile, '-CAfile', root.paths.certificate, '-untrusted', sub.paths.certificate, leaf];
  }

  before(async () => {
    root = await initCa(join(tmp.dir, 'root'), { subject: '/C=DE/O=Certscope Interop/CN=Interop Root', key: 'p384' });
    sub = await initCa(join(tmp.dir, 'sub'), { subject: '/C=DE/O=Certscope Interop/CN=Interop Sub', key: 'rsa2048', parent: root, pathLen: 0 });
    for (const key of ['p256', 'p384', 'rsa2048', 'rsa3072', 'ed25519'] as const) {
      leaves[key] = await sub.issue({ profile: 'server', name: `srv-${key}`, dns: ['localhost'], ip: ['127.0.0.1'], key });
    }
  });
  after(() => tmp.cleanup());

  it('every leaf (ECDSA, RSA, Ed25519) passes openssl verify -crl_check_all through the intermediate', async () => {
    for (const [key, leaf] of Object.entries(leaves)) {
      const r = await run('openssl', verifyArgs(leaf.paths.cert));
      assert.equal(r.code, 0, `${key}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /: OK/);
    }
    await crlParses(root);
    await crlParses(sub);
  });

  it('openssl reports "certificate revoked" after a Certscope revocation, with the reason', async () => {
    const victim = await sub.issue({ profile: 'client', name: 'victim' });
    assert.equal((await run('openssl', verifyArgs(victim.paths.cert, false))).code, 0);
    await sub.revoke(victim.paths.cert, 'keyCompromise');
    await crlParses(sub);
    const r = await run('openssl', verifyArgs(victim.paths.cert, false));
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /certificate revoked/);
    const text = await openssl(['crl', '-in', sub.paths.crlPem, '-noout', '-text']);
    assert.match(text, new RegExp(`Serial Number: ${victim.serialHex}[\\s\\S]*?Key Compromise`));
    assert.match(text, /X509v3 Authority Key Identifier/);
    // openssl ca reads the same index.txt.
    const st = await run('openssl', ['ca', '-config', sub.paths.config, '-status', victim.serialHex]);
    assert.match(st.stdout + st.stderr, /Revoked \(R\)/);
  });

  it('an intermediate revoked by the root fails openssl -crl_check_all for its leaves', async () => {
    const sub2 = await initCa(join(tmp.dir, 'sub2'), { subject: '/CN=Doomed Sub', parent: root });
    const leaf = await sub2.issue({ profile: 'client', name: 'x' });
    await root.revoke(sub2.paths.certificate, 'cACompromise');
    const crlFile = join(tmp.dir, 'crls2.pem');
    writeFileSync(crlFile, readFileSync(root.paths.crlPem, 'utf8') + readFileSync(sub2.paths.crlPem, 'utf8'));
    const r = await run('openssl', ['verify', '-crl_check_all', '-CRLfile', crlFile, '-CAfile', root.paths.certificate, '-untrusted', sub2.paths.certificate, leaf.paths.cert]);
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /certificate revoked/);
  });

  it('sees `openssl ca -revoke` and its -gencrl output; openssl sees the CRL Certscope writes afterwards', async () => {
    const c = await sub.issue({ profile: 'client', name: 'by-openssl' });
    await openssl(['ca', '-config', sub.paths.config, '-revoke', c.paths.cert, '-crl_reason', 'superseded']);
    const fresh = openCa(sub.paths.dir);
    const e = fresh.find(c.serialHex);
    assert.equal(e?.status, 'R');
    assert.equal(e?.revoked?.reason, 'superseded');
    const osslCrl = join(tmp.dir, 'openssl.crl');
    await openssl(['ca', '-config', sub.paths.config, '-gencrl', '-out', osslCrl]);
    await openssl(['crl', '-in', osslCrl, '-outform', 'DER', '-out', osslCrl + '.der']);
    const parsed = parseCrl(readFileSync(osslCrl + '.der'));
    assert.equal(parsed.entries.get(c.serialHex.toLowerCase())?.[0].reason, 4);
    // Certscope continues the crlNumber sequence openssl advanced.
    const written = await fresh.writeCrl();
    assert.equal(written.crlNumber, parsed.crlNumber! + 1n);
    assert.equal(parseCrl(readFileSync(sub.paths.crlDer)).entries.get(c.serialHex.toLowerCase())?.[0].reason, 4);
    const r = await run('openssl', verifyArgs(c.paths.cert, false));
    assert.match(r.stdout + r.stderr, /certificate revoked/);
  });

  it('openssl shows must-staple, OCSP no-check and the distribution points', async () => {
    const ms = await sub.issue({ profile: 'server', name: 'staple', mustStaple: true, dns: ['a.test'], ocspUrls: ['http://127.0.0.1:9/'], crlUrls: ['http://127.0.0.1:9/sub.crl'] });
    const t = await openssl(['x509', '-in', ms.paths.cert, '-noout', '-text']);
    assert.match(t, /TLS Feature:\s*\n\s*status_request/);
    assert.match(t, /OCSP - URI:http:\/\/127\.0\.0\.1:9\//);
    assert.match(t, /URI:http:\/\/127\.0\.0\.1:9\/sub\.crl/);
    const oc = await sub.issue({ profile: 'ocsp', name: 'ocsp-signer' });
    const o = await openssl(['x509', '-in', oc.paths.cert, '-noout', '-text']);
    assert.match(o, /OCSP No Check/);
    assert.match(o, /OCSP Signing/);
    assert.equal((await run('openssl', ['verify', '-purpose', 'ocsphelper', '-CAfile', root.paths.certificate, '-untrusted', sub.paths.certificate, oc.paths.cert])).code, 0);
  });

  it('adopts a directory made with plain openssl and honours its revocations', async () => {
    const base = join(tmp.dir, 'plain');
    const d = join(base, 'demoCA');
    mkdirSync(join(d, 'private'), { recursive: true });
    mkdirSync(join(d, 'newcerts'), { recursive: true });
    writeFileSync(join(d, 'index.txt'), '');
    writeFileSync(join(d, 'serial'), '1000\n');
    writeFileSync(join(d, 'crlnumber'), '1000\n');
    writeFileSync(join(base, 'openssl.cnf'), `[ca]\ndefault_ca = CA_default\n[CA_default]\ndir = ./demoCA\ncertificate = $dir/cacert.pem\nprivate_key = $dir/private/cakey.pem\ndatabase = $dir/index.txt\nserial = $dir/serial\ncrlnumber = $dir/crlnumber\nnew_certs_dir = $dir/newcerts\ndefault_md = sha256\ndefault_days = 30\ndefault_crl_days = 2\npolicy = pol\nunique_subject = no\ncrl_extensions = crl_ext\n[pol]\ncommonName = supplied\n[crl_ext]\nauthorityKeyIdentifier = keyid:always\n[v3]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\n`);
    await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(d, 'private/cakey.pem'), '-out', join(d, 'cacert.pem'), '-subj', '/CN=Plain OpenSSL CA', '-days', '30', '-config', join(base, 'openssl.cnf'), '-extensions', 'v3'], { cwd: base });
    const serials: string[] = [];
    for (const n of ['one', 'two']) {
      await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(base, `${n}.key`), '-out', join(base, `${n}.csr`), '-subj', `/CN=${n}`]);
      await openssl(['ca', '-batch', '-config', 'openssl.cnf', '-in', `${n}.csr`, '-out', `${n}.crt`], { cwd: base });
      serials.push((await openssl(['x509', '-in', join(base, `${n}.crt`), '-noout', '-serial'])).trim().split('=')[1]);
    }
    await openssl(['ca', '-config', 'openssl.cnf', '-revoke', 'one.crt', '-crl_reason', 'affiliationChanged'], { cwd: base });

    const ca = openCa(base);
    assert.equal(ca.paths.certificate, join(d, 'cacert.pem'));
    assert.equal(ca.paths.privateKey, join(d, 'private/cakey.pem'));
    assert.deepEqual(ca.list().map((e) => [e.serialHex, e.status, e.revoked?.reason]), [[serials[0], 'R', 'affiliationChanged'], [serials[1], 'V', undefined]]);
    // Certscope revokes the second one and issues a third; openssl sees all of it.
    await ca.revoke(join(base, 'two.crt'), 'cessationOfOperation');
    const three = await ca.issue({ profile: 'client', name: 'three' });
    assert.equal(three.serialHex, '1002', 'continues openssl\'s serial file');
    const crlFile = join(base, 'gen.crl');
    await openssl(['ca', '-config', 'openssl.cnf', '-gencrl', '-out', crlFile], { cwd: base });
    const text = await openssl(['crl', '-in', crlFile, '-noout', '-text']);
    assert.match(text, new RegExp(`Serial Number: ${serials[0]}`));
    assert.match(text, new RegExp(`Serial Number: ${serials[1]}[\\s\\S]*?Cessation Of Operation`));
    const v = await run('openssl', ['verify', '-crl_check', '-CRLfile', crlFile, '-CAfile', join(d, 'cacert.pem'), three.paths.cert]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    const st = await run('openssl', ['ca', '-config', 'openssl.cnf', '-status', '1002'], { cwd: base });
    assert.match(st.stdout + st.stderr, /Valid \(V\)/);
  });

  it('CRLs signed with Ed25519 and RSA-4096 CA keys pass openssl crl and verify -crl_check', async () => {
    for (const key of ['ed25519', 'rsa4096'] as const) {
      const ca = await initCa(join(tmp.dir, `ca-${key}`), { subject: `/CN=${key} CA`, key });
      const leaf = await ca.issue({ profile: 'server', name: 'l', dns: ['localhost'], key: 'p256' });
      await ca.revoke(leaf.serialHex, 'superseded');
      await crlParses(ca);
      const r = await run('openssl', ['verify', '-crl_check', '-CRLfile', ca.paths.crlPem, '-CAfile', ca.paths.certificate, leaf.paths.cert]);
      assert.match(r.stdout + r.stderr, /certificate revoked/, key);
      const ok = await ca.issue({ profile: 'client', name: 'ok' });
      assert.equal((await run('openssl', ['verify', '-crl_check', '-CRLfile', ca.paths.crlPem, '-CAfile', ca.paths.certificate, ok.paths.cert])).code, 0, key);
    }
  });

  it('keeps working (for Certscope and openssl) after the CA directory is moved', async () => {
    const { renameSync } = await import('node:fs');
    const before = await initCa(join(tmp.dir, 'to-move'), { subject: '/CN=Movable CA' });
    const c = await before.issue({ profile: 'client', name: 'm' });
    const dest = join(tmp.dir, 'moved-here');
    renameSync(before.paths.dir, dest);
    const moved = openCa(dest);
    assert.equal(moved.paths.database, join(dest, 'index.txt'));
    await moved.revoke(c.serialHex, 'superseded');
    const st = await run('openssl', ['ca', '-config', join(dest, 'openssl.cnf'), '-status', c.serialHex]);
    assert.match(st.stdout + st.stderr, /Revoked \(R\)/);
    await openssl(['ca', '-config', join(dest, 'openssl.cnf'), '-gencrl', '-out', join(dest, 'o.crl')]);
  });

  it('signs an openssl-made CSR, keeping its subject and key; rejects a tampered one', async () => {
    const { readCsr } = await import('../../../src/core/ca/index');
    const key = join(tmp.dir, 'csr.key');
    const csrPath = join(tmp.dir, 'req.csr');
    await openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csrPath, '-subj', '/C=DE/ST=Berlin/O=Device Maker/OU=Line 7/CN=device-0042']);
    const csr = readCsr(readFileSync(csrPath));
    assert.equal(csr.subject, '/C=DE/ST=Berlin/O=Device Maker/OU=Line 7/CN=device-0042');
    const issued = await sub.issue({ profile: 'client', subjectDer: csr.subjectDer, publicKey: csr.publicKey });
    assert.equal(issued.keyPem, undefined);
    assert.equal(issued.paths.dir.endsWith('device-0042'), true);
    const r = await run('openssl', verifyArgs(issued.paths.cert));
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const subj = await openssl(['x509', '-in', issued.paths.cert, '-noout', '-subject', '-nameopt', 'compat']);
    assert.equal(subj.trim(), 'subject=/C=DE/ST=Berlin/O=Device Maker/OU=Line 7/CN=device-0042');
    // The certificate carries the CSR's key: openssl pairs it with the private key.
    const certMod = await openssl(['x509', '-in', issued.paths.cert, '-noout', '-modulus']);
    const keyMod = await openssl(['rsa', '-in', key, '-noout', '-modulus']);
    assert.equal(certMod, keyMod);
    const der = Buffer.from(readFileSync(csrPath, 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64');
    der[40] ^= 0x01;
    assert.throws(() => readCsr(der), /signature does not verify|not a valid certificate request/);
  });
});
