// The probe against the real `openssl s_server`: client authentication (TLS 1.2 and 1.3), CRL
// revocation alerts, stapling (-status_file), and broken server setups (expired certificate,
// wrong host name, missing intermediate, must-staple without a staple).
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { probe } from '../../../src/core/probe/probe';
import type { ProbeOptions, ProbeResult } from '../../../src/core/probe/types';
import { makeTempDir } from '../../support/tmp';
import { makeProbePki, pem, type ProbePki } from './fixtures';
import { startSServer, type RunningPeer } from './peers';

describe('probe vs openssl s_server', function () {
  this.timeout(60_000);
  const tmp = makeTempDir('certscope-probe-');
  let pki: ProbePki;
  const peers: RunningPeer[] = [];

  before(async function () {
    this.timeout(120_000);
    pki = await makeProbePki(tmp.dir);
  });
  after(async () => {
    await Promise.all(peers.map((p) => p.stop()));
    tmp.cleanup();
  });

  async function server(args: string[]): Promise<RunningPeer> {
    const p = await startSServer(args);
    peers.push(p);
    return p;
  }

  const serverArgs = (): string[] => ['-cert', pki.server.certPath, '-key', pki.server.keyPath, '-cert_chain', pki.ca.ca.certPath];
  const mtlsArgs = (): string[] => [...serverArgs(), '-Verify', '2', '-verify_return_error', '-CAfile', pki.chainFile];

  function run(port: number, extra: Partial<ProbeOptions> = {}): Promise<ProbeResult> {
    return probe({ url: `tls://localhost:${port}`, ca: pem(pki.rootFile), timeoutMs: 5000, ...extra });
  }

  function kinds(r: ProbeResult): string[] {
    return r.diagnosis.filter((d) => d.severity === 'error').map((d) => d.kind);
  }

  describe('client certificates', () => {
    let mtls: RunningPeer;
    let crl: RunningPeer;
    before(async () => {
      mtls = await server(mtlsArgs());
      crl = await server([...mtlsArgs(), '-CRL', pki.crlFile, '-crl_check']);
    });

    for (const tlsVersion of ['1.2', '1.3'] as const) {
      it(`TLS ${tlsVersion}: a good client certificate works; the CertificateRequest and its CA names are read from the wire`, async () => {
        const r = await run(mtls.port, { tlsVersion, cert: pem(pki.client.certPath), key: pem(pki.client.keyPath) });
        assert.equal(r.ok, true, JSON.stringify(r.diagnosis));
        assert.equal(r.tls?.version, `TLSv${tlsVersion}`);
        assert.equal(r.tls?.clientCertRequested, true);
        assert.equal(r.tls?.clientCertSent, true);
        assert.ok(r.tls?.acceptedCaNames.some((n) => n.includes('OCSP Test Issuing CA')), r.tls?.acceptedCaNames.join('|'));
        assert.equal(r.chain?.origin, 'wire');
        assert.equal(r.chain?.certificates.length, 2);
        assert.equal(r.alerts.length, 0);
      });

      it(`TLS ${tlsVersion}: no client certificate -> ${tlsVersion === '1.2' ? 'handshake_failure' : 'certificate_required'} alert, diagnosed as certificate_required`, async () => {
        const r = await run(mtls.port, { tlsVersion });
        assert.equal(r.ok, false);
        const alert = r.alerts.find((a) => a.direction === 'received');
        assert.equal(alert?.number, tlsVersion === '1.2' ? 40 : 116);
        assert.equal(alert?.phase, tlsVersion === '1.2' ? 'during-handshake' : 'after-handshake');
        assert.equal(r.tls?.clientCertSent, false);
        assert.deepEqual(kinds(r), ['certificate_required']);
      });

      it(`TLS ${tlsVersion}: a revoked client certificate gets certificate_revoked (44) from the CRL check`, async () => {
        const r = await run(crl.port, {
          tlsVersion, cert: pem(pki.clientRevoked.certPath), key: pem(pki.clientRevoked.keyPath),
          context: { revocations: [{ serialHex: pki.clientRevoked.serialHex, revokedAt: '2026-01-01T00:00:00Z', reason: 'keyCompromise', source: 'CRL issuing.crl.pem' }] },
        });
        assert.equal(r.ok, false);
        const alert = r.alerts.find((a) => a.direction === 'received');
        assert.equal(alert?.name, 'certificate_revoked');
        assert.equal(alert?.number, 44);
        // Read from the record itself: plaintext on 1.2, decrypted with the keylog secrets on 1.3.
        assert.equal(alert?.evidence, 'record');
        assert.equal(alert?.phase, tlsVersion === '1.2' ? 'during-handshake' : 'after-handshake');
        const diag = r.diagnosis.find((x) => x.kind === 'revoked');
        assert.ok(diag, JSON.stringify(r.diagnosis));
        assert.match(diag.cause, /CRL issuing\.crl\.pem lists it as revoked since 2026-01-01 00:00:00 UTC, reason keyCompromise/);
      });

      it(`TLS ${tlsVersion}: the good client still passes the CRL-checking server`, async () => {
        const r = await run(crl.port, { tlsVersion, cert: pem(pki.client.certPath), key: pem(pki.client.keyPath) });
        assert.equal(r.ok, true, JSON.stringify(r.diagnosis));
      });

      it(`TLS ${tlsVersion}: a client certificate from another CA gets unknown_ca (48) and the diagnosis names the CAs the server accepts`, async () => {
        const r = await run(mtls.port, { tlsVersion, cert: pem(pki.clientOtherCa.certPath), key: pem(pki.clientOtherCa.keyPath) });
        assert.equal(r.alerts.find((a) => a.direction === 'received')?.name, 'unknown_ca');
        const diag = r.diagnosis.find((x) => x.kind === 'unknown_ca');
        assert.ok(diag);
        assert.match(diag.cause, /CN=Some Other CA/);
        assert.match(diag.cause, /accepts client certificates from: .*OCSP Test Issuing CA/);
      });

      it(`TLS ${tlsVersion}: an expired client certificate gets certificate_expired (45), caught in pre-flight too`, async () => {
        const r = await run(mtls.port, { tlsVersion, cert: pem(pki.clientExpired.certPath), key: pem(pki.clientExpired.keyPath) });
        assert.equal(r.alerts.find((a) => a.direction === 'received')?.name, 'certificate_expired');
        const [first] = r.diagnosis;
        assert.equal(first.kind, 'client_cert_expired');
        assert.equal(first.confidence, 'certain');
        assert.match(first.cause, /certificate_expired \(45\)/);
        assert.match(first.cause, /expired on 2021-01-01/);
        assert.equal(r.diagnosis.filter((x) => x.kind === 'client_cert_expired').length, 1, 'the pre-flight finding is merged, not repeated');
      });
    }

    it('a server certificate used as a client certificate: pre-flight warns, the server says unsupported_certificate (43)', async () => {
      const r = await run(mtls.port, { cert: pem(pki.server.certPath), key: pem(pki.server.keyPath) });
      assert.equal(r.alerts.find((a) => a.direction === 'received')?.name, 'unsupported_certificate');
      const kinds = r.diagnosis.filter((d) => d.severity === 'error').map((d) => d.kind);
      assert.deepEqual(kinds, ['client_cert_no_clientauth']);
      assert.match(r.diagnosis[0].cause, /unsupported_certificate \(43\)/);
    });

    it('a server that trusts only the root and a client sending no intermediate: unknown_ca, fix = send the intermediate', async () => {
      const rootOnly = await server([...serverArgs(), '-Verify', '2', '-verify_return_error', '-CAfile', pki.rootFile]);
      const r = await run(rootOnly.port, { cert: pem(pki.client.certPath), key: pem(pki.client.keyPath) });
      assert.equal(r.alerts.find((a) => a.direction === 'received')?.name, 'unknown_ca');
      assert.equal(r.tls?.clientCertCount, 1);
      const diag = r.diagnosis.find((x) => x.kind === 'unknown_ca');
      assert.match(diag?.cause ?? '', /accepts client certificates from: CN=OCSP Test Root.*Only the certificate itself was sent: if "CN=OCSP Test Issuing CA/);
      assert.match(diag?.fix ?? '', /Append the intermediate/);
      // With the intermediate appended to the certificate file, the same server accepts it.
      const full = join(tmp.dir, 'device-good-full.pem');
      writeFileSync(full, readFileSync(pki.client.certPath, 'utf8') + readFileSync(pki.ca.ca.certPath, 'utf8'));
      const ok = await run(rootOnly.port, { cert: pem(full), key: pem(pki.client.keyPath) });
      assert.equal(ok.ok, true, JSON.stringify(ok.diagnosis));
      assert.equal(ok.tls?.clientCertCount, 2);
    });

    it('TLS 1.3 with a HelloRetryRequest (server wants P-256 key shares): still read from the wire', async () => {
      const hrr = await server([...mtlsArgs(), '-groups', 'P-256']);
      const r = await run(hrr.port, { tlsVersion: '1.3', cert: pem(pki.client.certPath), key: pem(pki.client.keyPath) });
      assert.equal(r.ok, true, JSON.stringify(r.diagnosis));
      assert.equal(r.chain?.origin, 'wire');
      assert.equal(r.tls?.clientCertRequested, true);
      assert.equal(r.tls?.clientCertCount, 1);
      // Without a certificate: the certificate_required alert is decrypted from the record.
      const none = await run(hrr.port, { tlsVersion: '1.3' });
      assert.equal(none.alerts.find((a) => a.direction === 'received')?.name, 'certificate_required');
      assert.equal(none.alerts.find((a) => a.direction === 'received')?.evidence, 'record');
    });

    it('a key that does not match the certificate is caught before connecting', async () => {
      const r = await run(mtls.port, { cert: pem(pki.client.certPath), key: pem(pki.clientRevoked.keyPath) });
      assert.equal(r.ok, false);
      assert.deepEqual(r.steps.map((s) => s.name), ['preflight']);
      assert.deepEqual(kinds(r), ['key_mismatch']);
    });
  });

  describe('server side problems', () => {
    it('stapling: a good staple from -status_file is checked (signature, certID, freshness)', async () => {
      const s = await server([...serverArgs(), '-status_file', pki.ocspGood]);
      const r = await run(s.port, { requestOcsp: true });
      assert.equal(r.ok, true, JSON.stringify(r.diagnosis));
      assert.equal(r.staple?.present, true);
      assert.equal(r.staple?.status, 'good');
      assert.equal(r.staple?.signatureValid, true);
      assert.equal(r.staple?.certIdMatches, true);
      assert.equal(r.staple?.fresh, true);
    });

    it('stapling: a staple for another certificate fails the certID check', async () => {
      const s = await server([...serverArgs(), '-status_file', pki.ocspRevoked]);
      const r = await run(s.port, { requestOcsp: true });
      assert.equal(r.ok, false);
      assert.equal(r.staple?.certIdMatches, false);
      assert.deepEqual(kinds(r), ['staple_invalid']);
    });

    it('stapling: a revoked server certificate with its revoked staple fails', async () => {
      const s = await server(['-cert', pki.serverRevoked.certPath, '-key', pki.serverRevoked.keyPath, '-cert_chain', pki.ca.ca.certPath, '-status_file', pki.ocspRevoked]);
      const r = await run(s.port, { requestOcsp: true, servername: 'localhost' });
      assert.equal(r.staple?.status, 'revoked');
      assert.equal(r.ok, false);
      assert.ok(kinds(r).includes('staple_revoked'));
    });

    it('must-staple: a must-staple certificate without a staple is a failure', async () => {
      const s = await server(['-cert', pki.serverMustStaple.certPath, '-key', pki.serverMustStaple.keyPath, '-cert_chain', pki.ca.ca.certPath]);
      const r = await run(s.port, { requestOcsp: true });
      assert.equal(r.staple?.mustStaple, true);
      assert.equal(r.staple?.present, false);
      assert.equal(r.ok, false);
      assert.deepEqual(kinds(r), ['staple_missing']);
    });

    it('an expired server certificate is named', async () => {
      const s = await server(['-cert', pki.serverExpired.certPath, '-key', pki.serverExpired.keyPath, '-cert_chain', pki.ca.ca.certPath]);
      const r = await run(s.port);
      assert.equal(r.ok, false);
      assert.equal(r.chain?.errorCode, 'CERT_HAS_EXPIRED');
      assert.deepEqual(kinds(r), ['server_cert_expired']);
      assert.match(r.diagnosis[0].cause, /CN=expired-server expired on 2021-01-01/);
    });

    it('a wrong host name is reported with the names the certificate has', async () => {
      const s = await server(['-cert', pki.serverWrongName.certPath, '-key', pki.serverWrongName.keyPath, '-cert_chain', pki.ca.ca.certPath]);
      const r = await run(s.port);
      assert.equal(r.ok, false);
      assert.equal(r.hostname?.ok, false);
      assert.deepEqual(kinds(r), ['hostname_mismatch']);
      assert.match(r.diagnosis[0].cause, /not valid for "localhost".*broker\.example\.com/);
      // The same server is fine when asked for the name it has.
      const ok = await run(s.port, { servername: 'broker.example.com' });
      assert.equal(ok.ok, true, JSON.stringify(ok.diagnosis));
    });

    it('a missing intermediate is reported as an incomplete chain', async () => {
      const s = await server(['-cert', pki.server.certPath, '-key', pki.server.keyPath]);
      const r = await run(s.port);
      assert.equal(r.ok, false);
      assert.equal(r.chain?.certificates.length, 1);
      assert.deepEqual(kinds(r), ['incomplete_server_chain']);
      // With the intermediate in the CA file the same server is trusted.
      const ok = await run(s.port, { ca: pem(pki.chainFile) });
      assert.equal(ok.ok, true, JSON.stringify(ok.diagnosis));
    });

    it('a chain sent in the wrong order is read as sent and reported', async () => {
      // -cert_chain with the root first: the wire order is leaf, root, intermediate.
      const reversed = join(tmp.dir, 'reversed-chain.pem');
      writeFileSync(reversed, readFileSync(pki.rootFile, 'utf8') + readFileSync(pki.ca.ca.certPath, 'utf8'));
      const s = await server(['-cert', pki.server.certPath, '-key', pki.server.keyPath, '-cert_chain', reversed]);
      const r = await run(s.port);
      assert.equal(r.chain?.origin, 'wire');
      assert.deepEqual(r.chain?.certificates.map((c) => c.subject.split(',')[0]), ['CN=localhost', 'CN=OCSP Test Root', 'CN=OCSP Test Issuing CA']);
      assert.ok(r.chain?.problems.some((p) => /wrong order/.test(p)), r.chain?.problems.join('; '));
      // OpenSSL copes, so the connection works; the diagnosis warns for stricter device stacks.
      assert.equal(r.ok, true);
      assert.deepEqual(r.diagnosis.map((d) => [d.kind, d.severity]), [['incomplete_server_chain', 'warning']]);
    });

    it('without the CA the server chain is untrusted and the probe says which CA to pass', async () => {
      const s = await server(serverArgs());
      const r = await probe({ url: `tls://localhost:${s.port}`, timeoutMs: 5000 });
      assert.equal(r.ok, false);
      assert.deepEqual(kinds(r), ['untrusted_server_chain']);
      assert.match(r.diagnosis[0].fix, /OCSP Test Root/);
    });
  });
});
