// Our OCSP client verifies responses made by the real `openssl ocsp` responder in file mode
// (-reqin/-respout; never `-port`, which binds all interfaces), served over loopback HTTP.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { buildOcspRequest, checkOcsp, fetchOcspResponse, OcspFetchError, verifyOcspResponse } from '../../../src/core/ocsp/client';
import { decodeOcspResponse } from '../../../src/core/decode/ocsp';
import { issueWithOpenssl, type OpensslCert } from '../../support/openssl-pki';
import { openssl } from '../../support/run';
import { makeTempDir } from '../../support/tmp';
import { makeOpensslCa, type OpensslCa } from './openssl-ca';

describe('OCSP client against openssl ocsp responses', function () {
  let tmp: ReturnType<typeof makeTempDir>;
  let ca: OpensslCa;
  let good: OpensslCert;
  let revoked: OpensslCert;
  let delegate: OpensslCert;
  let n = 0;

  /** One response from openssl's responder for the request bytes given. */
  const opensslRespond = async (reqDer: Uint8Array, signer: OpensslCert = ca.ca, extra: string[] = []): Promise<Uint8Array> => {
    const reqPath = join(tmp.dir, `req-${n}.der`);
    const respPath = join(tmp.dir, `resp-${n++}.der`);
    writeFileSync(reqPath, reqDer);
    await openssl(['ocsp', '-index', join(ca.dir, 'index.txt'), '-rsigner', signer.certPath, '-rkey', signer.keyPath,
      '-CA', ca.ca.certPath, '-reqin', reqPath, '-respout', respPath, '-ndays', '1', ...extra]);
    return new Uint8Array(readFileSync(respPath));
  };
  const cert = (c: OpensslCert) => readFileSync(c.certPath);
  const issuer = () => readFileSync(ca.ca.certPath);

  before(async () => {
    tmp = makeTempDir();
    ca = await makeOpensslCa(tmp.dir);
    good = await ca.issue('client-good');
    revoked = await ca.issue('client-revoked');
    await ca.revoke(revoked, 'cessationOfOperation');
    delegate = await ca.responderCert('openssl-delegate');
  });
  after(() => tmp.cleanup());

  it('accepts a CA-signed good response with our nonce echoed', async () => {
    const req = buildOcspRequest(cert(good), issuer(), { nonce: true });
    const v = verifyOcspResponse(await opensslRespond(req.der), { cert: cert(good), issuer: issuer(), nonce: req.nonce });
    assert.deepEqual(v.problems, []);
    assert.equal(v.valid, true);
    assert.equal(v.status, 'good');
    assert.equal(v.signedBy, 'issuer');
    assert.ok(v.thisUpdate && v.nextUpdate && v.producedAt);
    assert.equal(v.nextUpdate.getTime() - v.thisUpdate.getTime(), 86_400_000);
  });

  it('reads revoked with time and reason (SHA-256 CertID too)', async () => {
    const req = buildOcspRequest(cert(revoked), issuer(), { hashAlgorithm: 'sha256' });
    const v = verifyOcspResponse(await opensslRespond(req.der), { cert: cert(revoked), issuer: issuer() });
    assert.deepEqual(v.problems, []);
    assert.equal(v.status, 'revoked');
    assert.equal(v.reason, 'cessationOfOperation');
    const idx = readFileSync(join(ca.dir, 'index.txt'), 'utf8');
    const when = /\t(\d{12})Z,cessationOfOperation\t/.exec(idx)![1];
    assert.equal(v.revocationTime?.toISOString().replace(/\D/g, '').slice(2, 14), when);
  });

  it('accepts a delegated responder certificate with OCSPSigning issued by the CA', async () => {
    const req = buildOcspRequest(cert(good), issuer(), { nonce: true });
    const v = verifyOcspResponse(await opensslRespond(req.der, delegate), { cert: cert(good), issuer: issuer(), nonce: req.nonce });
    assert.deepEqual(v.problems, []);
    assert.equal(v.signedBy, 'delegated');
    assert.equal(v.responder, 'CN=openssl-delegate');
    assert.equal(v.status, 'good');
  });

  it('reads unknown for a serial that is not in the database', async () => {
    const stray = await issueWithOpenssl(tmp.dir, 'client-stray', { subject: '/CN=stray', extensions: 'basicConstraints=CA:FALSE', issuer: ca.ca });
    const req = buildOcspRequest(cert(stray), issuer());
    const v = verifyOcspResponse(await opensslRespond(req.der), { cert: cert(stray), issuer: issuer() });
    assert.deepEqual(v.problems, []);
    assert.equal(v.status, 'unknown');
  });

  it('rejects a responder without OCSPSigning, a signer of another CA, and a tampered signature', async () => {
    const noEku = await ca.responderCert('no-eku', { eku: false });
    const req = buildOcspRequest(cert(good), issuer());
    const v1 = verifyOcspResponse(await opensslRespond(req.der, noEku), { cert: cert(good), issuer: issuer() });
    assert.equal(v1.valid, false);
    assert.equal(v1.status, 'error');
    assert.equal(v1.claimedStatus, 'good');
    assert.match(v1.problems.join('\n'), /lacks extendedKeyUsage OCSPSigning/);

    const v2 = verifyOcspResponse(await opensslRespond(req.der, ca.root), { cert: cert(good), issuer: issuer() });
    assert.equal(v2.valid, false);
    assert.match(v2.problems.join('\n'), /not issued by CN=OCSP Test Issuing CA/);

    const der = await opensslRespond(req.der);
    // Change one digit of producedAt (the first GeneralizedTime, tag 18 len 0f): signed data changes.
    const t2 = Buffer.from(der);
    const at = t2.indexOf(Buffer.from('180f', 'hex'));
    assert.ok(at > 0);
    t2[at + 15] = t2[at + 15] === 0x30 ? 0x31 : 0x30; // change the seconds digit
    const v3 = verifyOcspResponse(new Uint8Array(t2), { cert: cert(good), issuer: issuer() });
    assert.equal(v3.valid, false);
    assert.match(v3.problems.join('\n'), /bad signature/);
  });

  it('rejects stale responses, the wrong certificate, a missing or different nonce', async () => {
    const req = buildOcspRequest(cert(good), issuer(), { nonce: true });
    const der = await opensslRespond(req.der);
    const later = new Date(Date.now() + 2 * 86_400_000);
    assert.match(verifyOcspResponse(der, { cert: cert(good), issuer: issuer(), now: later }).problems.join('\n'), /stale: nextUpdate .* has passed/);
    const earlier = new Date(Date.now() - 86_400_000);
    assert.match(verifyOcspResponse(der, { cert: cert(good), issuer: issuer(), now: earlier }).problems.join('\n'), /thisUpdate .* is in the future/);
    assert.match(verifyOcspResponse(der, { cert: cert(revoked), issuer: issuer() }).problems.join('\n'), /does not cover serial/);
    const other = buildOcspRequest(cert(good), issuer(), { nonce: true });
    assert.match(verifyOcspResponse(der, { cert: cert(good), issuer: issuer(), nonce: other.nonce }).problems.join('\n'), /different nonce/);
    const noNonce = await opensslRespond(buildOcspRequest(cert(good), issuer()).der);
    assert.match(verifyOcspResponse(noNonce, { cert: cert(good), issuer: issuer(), nonce: req.nonce }).problems.join('\n'), /does not echo the nonce/);
  });

  it('finds a delegated signer named by key hash (openssl -resp_key_id), and not one left out of the response', async () => {
    const req = buildOcspRequest(cert(good), issuer(), { nonce: true });
    const byKey = await opensslRespond(req.der, delegate, ['-resp_key_id']);
    assert.ok(decodeOcspResponse(byKey).basic?.responderId.byKeyHashHex, 'openssl named the responder by key');
    const v = verifyOcspResponse(byKey, { cert: cert(good), issuer: issuer(), nonce: req.nonce });
    assert.deepEqual(v.problems, []);
    assert.equal(v.signedBy, 'delegated');
    assert.equal(v.responder, 'CN=openssl-delegate');
    // Without the certs field the delegated signer cannot be found, whichever way it is named.
    for (const extra of [['-resp_no_certs'], ['-resp_no_certs', '-resp_key_id']]) {
      const bare = verifyOcspResponse(await opensslRespond(req.der, delegate, extra), { cert: cert(good), issuer: issuer(), nonce: req.nonce });
      assert.equal(bare.valid, false);
      assert.match(bare.problems.join('\n'), /the responder \((CN=openssl-delegate|key hash [0-9a-f]{40})\) is neither the issuer nor a certificate included/);
    }
  });

  it('names the defect of a damaged response instead of failing: trailing bytes, truncation, another response type', async () => {
    const req = buildOcspRequest(cert(good), issuer());
    const der = Buffer.from(await opensslRespond(req.der));
    const check = (bytes: Uint8Array) => verifyOcspResponse(bytes, { cert: cert(good), issuer: issuer() });
    const trailing = check(Buffer.concat([der, Buffer.from([0])]));
    assert.equal(trailing.responseStatus, 'notOcsp');
    assert.match(trailing.problems.join(), /1 trailing bytes after the DER structure/);
    assert.match(check(der.subarray(0, der.length - 10)).problems.join(), /not an OCSP response: OCSP response: not valid DER \(element needs/);
    // responseType id-pkix-ocsp-basic (1.3.6.1.5.5.7.48.1.1) changed to ...48.1.9.
    const other = Buffer.from(der);
    const at = other.indexOf(Buffer.from('06092b0601050507300101', 'hex'));
    assert.ok(at > 0);
    other[at + 10] = 9;
    assert.match(check(other).problems.join(), /unsupported OCSP response type 1\.3\.6\.1\.5\.5\.7\.48\.1\.9/);
  });

  describe('over HTTP', () => {
    let server: Server;
    let base: string;
    const sockets = new Set<Socket>();
    let mode: 'openssl' | 'html' | 'html-as-ocsp' | 'http500' | 'hang' | 'huge' = 'openssl';

    before(async () => {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          if (mode === 'hang') return;
          if (mode === 'html' || mode === 'html-as-ocsp') {
            res.writeHead(200, { 'Content-Type': mode === 'html' ? 'text/html' : 'application/ocsp-response' });
            return res.end('<html><body>Service unavailable</body></html>');
          }
          if (mode === 'http500') {
            res.writeHead(500, { 'Content-Type': 'text/html' });
            return res.end('<h1>oops</h1>');
          }
          if (mode === 'huge') {
            res.writeHead(200, { 'Content-Type': 'application/ocsp-response' });
            return res.end(Buffer.alloc(512 * 1024, 0x30));
          }
          opensslRespond(new Uint8Array(Buffer.concat(chunks))).then((der) => {
            res.writeHead(200, { 'Content-Type': 'application/ocsp-response' });
            res.end(der);
          }, () => {
            res.writeHead(500);
            res.end();
          });
        });
      });
      server.on('connection', (s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });
    after(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    });

    it('checkOcsp: build, POST, verify with nonce against openssl behind HTTP', async () => {
      mode = 'openssl';
      const r = await checkOcsp(cert(revoked), issuer(), { url: base });
      assert.deepEqual(r.problems, []);
      assert.equal(r.status, 'revoked');
      assert.equal(r.url, base);
    });

    it('checkOcsp without a URL uses the certificate\'s authorityInfoAccess OCSP URL', async () => {
      mode = 'openssl';
      const aia = await ca.issue('client-aia', { ocspUrl: base });
      const r = await checkOcsp(cert(aia), issuer());
      assert.equal(r.url, base);
      assert.deepEqual(r.problems, []);
      assert.equal(r.status, 'good');
      const none = await checkOcsp(cert(good), issuer());
      assert.match(none.problems.join(), /no responder URL/);
    });

    it('never accepts an error page or a non-OCSP body; enforces timeout and size limit', async () => {
      const req = buildOcspRequest(cert(good), issuer()).der;
      const expectFail = async (m: typeof mode, re: RegExp, opts = {}) => {
        mode = m;
        await assert.rejects(fetchOcspResponse(base, req, opts), (e: Error) => e instanceof OcspFetchError && re.test(e.message));
      };
      await expectFail('html', /Content-Type is text\/html/);
      await expectFail('html-as-ocsp', /body is not an OCSP response/);
      await expectFail('http500', /HTTP 500/);
      await expectFail('huge', /larger than 65536 bytes/, { maxBytes: 65536 });
      await expectFail('hang', /no complete answer within 300ms/, { timeoutMs: 300 });
      mode = 'html';
      const r = await checkOcsp(cert(good), issuer(), { url: base });
      assert.equal(r.valid, false);
      assert.equal(r.status, 'error');
    });
  });
});
