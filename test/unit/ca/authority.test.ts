import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../support/tmp';
import { initCa, openCa, CaError, type CertificateAuthority } from '../../../src/core/ca/index';
import { parseCrl, parseCertificate } from '../../../src/core/verify/parse';

// Checks go through Node's X509Certificate (OpenSSL underneath) and the verify parser, never
// through the writer's own code.
describe('ca/authority', () => {
  const tmp = makeTempDir();
  let root: CertificateAuthority;
  let sub: CertificateAuthority;
  const T0 = new Date('2026-03-01T10:00:00.250Z');

  before(async () => {
    root = await initCa(join(tmp.dir, 'root'), { subject: '/C=DE/O=Certscope Test/CN=Unit Root', key: 'p256', now: T0 });
    sub = await initCa(join(tmp.dir, 'sub'), { subject: 'CN=Unit Sub,O=Certscope Test', key: 'p256', parent: root, pathLen: 0, now: T0, crlUrls: ['http://127.0.0.1:8080/sub.crl'], ocspUrls: ['http://127.0.0.1:8081/'] });
  });
  after(() => tmp.cleanup());

  it('creates a self-signed root with CA constraints, a 0600 key and an empty CRL', () => {
    const x = new X509Certificate(root.certPem);
    assert.ok(x.ca);
    assert.ok(x.verify(x.publicKey));
    assert.equal(x.subject, 'C=DE\nO=Certscope Test\nCN=Unit Root');
    assert.equal(new Date(x.validFrom).toISOString(), '2026-03-01T10:00:00.000Z', 'whole seconds');
    assert.equal(statSync(root.paths.privateKey).mode & 0o777, 0o600);
    const crl = parseCrl(readFileSync(root.paths.crlDer));
    assert.equal(crl.entryCount, 0);
    assert.equal(crl.crlNumber, 1n);
    assert.equal(readFileSync(root.paths.crlNumber, 'utf8'), '02\n');
  });

  it('signs the intermediate with the root and records it in the root index', () => {
    const x = new X509Certificate(sub.certPem);
    assert.ok(x.verify(new X509Certificate(root.certPem).publicKey));
    assert.equal(x.issuer, 'C=DE\nO=Certscope Test\nCN=Unit Root');
    assert.equal(x.subject, 'O=Certscope Test\nCN=Unit Sub', 'RFC 4514 input is reversed into encoding order');
    const p = parseCertificate(new Uint8Array(x.raw));
    assert.deepEqual(p.basicConstraints, { ca: true, pathLen: 0 });
    assert.equal(root.list().length, 1);
    assert.equal(root.list()[0].subject, '/O=Certscope Test/CN=Unit Sub');
    assert.equal(readFileSync(sub.paths.caChain, 'utf8'), sub.certPem + root.certPem);
  });

  for (const key of ['p256', 'p384', 'rsa2048', 'ed25519'] as const) {
    it(`issues a ${key} server certificate with SAN, EKU, AIA, CDP and AKI`, async () => {
      const c = await sub.issue({ profile: 'server', name: `srv-${key}`, dns: ['localhost', 'broker.local'], ip: ['127.0.0.1', '::1'], key, mustStaple: key === 'p256' });
      const x = new X509Certificate(c.certPem);
      assert.ok(x.verify(new X509Certificate(sub.certPem).publicKey));
      assert.equal(x.subjectAltName, 'DNS:localhost, DNS:broker.local, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
      assert.equal(x.serialNumber, c.serialHex);
      assert.ok(x.checkPrivateKey(createPrivateKey(c.keyPem!)));
      assert.equal(x.publicKey.asymmetricKeyType, key.startsWith('rsa') ? 'rsa' : key === 'ed25519' ? 'ed25519' : 'ec');
      const p = parseCertificate(new Uint8Array(x.raw));
      assert.deepEqual(p.extKeyUsage, ['1.3.6.1.5.5.7.3.1']);
      assert.equal(p.authorityKeyId, parseCertificate(new Uint8Array(new X509Certificate(sub.certPem).raw)).subjectKeyId);
      assert.deepEqual(p.ocspUrls, ['http://127.0.0.1:8081/']);
      assert.equal(p.crlDistributionPoints?.[0].fullName?.[0].type, 'uri');
      assert.equal(p.extensions.some((e) => e.oid === '1.3.6.1.5.5.7.1.24'), key === 'p256');
      assert.equal(statSync(c.paths.key!).mode & 0o777, 0o600);
      assert.equal(readFileSync(c.paths.fullchain, 'utf8'), c.certPem + sub.certPem, 'leaf + intermediates, no root');
      assert.ok(existsSync(join(sub.paths.newCertsDir, `${c.serialHex}.pem`)));
    });
  }

  it('issues client and OCSP-signing certificates with the right EKU and nocheck', async () => {
    const cl = parseCertificate(new Uint8Array(new X509Certificate((await sub.issue({ profile: 'client', name: 'dev-1' })).certPem).raw));
    assert.deepEqual(cl.extKeyUsage, ['1.3.6.1.5.5.7.3.2']);
    assert.equal(cl.san, undefined);
    const oc = parseCertificate(new Uint8Array(new X509Certificate((await sub.issue({ profile: 'ocsp', name: 'responder' })).certPem).raw));
    assert.deepEqual(oc.extKeyUsage, ['1.3.6.1.5.5.7.3.9']);
    assert.ok(oc.extensions.some((e) => e.oid === '1.3.6.1.5.5.7.48.1.5'));
    assert.equal(oc.ocspUrls.length, 0, 'a responder certificate does not point at itself');
  });

  it('uses consecutive serials from the serial file and GeneralizedTime after 2049', async () => {
    const a = await sub.issue({ profile: 'client', name: 'a', notAfter: new Date('2051-06-01T00:00:00Z') });
    const b = await sub.issue({ profile: 'client', name: 'b' });
    assert.equal(BigInt('0x' + b.serialHex) - BigInt('0x' + a.serialHex), 1n);
    assert.equal(new Date(new X509Certificate(a.certPem).validTo).toISOString(), '2051-06-01T00:00:00.000Z');
    assert.equal(sub.find(a.serialHex)?.expires.toISOString(), '2051-06-01T00:00:00.000Z');
  });

  it('revokes by file and by serial, each time writing a CRL with the next number', async () => {
    const a = await sub.issue({ profile: 'client', name: 'rev-a' });
    const b = await sub.issue({ profile: 'client', name: 'rev-b' });
    const before = parseCrl(readFileSync(sub.paths.crlDer)).crlNumber!;
    const r1 = await sub.revoke(a.paths.cert, 'keyCompromise', new Date('2026-03-02T00:00:00Z'));
    const r2 = await sub.revoke(b.serialHex.toLowerCase(), 'superseded');
    assert.equal(r1.crlNumber, before + 1n);
    assert.equal(r2.crlNumber, before + 2n);
    const crl = parseCrl(readFileSync(sub.paths.crlDer));
    assert.equal(crl.crlNumber, before + 2n);
    assert.equal(crl.entries.get(a.serialHex.toLowerCase())?.[0].reason, 1);
    assert.equal(crl.entries.get(a.serialHex.toLowerCase())?.[0].date.toISOString(), '2026-03-02T00:00:00.000Z');
    assert.equal(crl.entries.get(b.serialHex.toLowerCase())?.[0].reason, 4);
    assert.equal(readFileSync(sub.paths.crlPem, 'utf8'), `-----BEGIN X509 CRL-----\n${readFileSync(sub.paths.crlDer).toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END X509 CRL-----\n`);
    assert.equal(sub.find(a.serialHex)?.status, 'R');
    await assert.rejects(sub.revoke(a.serialHex, 'keyCompromise'), /already revoked/);
  });

  it('releases a certificateHold and refuses to release a permanent revocation', async () => {
    const h = await sub.issue({ profile: 'client', name: 'hold' });
    await sub.revoke(h.serialHex, 'certificateHold');
    assert.equal(parseCrl(readFileSync(sub.paths.crlDer)).entries.get(h.serialHex.toLowerCase())?.[0].reason, 6);
    await sub.unrevoke(h.paths.cert);
    assert.equal(parseCrl(readFileSync(sub.paths.crlDer)).entries.has(h.serialHex.toLowerCase()), false);
    assert.equal(sub.find(h.serialHex)?.status, 'V');
    const k = await sub.issue({ profile: 'client', name: 'perm' });
    await sub.revoke(k.serialHex, 'cessationOfOperation');
    await assert.rejects(sub.unrevoke(k.serialHex), /only a certificateHold can be released/);
    // A hold can become permanent, keeping its original date.
    const h2 = await sub.issue({ profile: 'client', name: 'hold2' });
    const first = await sub.revoke(h2.serialHex, 'certificateHold', new Date('2026-03-03T00:00:00Z'));
    const second = await sub.revoke(h2.serialHex, 'keyCompromise');
    assert.equal(second.date.toISOString(), first.date.toISOString());
  });

  it('rejects certificates of another CA, unknown serials and bad input with specific messages', async () => {
    const other = await root.issue({ profile: 'client', name: 'not-from-sub' });
    await assert.rejects(sub.revoke(other.paths.cert), (e: unknown) => e instanceof CaError && /was not issued by this CA/.test(e.message));
    await assert.rejects(sub.revoke('DEADBEEF'), /serial de:ad:be:ef is not in/);
    await assert.rejects(sub.revoke('not-a-serial'), /neither a certificate file nor a hex serial/);
    await assert.rejects(sub.revoke('01', 'removeFromCRL'), /unsupported reason/);
    await assert.rejects(initCa(sub.paths.dir, { subject: '/CN=x' }), /already contains a CA/);
    await assert.rejects(sub.issue({ profile: 'server', subject: '/C=Germany/CN=x' }), /country must be two letters/);
    assert.throws(() => openCa(join(tmp.dir, 'nope')), /does not exist/);
  });

  it('repairs a CRL left behind by a writer killed between index.txt and the CRL', async () => {
    const c = await sub.issue({ profile: 'client', name: 'crash' });
    // Simulate the crash: index.txt says revoked, the CRL does not, the marker is present.
    const text = readFileSync(sub.paths.database, 'utf8').replace(new RegExp(`^V\\t(\\S+)\\t\\t${c.serialHex}\\t`, 'm'), `R\t$1\t260304000000Z,keyCompromise\t${c.serialHex}\t`);
    writeFileSync(sub.paths.database, text);
    writeFileSync(sub.paths.crlPending, '12345');
    assert.equal(parseCrl(readFileSync(sub.paths.crlDer)).entries.has(c.serialHex.toLowerCase()), false);
    await openCa(sub.paths.dir).issue({ profile: 'client', name: 'next-writer' });
    assert.equal(parseCrl(readFileSync(sub.paths.crlDer)).entries.get(c.serialHex.toLowerCase())?.[0].reason, 1);
    assert.equal(existsSync(sub.paths.crlPending), false);
  });

  it('writes EMQX and mosquitto layouts', async () => {
    const c = await sub.issue({ profile: 'server', name: 'broker', dns: ['localhost'] });
    const emqx = sub.writeBrokerFiles(c, join(tmp.dir, 'emqx'), 'emqx');
    assert.match(emqx.snippet, /certfile = ".*cert\.pem"/);
    assert.equal(readFileSync(emqx.certfile, 'utf8'), c.certPem + sub.certPem);
    assert.equal(readFileSync(emqx.cafile, 'utf8'), sub.certPem + root.certPem);
    assert.equal(statSync(emqx.keyfile).mode & 0o777, 0o600);
    const mq = sub.writeBrokerFiles(c, join(tmp.dir, 'mq'), 'mosquitto');
    assert.match(mq.snippet, /^cafile .*ca\.crt$/m);
    assert.match(mq.snippet, /^keyfile .*server\.key$/m);
  });
});
