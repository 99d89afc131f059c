// Our OCSP responder queried by the real `openssl ocsp` client (and by plain HTTP for GET, garbage
// and oversized requests). The CA database is written by `openssl ca` itself.
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { request } from 'node:http';
import { connect as connectTcp } from 'node:net';
import { join } from 'node:path';
import { buildOcspRequest, verifyOcspResponse } from '../../../src/core/ocsp/client';
import { spkiKeyBits } from '../../../src/core/der/reader';
import { IndexStatusSource } from '../../../src/core/ocsp/indexStatus';
import { OcspResponder } from '../../../src/core/ocsp/responder';
import { OcspHttpServer } from '../../../src/core/ocsp/server';
import { issueWithOpenssl, type OpensslCert } from '../../support/openssl-pki';
import { openssl, run } from '../../support/run';
import { makeTempDir } from '../../support/tmp';
import { makeOpensslCa, type OpensslCa } from './openssl-ca';

interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function http(url: string, method: string, body?: Uint8Array, contentType = 'application/ocsp-request'): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: body ? { 'Content-Type': contentType, 'Content-Length': body.byteLength } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.setTimeout(20_000, () => req.destroy(new Error('timeout')));
    if (body) req.write(body);
    req.end();
  });
}

describe('OCSP responder queried by openssl ocsp', function () {
  let tmp: ReturnType<typeof makeTempDir>;
  let ca: OpensslCa;
  let server: OcspHttpServer;
  let url: string;
  let good: OpensslCert;
  let revoked: OpensslCert;

  const query = async (cert: OpensslCert, extra: string[] = [], target = url) => {
    const r = await run('openssl', ['ocsp', '-issuer', ca.ca.certPath, '-cert', cert.certPath, '-url', target,
      '-resp_text', '-CAfile', ca.root.certPath, ...extra], { timeout: 30_000 });
    return { code: r.code, out: r.stdout + r.stderr };
  };

  before(async () => {
    tmp = makeTempDir();
    ca = await makeOpensslCa(tmp.dir);
    good = await ca.issue('good-leaf');
    revoked = await ca.issue('revoked-leaf');
    await ca.revoke(revoked, 'keyCompromise');
    const responder = new OcspResponder({
      issuer: readFileSync(ca.ca.certPath), signerKey: readFileSync(ca.ca.keyPath),
      source: new IndexStatusSource(join(ca.dir, 'index.txt')), validitySeconds: 1800,
    });
    server = new OcspHttpServer(responder);
    url = (await server.start()).url;
  });
  after(async () => {
    await server.close();
    tmp.cleanup();
  });

  it('answers good; openssl verifies the signature and the echoed nonce; nextUpdate is set', async () => {
    const r = await query(good);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /good-leaf\.crt: good/);
    assert.match(r.out, /Response verify OK/);
    assert.match(r.out, /Response Extensions:\s+OCSP Nonce:/);
    assert.doesNotMatch(r.out, /WARNING: no nonce/);
    const m = /This Update: (.+)\n\s+Next Update: (.+)\n/.exec(r.out);
    assert.ok(m, r.out);
    assert.equal(Date.parse(m[2]) - Date.parse(m[1]), 1800_000);
  });

  it('answers revoked with time and reason', async () => {
    const r = await query(revoked);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /revoked-leaf\.crt: revoked/);
    assert.match(r.out, /Reason: keyCompromise/);
    assert.match(r.out, /Revocation Time: /);
    assert.match(r.out, /Response verify OK/);
  });

  it('answers unknown for a certificate of this CA that is not in index.txt', async () => {
    // Signed with the CA key by `openssl x509 -req`: never recorded in the database.
    const stray = await issueWithOpenssl(tmp.dir, 'stray', { subject: '/CN=stray', extensions: 'basicConstraints=CA:FALSE', issuer: ca.ca });
    const r = await query(stray);
    assert.match(r.out, /stray\.crt: unknown/);
    assert.match(r.out, /Response verify OK/);
  });

  it('answers unauthorized for a certificate of another CA', async () => {
    const other = await issueWithOpenssl(tmp.dir, 'other-root', { subject: '/CN=Other Root', extensions: 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign' });
    const otherLeaf = await issueWithOpenssl(tmp.dir, 'other-leaf', { subject: '/CN=other-leaf', extensions: 'basicConstraints=CA:FALSE', issuer: other });
    const r = await run('openssl', ['ocsp', '-issuer', other.certPath, '-cert', otherLeaf.certPath, '-url', url, '-CAfile', other.certPath]);
    assert.match(r.stdout + r.stderr, /Responder Error: unauthorized \(6\)/);
  });

  it('shows a revocation to the very next request', async () => {
    const leaf = await ca.issue('soon-revoked');
    assert.match((await query(leaf)).out, /soon-revoked\.crt: good/);
    await ca.revoke(leaf, 'superseded');
    const r = await query(leaf);
    assert.match(r.out, /soon-revoked\.crt: revoked/);
    assert.match(r.out, /Reason: superseded/);
  });

  it('signs with a delegated responder certificate that openssl accepts', async () => {
    const rc = await ca.responderCert('ocsp-signer');
    const delegated = new OcspResponder({
      issuer: readFileSync(ca.ca.certPath), signerCert: readFileSync(rc.certPath), signerKey: readFileSync(rc.keyPath),
      source: new IndexStatusSource(join(ca.dir, 'index.txt')),
    });
    const s2 = new OcspHttpServer(delegated);
    const u2 = (await s2.start()).url;
    try {
      const r = await query(revoked, ['-VAfile', rc.certPath], u2);
      assert.match(r.out, /Response verify OK/);
      assert.match(r.out, /revoked-leaf\.crt: revoked/);
      // Without -VAfile openssl must chain the embedded responder certificate to the root itself.
      const chain = join(tmp.dir, 'root+ca.pem');
      writeFileSync(chain, readFileSync(ca.root.certPath, 'utf8') + readFileSync(ca.ca.certPath, 'utf8'));
      const r2 = await run('openssl', ['ocsp', '-issuer', ca.ca.certPath, '-cert', good.certPath, '-url', u2, '-CAfile', chain]);
      assert.match(r2.stdout + r2.stderr, /Response verify OK/);
      assert.match(r2.stdout, /good-leaf\.crt: good/);
    } finally {
      await s2.close();
    }
  });

  it('answers a SHA-256 CertID and two certificates in one request; openssl finds each by its echoed CertID', async () => {
    const r = await run('openssl', ['ocsp', '-issuer', ca.ca.certPath, '-sha256', '-cert', good.certPath, '-cert', revoked.certPath,
      '-url', url, '-resp_text', '-CAfile', ca.root.certPath], { timeout: 30_000 });
    const out = r.stdout + r.stderr;
    assert.equal(r.code, 0, out);
    assert.match(out, /Response verify OK/);
    assert.equal(out.match(/Hash Algorithm: sha256/g)?.length, 2, out);
    assert.match(out, /good-leaf\.crt: good/);
    assert.match(out, /revoked-leaf\.crt: revoked/);
    assert.doesNotMatch(out, /No Status found/);
  });

  it('signs with RSA and Ed25519 CA keys and names the responder by key hash or by name, as openssl verifies', async () => {
    for (const [key, responderId, sigName] of [['rsa2048', 'byKey', 'sha256WithRSAEncryption'], ['ed25519', 'byName', 'ED25519']] as const) {
      const own = await issueWithOpenssl(tmp.dir, `${key}-ca`, { subject: `/CN=${key} OCSP CA`, extensions: 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign', key });
      const leaf = await issueWithOpenssl(tmp.dir, `${key}-leaf`, { subject: `/CN=${key}-leaf`, extensions: 'basicConstraints=CA:FALSE', issuer: own });
      const s = new OcspHttpServer(new OcspResponder({
        issuer: readFileSync(own.certPath), signerKey: readFileSync(own.keyPath), responderId,
        source: { status: () => ({ status: 'revoked', revocationTime: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), reason: 'certificateHold' }) },
      }));
      const u = (await s.start()).url;
      try {
        const r = await run('openssl', ['ocsp', '-issuer', own.certPath, '-cert', leaf.certPath, '-url', u, '-resp_text', '-CAfile', own.certPath], { timeout: 30_000 });
        const out = r.stdout + r.stderr;
        assert.match(out, /Response verify OK/, out);
        assert.match(out, new RegExp(`Signature Algorithm: ${sigName}`));
        // byKey: SHA-1 of the subjectPublicKey bits, as openssl prints it.
        const spki = new X509Certificate(readFileSync(own.certPath)).publicKey.export({ type: 'spki', format: 'der' });
        const keyHash = createHash('sha1').update(spkiKeyBits(spki)).digest('hex').toUpperCase();
        assert.match(out, responderId === 'byKey' ? new RegExp(`Responder Id: ${keyHash}`) : /Responder Id: CN = ed25519 OCSP CA/);
        assert.match(out, new RegExp(`${key}-leaf\\.crt: revoked`));
        assert.match(out, /Reason: certificateHold/);
        assert.match(out, /Revocation Time: Jan {2}2 03:04:05 2026 GMT/);
      } finally {
        await s.close();
      }
    }
  });

  it('refuses a delegated responder certificate without OCSPSigning, and a key that does not match', async () => {
    const noEku = await ca.responderCert('not-a-signer', { eku: false });
    assert.throws(() => new OcspResponder({
      issuer: readFileSync(ca.ca.certPath), signerCert: readFileSync(noEku.certPath), signerKey: readFileSync(noEku.keyPath),
      source: { status: () => ({ status: 'good' }) },
    }), /lacks extendedKeyUsage OCSPSigning/);
    assert.throws(() => new OcspResponder({
      issuer: readFileSync(ca.ca.certPath), signerKey: readFileSync(good.keyPath), source: { status: () => ({ status: 'good' }) },
    }), /does not belong to the signer certificate/);
  });

  it('answers GET with the URL-encoded base64 request, with RFC 5019 cache headers', async () => {
    const req = buildOcspRequest(readFileSync(revoked.certPath), readFileSync(ca.ca.certPath));
    const a = await http(url + encodeURIComponent(Buffer.from(req.der).toString('base64')), 'GET');
    assert.equal(a.status, 200);
    assert.equal(a.headers['content-type'], 'application/ocsp-response');
    assert.match(String(a.headers['cache-control']), /max-age=\d+, public, no-transform, must-revalidate/);
    assert.ok(a.headers['expires'] && a.headers['last-modified'] && a.headers['etag']);
    const v = verifyOcspResponse(a.body, { cert: readFileSync(revoked.certPath), issuer: readFileSync(ca.ca.certPath) });
    assert.deepEqual(v.problems, []);
    assert.equal(v.status, 'revoked');
    assert.equal(v.reason, 'keyCompromise');
    // The same under a path prefix, as with a responder URL of http://127.0.0.1:PORT/ocsp.
    const prefixed = await http(url + 'ocsp/' + encodeURIComponent(Buffer.from(req.der).toString('base64')), 'GET');
    assert.equal(verifyOcspResponse(prefixed.body, { cert: readFileSync(revoked.certPath), issuer: readFileSync(ca.ca.certPath) }).status, 'revoked');
    // openssl reads the same bytes.
    const f = join(tmp.dir, 'get.resp');
    writeFileSync(f, a.body);
    const out = await openssl(['ocsp', '-respin', f, '-resp_text', '-noverify']);
    assert.match(out, /Cert Status: revoked/);
  });

  it('binds 127.0.0.1 by default; close() frees the port and ends open keep-alive connections', async () => {
    const s = new OcspHttpServer(new OcspResponder({
      issuer: readFileSync(ca.ca.certPath), signerKey: readFileSync(ca.ca.keyPath), source: new IndexStatusSource(join(ca.dir, 'index.txt')),
    }));
    const { port, url: u } = await s.start();
    assert.equal(u, `http://127.0.0.1:${port}/`);
    const sock = connectTcp(port, '127.0.0.1');
    await once(sock, 'connect');
    const closedSock = once(sock, 'close');
    await s.close();
    await closedSock; // the idle connection was closed by close(), not left dangling
    const again = connectTcp(port, '127.0.0.1');
    const [err] = (await once(again, 'error')) as [NodeJS.ErrnoException];
    assert.equal(err.code, 'ECONNREFUSED');
  });

  it('answers garbage with malformedRequest, oversized bodies with 413, other media types with 415', async () => {
    const garbage = await http(url, 'POST', Buffer.from('this is not DER'));
    assert.equal(garbage.status, 200);
    const f = join(tmp.dir, 'bad.resp');
    writeFileSync(f, garbage.body);
    const shown = await run('openssl', ['ocsp', '-respin', f, '-resp_text', '-noverify']);
    assert.match(shown.stdout + shown.stderr, /Responder Error: malformedrequest \(1\)/);
    const badGet = await http(url + 'not%20base64%21', 'GET');
    assert.equal(verifyOcspResponse(badGet.body, { cert: readFileSync(good.certPath), issuer: readFileSync(ca.ca.certPath) }).responseStatus, 'malformedRequest');
    const big = await http(url, 'POST', Buffer.alloc(100 * 1024, 0x30));
    assert.equal(big.status, 413);
    // Chunked, no Content-Length: cut off while streaming, and the 413 still arrives.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { 'Content-Type': 'application/ocsp-request', 'Transfer-Encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 20; i++) req.write(Buffer.alloc(8 * 1024, 0x30));
      req.end();
    });
    assert.equal(chunked, 413);
    const wrongType = await http(url, 'POST', buildOcspRequest(readFileSync(good.certPath), readFileSync(ca.ca.certPath)).der, 'text/plain');
    assert.equal(wrongType.status, 415);
    // The server is still fine afterwards.
    assert.match((await query(good)).out, /good-leaf\.crt: good/);
  });
});
