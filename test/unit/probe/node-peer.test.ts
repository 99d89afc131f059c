// The probe against an in-process Node TLS server (a real peer): the handshake read from the
// wire (chain as sent, CertificateRequest with Node's CA names) on TLS 1.2 and 1.3, and what a
// Node server that refuses a client certificate looks like (no alert: DESIGN.md §3).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { probe } from '../../../src/core/probe/probe';
import { makeOpensslPki, issueWithOpenssl, type OpensslPki, type OpensslCert } from '../../support/openssl-pki';
import { makeTempDir } from '../../support/tmp';

describe('probe vs a Node TLS server', function () {
  this.timeout(30_000);
  const tmp = makeTempDir();
  let pki: OpensslPki;
  let stranger: OpensslCert;
  let server: tls.Server;
  let port = 0;
  before(async () => {
    pki = await makeOpensslPki(tmp.dir);
    stranger = await issueWithOpenssl(tmp.dir, 'stranger', {
      subject: '/CN=stranger', extensions: 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth',
    });
    server = tls.createServer({
      cert: readFileSync(pki.server.certPath, 'utf8') + readFileSync(pki.intermediate.certPath, 'utf8'),
      key: readFileSync(pki.server.keyPath), ca: readFileSync(pki.chainPath), requestCert: true, rejectUnauthorized: true,
    }, (s) => { s.on('error', () => undefined); s.on('end', () => s.end()); });
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  after(() => {
    server.close();
    tmp.cleanup();
  });

  const pem = (p: string) => ({ pem: readFileSync(p, 'utf8'), source: p });

  for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
    it(`TLS 1.3 ${suite}: the encrypted handshake is decrypted with the keylog secrets`, async () => {
      const s = tls.createServer({
        cert: readFileSync(pki.server.certPath), key: readFileSync(pki.server.keyPath), ca: readFileSync(pki.chainPath),
        requestCert: true, rejectUnauthorized: false, ciphers: suite, minVersion: 'TLSv1.3',
      }, (c) => { c.on('error', () => undefined); c.on('end', () => c.end()); });
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
      try {
        const r = await probe({ url: `tls://localhost:${(s.address() as { port: number }).port}`, ca: pem(pki.chainPath), lateAlertWaitMs: 500 });
        assert.equal(r.tls?.cipher, suite);
        // Only readable after decryption: the CertificateRequest and the server's Certificate.
        assert.equal(r.tls?.clientCertRequested, true);
        assert.equal(r.tls?.acceptedCaNames.length, 2);
        assert.equal(r.chain?.origin, 'wire');
      } finally {
        s.close();
      }
    });
  }

  for (const tlsVersion of ['1.2', '1.3'] as const) {
    it(`TLS ${tlsVersion}: reads the chain as sent and the CertificateRequest's CA names`, async () => {
      const r = await probe({ url: `tls://localhost:${port}`, ca: pem(pki.root.certPath), tlsVersion, cert: pem(pki.client.certPath), key: pem(pki.client.keyPath), lateAlertWaitMs: 500 });
      assert.equal(r.tls?.version, `TLSv${tlsVersion}`);
      assert.equal(r.chain?.origin, 'wire');
      assert.deepEqual(r.chain?.certificates.map((c) => c.subject), ['CN=localhost', 'CN=Test Intermediate CA,O=Certscope Test,C=DE']);
      assert.equal(r.tls?.clientCertRequested, true);
      assert.equal(r.tls?.clientCertSent, true);
      assert.deepEqual(r.tls?.acceptedCaNames, ['CN=Test Intermediate CA,O=Certscope Test,C=DE', 'CN=Test Root CA,O=Certscope Test,C=DE']);
      assert.equal(r.ok, true, JSON.stringify(r.diagnosis));
    });

    it(`TLS ${tlsVersion}: a refused client certificate gets no alert from Node; the CertificateRequest's CA names point at unknown_ca`, async () => {
      const r = await probe({ url: `tls://localhost:${port}`, ca: pem(pki.root.certPath), tlsVersion, cert: pem(stranger.certPath), key: pem(stranger.keyPath), lateAlertWaitMs: 2000, differential: false });
      assert.equal(r.ok, false);
      assert.deepEqual(r.alerts.filter((a) => a.direction === 'received'), []);
      const [first] = r.diagnosis;
      assert.equal(first.kind, 'unknown_ca');
      // A silent close is not the server naming the cause: the evidence supports it, no more.
      assert.equal(first.confidence, 'likely');
      assert.match(first.cause, /without an alert/);
      assert.ok(first.evidence.some((e) => /not among the CAs the server's CertificateRequest lists/.test(e)), first.evidence.join('|'));
    });
  }
});
