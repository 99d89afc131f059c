import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../support/tmp';
import { initCa, type CertificateAuthority, type IssuedCertificate } from '../../../src/core/ca/index';
import { verifyCertificate, type VerifyOptions } from '../../../src/core/verify/index';
import { dnsMatches } from '../../../src/core/verify/hostname';
import { derBlocks } from '../../../src/core/verify/parse';

const der = (pem: string): Uint8Array => derBlocks(pem, ['CERTIFICATE'])[0];
const T0 = new Date('2026-01-01T00:00:00Z');
const AT = new Date('2026-01-02T00:00:00Z');

describe('verify/engine (paths from the Certscope CA)', function () {
  this.timeout(30_000);
  const tmp = makeTempDir();
  let root: CertificateAuthority;
  let sub: CertificateAuthority;
  let leaf: IssuedCertificate;
  let base: VerifyOptions;

  before(async () => {
    root = await initCa(join(tmp.dir, 'root'), { subject: '/CN=V Root', now: T0 });
    sub = await initCa(join(tmp.dir, 'sub'), { subject: '/CN=V Sub', parent: root, pathLen: 0, now: T0 });
    leaf = await sub.issue({ profile: 'server', name: 'leaf', dns: ['broker.example.com', '*.devices.example.com'], ip: ['127.0.0.1'], now: T0 });
    await root.writeCrl({ now: T0 });
    await sub.writeCrl({ now: T0 });
    base = { anchors: [der(root.certPem)], pool: [der(sub.certPem)], at: AT };
  });
  after(() => tmp.cleanup());

  const crls = (): Uint8Array[] => [readFileSync(root.paths.crlDer), readFileSync(sub.paths.crlDer)];

  it('validates leaf -> intermediate -> root with CRLs for all, verdict per certificate', async () => {
    const r = await verifyCertificate(der(leaf.certPem), { ...base, crls: crls(), revocation: 'all' });
    assert.equal(r.valid, true, r.failure?.message);
    assert.deepEqual(r.path.map((p) => [p.role, p.subject, p.ok]), [['leaf', 'CN=leaf', true], ['intermediate', 'CN=V Sub', true], ['anchor', 'CN=V Root', true]]);
    assert.equal(r.path[0].revocation.status, 'good');
    assert.equal(r.path[1].revocation.status, 'good');
    assert.equal(r.path[2].revocation.status, 'notChecked');
  });

  it('reports a revoked leaf with reason and date', async () => {
    const c = await sub.issue({ profile: 'client', name: 'revoked', now: T0 });
    await sub.revoke(c.serialHex, 'keyCompromise', new Date('2026-01-01T12:00:00Z'), {});
    await sub.writeCrl({ now: T0 });
    const r = await verifyCertificate(der(c.certPem), { ...base, crls: crls(), revocation: 'leaf' });
    assert.equal(r.valid, false);
    assert.equal(r.failure?.code, 'revoked');
    assert.equal(r.failure?.certIndex, 0);
    assert.equal(r.path[0].revocation.reason, 'keyCompromise');
    assert.equal(r.path[0].revocation.revocationDate?.toISOString(), '2026-01-01T12:00:00.000Z');
  });

  it('requires a CRL for every certificate in "all" mode, or reports unknown when allowed', async () => {
    const strict = await verifyCertificate(der(leaf.certPem), { ...base, crls: [readFileSync(sub.paths.crlDer)], revocation: 'all' });
    assert.equal(strict.failure?.code, 'revocationUnknown');
    assert.equal(strict.failure?.certIndex, 1);
    const lax = await verifyCertificate(der(leaf.certPem), { ...base, crls: [readFileSync(sub.paths.crlDer)], revocation: 'all', requireRevocationStatus: false });
    assert.equal(lax.valid, true);
    assert.equal(lax.path[1].revocation.status, 'unknown');
  });

  it('treats a CRL past nextUpdate as unusable', async () => {
    const r = await verifyCertificate(der(leaf.certPem), { ...base, crls: crls(), revocation: 'leaf', at: new Date('2026-02-01T00:00:00Z') });
    assert.equal(r.failure?.code, 'revocationUnknown');
    assert.match(r.failure!.message, /expired at 2026-01-08/);
  });

  it('reports expiry and not-yet-valid on the right certificate', async () => {
    let r = await verifyCertificate(der(leaf.certPem), { ...base, at: new Date('2028-01-01T00:00:00Z') });
    assert.equal(r.failure?.code, 'expired');
    assert.equal(r.failure?.certIndex, 0);
    r = await verifyCertificate(der(leaf.certPem), { ...base, at: new Date('2025-01-01T00:00:00Z') });
    assert.equal(r.failure?.code, 'notYetValid');
    assert.equal(r.failure?.certIndex, 1, 'the intermediate is checked first (anchor down)');
  });

  it('names the missing issuer and an untrusted root', async () => {
    let r = await verifyCertificate(der(leaf.certPem), { anchors: [der(root.certPem)], at: AT });
    assert.equal(r.failure?.code, 'noIssuer');
    assert.match(r.failure!.message, /issuer certificate "CN=V Sub" not found/);
    r = await verifyCertificate(der(leaf.certPem), { anchors: [], pool: [der(sub.certPem), der(root.certPem)], at: AT });
    assert.equal(r.failure?.code, 'untrusted');
    assert.match(r.failure!.message, /CN=V Root" is not a trusted root/);
  });

  it('enforces pathLenConstraint', async () => {
    const sub2 = await initCa(join(tmp.dir, 'sub2'), { subject: '/CN=V Sub2', parent: sub, now: T0 });
    const deep = await sub2.issue({ profile: 'client', name: 'deep', now: T0 });
    const r = await verifyCertificate(der(deep.certPem), { ...base, pool: [der(sub.certPem), der(sub2.certPem)] });
    assert.equal(r.failure?.code, 'pathLength');
    assert.equal(r.failure?.certIndex, 1);
  });

  it('checks the host name (RFC 6125 wildcards, IP) and the purpose', async () => {
    const ok = await verifyCertificate(der(leaf.certPem), { ...base, host: 'a.devices.example.com' });
    assert.equal(ok.valid, true, ok.failure?.message);
    assert.equal((await verifyCertificate(der(leaf.certPem), { ...base, host: '127.0.0.1' })).valid, true);
    const bad = await verifyCertificate(der(leaf.certPem), { ...base, host: 'a.b.devices.example.com' });
    assert.equal(bad.failure?.code, 'hostname');
    assert.match(bad.failure!.message, /does not match subjectAltName/);
    const client = await sub.issue({ profile: 'client', name: 'cl', now: T0 });
    const eku = await verifyCertificate(der(client.certPem), { ...base, purpose: 'serverAuth' });
    assert.equal(eku.failure?.code, 'extKeyUsage');
  });

  it('detects a tampered signature', async () => {
    const d = Buffer.from(der(leaf.certPem));
    d[d.length - 5] ^= 0x01;
    const r = await verifyCertificate(d, base);
    assert.equal(r.valid, false);
    assert.equal(r.failure?.code, 'signature');
  });

  it('accepts a trusted certificate given directly and a bundle in any order', async () => {
    assert.equal((await verifyCertificate(der(root.certPem), { anchors: [der(root.certPem)], at: AT })).valid, true);
    const r = await verifyCertificate(der(leaf.certPem), { ...base, pool: [der(root.certPem), der(leaf.certPem), der(sub.certPem)] });
    assert.equal(r.valid, true);
  });

  it('returns a parse failure for garbage', async () => {
    const r = await verifyCertificate(Buffer.from('not a certificate'), base);
    assert.equal(r.failure?.code, 'parse');
  });
});

describe('verify/hostname', () => {
  it('matches wildcards only in the whole left-most label', () => {
    assert.ok(dnsMatches('a.example.com', '*.example.com'));
    assert.ok(!dnsMatches('example.com', '*.example.com'));
    assert.ok(!dnsMatches('a.b.example.com', '*.example.com'));
    assert.ok(!dnsMatches('a.com', '*.com'), 'no wildcard directly under a TLD');
    assert.ok(dnsMatches('example.com', 'example.com.'));
  });
});
