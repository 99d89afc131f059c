// Revocation sources of the running broker, checked with real clients: a CRL file rewritten by
// `openssl ca` takes effect at the next handshake, CRLs from a URL (and what happens when the URL
// fails), missing and stale CRLs, and OCSP stapling seen by `openssl s_client -status`.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { run } from '../../support/run';
import { makeTempDir } from '../../support/tmp';
import { makeBrokerPki, type BrokerPki } from '../../unit/broker/brokerPki';
import { startBroker, type RunningBroker } from '../../unit/broker/harness';
import type { OpensslCert } from '../../support/openssl-pki';
import { OcspResponder } from '../../../src/core/ocsp/responder';
import { OcspHttpServer } from '../../../src/core/ocsp/server';
import { IndexStatusSource } from '../../../src/core/ocsp/indexStatus';

async function sClient(port: number, pki: BrokerPki, cert: OpensslCert | undefined, extra: string[] = [], accept = false) {
  const args = ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', pki.root.certPath, ...extra];
  if (cert) args.push('-cert', cert.certPath, '-key', cert.keyPath);
  // -ign_eof keeps s_client reading until the server closes, so a TLS 1.3 alert sent after the
  // handshake is read; an accepted client would wait for the broker's MQTT idle timeout instead.
  if (!accept) args.push('-ign_eof');
  const r = await run('openssl', args, { input: '', timeout: 20_000 });
  return r.stdout + r.stderr;
}

const ACCEPTED = /Verify return code: 0 \(ok\)/;

describe('broker revocation sources', function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let pki: BrokerPki;
  let b: RunningBroker | undefined;

  before(async () => {
    tmp = makeTempDir();
    pki = await makeBrokerPki(tmp.dir);
  });
  afterEach(async () => {
    await b?.stop();
    b = undefined;
  });
  after(() => tmp?.cleanup());

  it('a CRL file rewritten by openssl ca takes effect at the next handshake, without restart', async () => {
    const device = await pki.issueClient('soon-revoked');
    b = await startBroker(pki, { wssPort: null });
    let from = b.events.length;
    assert.doesNotMatch(await sClient(b.port, pki, device, ['-tls1_3'], true), /alert/);
    assert.equal((await b.nextConnection(from)).outcome, 'accepted');
    const reloads = b.events.length;
    await pki.revoke(device, 'cessationOfOperation');
    const running = b;
    await b.waitFor((e) => e.type === 'log' && e.source === 'crl' && /^CRLs changed/.test(e.message) && running.events.indexOf(e) >= reloads, 15_000);
    from = b.events.length;
    assert.match(await sClient(b.port, pki, device, ['-tls1_3']), /alert certificate revoked.*SSL alert number 44/);
    const ev = await b.nextConnection(from);
    assert.match(ev.reason ?? '', /certificate revoked: .*cessationOfOperation, CRL #\S+ from .*intermediate\.crl\.pem/);
    // The good device is unaffected.
    from = b.events.length;
    const good = await sClient(b.port, pki, pki.good, ['-tls1_2'], true);
    const goodEv = await b.nextConnection(from);
    assert.equal(goodEv.outcome, 'accepted', goodEv.reason);
    assert.match(good, ACCEPTED);
  });

  it('CRLs from a URL; a failing or hanging URL keeps the last good CRL and warns', async () => {
    let mode: 'ok' | 'error' | 'hang' = 'ok';
    const hanging = new Set<http.ServerResponse>();
    const server = http.createServer((_req, res) => {
      if (mode === 'ok') res.end(readFileSync(pki.intermediateCrlPath));
      else if (mode === 'error') res.writeHead(500).end('<html>oops</html>');
      else hanging.add(res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/intermediate.crl`;
    try {
      b = await startBroker(pki, { wssPort: null, crl_files: [pki.rootCrlPath], crl_cache_urls: [url], crl_cache_refresh_interval: '300ms', crl_cache_http_timeout: '1s' });
      // On a loaded machine the first fetch may miss the timeout; the next refresh retries.
      await b.waitFor((e) => e.type === 'log' && e.source === 'crl' && e.message.includes(`from ${url}:`), 20_000);
      let from = b.events.length;
      assert.match(await sClient(b.port, pki, pki.revoked, ['-tls1_2']), /alert certificate revoked/);
      assert.match((await b.nextConnection(from)).reason ?? '', new RegExp(`from ${url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`));
      for (const m of ['error', 'hang'] as const) {
        mode = m;
        const at = b.events.length;
        const running = b;
        const warn = await b.waitFor((e) => e.type === 'log' && e.level === 'warn' && e.message.startsWith(`CRL fetch failed for ${url}`) && running.events.indexOf(e) >= at);
        assert.match((warn as { message: string }).message, m === 'error' ? /HTTP 500.*keeping the last good CRL/ : /no answer within 1s.*keeping the last good CRL/);
        assert.equal(b.broker.state().crl.sources.find((s) => s.source === url)?.ok, false);
        from = b.events.length;
        assert.match(await sClient(b.port, pki, pki.revoked, ['-tls1_3']), /alert certificate revoked/);
        assert.match(await sClient(b.port, pki, pki.good, ['-tls1_3'], true), ACCEPTED);
      }
    } finally {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('a CA without a CRL is reported and its clients refused with the reason; crl_missing = allow accepts them', async () => {
    b = await startBroker(pki, { wssPort: null, crl_files: [pki.intermediateCrlPath] });
    assert.deepEqual(b.broker.state().crl.missingFor, ['CN=Test Root CA,O=Certscope Test,C=DE']);
    assert.ok(b.events.some((e) => e.type === 'log' && e.level === 'warn' && /no CRL loaded for trusted CA "CN=Test Root CA/.test(e.message)));
    let from = b.events.length;
    assert.match(await sClient(b.port, pki, pki.good, ['-tls1_3']), /alert unknown ca/);
    assert.match((await b.nextConnection(from)).reason ?? '', /^no CRL loaded for CA "CN=Test Root CA,O=Certscope Test,C=DE"/);
    await b.stop();
    b = await startBroker(pki, { wssPort: null, crl_files: [pki.intermediateCrlPath], crl_missing: 'allow' });
    from = b.events.length;
    assert.match(await sClient(b.port, pki, pki.good, ['-tls1_3'], true), ACCEPTED);
    const ok = await b.nextConnection(from);
    assert.equal(ok.outcome, 'accepted');
    from = b.events.length;
    assert.match(await sClient(b.port, pki, pki.revoked, ['-tls1_3']), /alert certificate revoked/, 'a revoked client stays refused');
    assert.equal((await b.nextConnection(from)).outcome, 'rejected');
  });

  it('a CRL past nextUpdate: clients see certificate expired and the reason names the stale CRL; crl_stale = allow accepts', async () => {
    const stalePath = join(tmp.dir, 'stale-intermediate.crl.pem');
    await pki.writeIntermediateCrl({ seconds: 1, path: stalePath });
    const nextUpdate = Date.parse((await run('openssl', ['crl', '-in', stalePath, '-noout', '-nextupdate'])).stdout.replace('nextUpdate=', '').trim());
    // Wait until the CRL is really past nextUpdate (openssl has one-second resolution).
    while (Date.now() < nextUpdate + 1100) await new Promise((r) => setTimeout(r, 200));
    b = await startBroker(pki, { wssPort: null, crl_files: [pki.rootCrlPath, stalePath] });
    assert.deepEqual(b.broker.state().crl.staleFor, ['CN=Test Intermediate CA,O=Certscope Test,C=DE']);
    let from = b.events.length;
    assert.match(await sClient(b.port, pki, pki.good, ['-tls1_2']), /alert certificate expired.*SSL alert number 45/);
    const ev = await b.nextConnection(from);
    assert.equal(ev.verifyError, 'CRL_HAS_EXPIRED');
    assert.match(ev.reason ?? '', /the broker's CRL #\S+ from .*stale-intermediate\.crl\.pem for "CN=Test Intermediate CA.*" expired .*the client certificate itself may be fine/);
    await b.stop();
    b = await startBroker(pki, { wssPort: null, crl_files: [pki.rootCrlPath, stalePath], crl_stale: 'allow' });
    from = b.events.length;
    assert.match(await sClient(b.port, pki, pki.good, ['-tls1_2'], true), ACCEPTED);
    assert.equal((await b.nextConnection(from)).outcome, 'accepted');
  });

  it('OCSP stapling: openssl s_client -status shows good, then revoked for a revoked server certificate', async () => {
    const server = await pki.issueServer('stapled-server');
    const responder = new OcspResponder({
      issuer: readFileSync(pki.intermediate.certPath, 'utf8'),
      signerKey: readFileSync(pki.intermediate.keyPath, 'utf8'),
      source: new IndexStatusSource(pki.intermediateIndexPath),
    });
    const http1 = new OcspHttpServer(responder);
    const { url } = await http1.start();
    try {
      const opts = { wssPort: null, certfile: server.certPath, keyfile: server.keyPath, enable_ocsp_stapling: true, ocsp_responder_url: url };
      b = await startBroker(pki, opts);
      await b.waitFor((e) => e.type === 'log' && e.source === 'ocsp' && /is good/.test(e.message));
      const out = await sClient(b.port, pki, pki.good, ['-status', '-tls1_3'], true);
      assert.match(out, /OCSP Response Status: successful/);
      assert.match(out, /Cert Status: good/);
      assert.equal(b.broker.state().staples[0]?.status, 'good');
      const from = b.events.length;
      await sClient(b.port, pki, pki.good, ['-status', '-tls1_2'], true);
      const ev = await b.nextConnection(from);
      assert.equal(ev.staple?.stapling, true);
      assert.equal(ev.staple?.status, 'good');
      await b.stop();
      await pki.revoke(server, 'keyCompromise');
      b = await startBroker(pki, opts);
      await b.waitFor((e) => e.type === 'log' && e.source === 'ocsp' && /is revoked/.test(e.message));
      const out2 = await sClient(b.port, pki, pki.good, ['-status'], true);
      assert.match(out2, /Cert Status: revoked/);
      assert.match(out2, /Revocation Reason: keyCompromise/);
    } finally {
      await http1.close();
    }
  });
});
