// The probe against Certscope's own broker (src/core/broker) with CRL check and OCSP stapling,
// on a PKI made by `openssl ca`: the alerts the broker writes on the wire are read by the probe
// exactly as from mosquitto, on TLS 1.2 and 1.3, over mqtts and wss.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TlsMqttBroker } from '../../../src/core/broker/broker';
import { resolveBrokerConfig } from '../../../src/core/broker/config';
import { IndexStatusSource } from '../../../src/core/ocsp/indexStatus';
import { OcspResponder } from '../../../src/core/ocsp/responder';
import { OcspHttpServer } from '../../../src/core/ocsp/server';
import { probe } from '../../../src/core/probe/probe';
import type { ProbeOptions, ProbeResult } from '../../../src/core/probe/types';
import { loadCrlFile } from '../../../src/core/verify/index';
import { openssl } from '../../support/run';
import { makeTempDir } from '../../support/tmp';
import { makeProbePki, pem, type ProbePki } from './fixtures';

describe('probe vs the local broker (CRL check + OCSP stapling)', function () {
  this.timeout(60_000);
  const tmp = makeTempDir('certscope-probe-lb-');
  let pki: ProbePki;
  let ocsp: OcspHttpServer;
  let broker: TlsMqttBroker;
  let mqttsPort = 0;
  let wssPort = 0;
  let rootCrl = '';

  /** A CRL for the root too: with CRL checking every CA in the client's chain needs one. */
  async function makeRootCrl(): Promise<string> {
    const cnf = join(tmp.dir, 'root-ca.cnf');
    writeFileSync(join(tmp.dir, 'root-index.txt'), '');
    writeFileSync(cnf, ['[ca]', 'default_ca = root', '[root]', `database = ${join(tmp.dir, 'root-index.txt')}`, 'default_md = sha256', ''].join('\n'));
    const out = join(tmp.dir, 'root.crl.pem');
    await openssl(['ca', '-config', cnf, '-gencrl', '-crldays', '30', '-cert', pki.rootFile, '-keyfile', pki.ca.root.keyPath, '-out', out]);
    return out;
  }

  before(async function () {
    this.timeout(120_000);
    pki = await makeProbePki(tmp.dir);
    rootCrl = await makeRootCrl();
    ocsp = new OcspHttpServer(new OcspResponder({
      issuer: readFileSync(pki.ca.ca.certPath, 'utf8'), signerKey: readFileSync(pki.ca.ca.keyPath), source: new IndexStatusSource(join(pki.ca.dir, 'index.txt')),
    }), { host: '127.0.0.1', port: 0 });
    const { url } = await ocsp.start();
    broker = new TlsMqttBroker(resolveBrokerConfig({
      port: 0, wssPort: 0, certfile: pki.server.certPath, keyfile: pki.server.keyPath, chainfile: pki.ca.ca.certPath, cacertfile: pki.chainFile,
      enable_crl_check: true, crl_files: [pki.crlFile, rootCrl],
      enable_ocsp_stapling: true, ocsp_responder_url: url, ocsp_issuer_pem: pki.ca.ca.certPath,
    }, tmp.dir));
    const listeners = await broker.start();
    mqttsPort = listeners.find((l) => l.transport === 'mqtts')!.port;
    wssPort = listeners.find((l) => l.transport === 'wss')!.port;
    const deadline = Date.now() + 10_000;
    while (!broker.state().staples.some((s) => s.stapling) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  });
  after(async () => {
    await broker?.stop();
    await ocsp?.close();
    tmp.cleanup();
  });

  const urls = (): Record<'mqtts' | 'wss', string> => ({ mqtts: `mqtts://localhost:${mqttsPort}`, wss: `wss://localhost:${wssPort}/mqtt` });
  const run = (url: string, extra: Partial<ProbeOptions>): Promise<ProbeResult> =>
    // MQTT 3.1.1 until the local broker speaks MQTT 5 (aedes 1.x refuses a v5 CONNECT).
    probe({ url, ca: pem(pki.rootFile), requestOcsp: true, timeoutMs: 5000, mqttVersion: '3.1.1', ...extra });
  const received = (r: ProbeResult) => r.alerts.find((a) => a.direction === 'received');

  for (const transport of ['mqtts', 'wss'] as const) {
    for (const tlsVersion of ['1.2', '1.3'] as const) {
      it(`${transport}, TLS ${tlsVersion}: a good device connects with a good staple and a round trip`, async () => {
        const r = await run(urls()[transport], { tlsVersion, cert: pem(pki.client.certPath), key: pem(pki.client.keyPath) });
        assert.equal(r.ok, true, JSON.stringify({ d: r.diagnosis, s: r.steps.filter((s) => s.status !== 'ok') }));
        assert.equal(r.staple?.status, 'good');
        assert.equal(r.staple?.signatureValid, true);
        assert.equal(r.mqtt?.roundTrip?.ok, true);
      });

      it(`${transport}, TLS ${tlsVersion}: a revoked device gets the broker's certificate_revoked alert`, async () => {
        const r = await run(urls()[transport], { tlsVersion, cert: pem(pki.clientRevoked.certPath), key: pem(pki.clientRevoked.keyPath) });
        assert.equal(r.ok, false);
        assert.equal(received(r)?.name, 'certificate_revoked');
        assert.equal(received(r)?.phase, tlsVersion === '1.2' ? 'during-handshake' : 'after-handshake');
        assert.ok(r.diagnosis.some((d) => d.kind === 'revoked'));
      });
    }
  }

  // The probe writes CONNECT right after the handshake; a fatal alert in place of the CONNACK is the
  // verdict, so no second connection: the broker's log and "Recent rejections" show one rejection.
  for (const tlsVersion of ['1.2', '1.3'] as const) {
    it(`mqtts, TLS ${tlsVersion}: one test of a revoked device is one connection, one rejection in the broker's log`, async () => {
      const events: string[] = [];
      const sub = broker.onEvent((e) => { if (e.type === 'connection') events.push(e.outcome); });
      try {
        const before = broker.state().stats.rejected;
        const r = await run(urls().mqtts, { tlsVersion, differential: false, cert: pem(pki.clientRevoked.certPath), key: pem(pki.clientRevoked.keyPath) });
        assert.equal(received(r)?.name, 'certificate_revoked');
        assert.equal(r.error?.step, tlsVersion === '1.2' ? 'tls' : 'late-alert');
        assert.equal(r.mqtt, undefined, 'no MQTT step: CONNECT never reached a broker that accepted the handshake');
        assert.ok(!r.steps.some((s) => s.name === 'mqtt-connect'), r.steps.map((s) => s.name).join(' '));
        await new Promise((res) => setTimeout(res, 200));
        assert.deepEqual(events, ['rejected']);
        assert.equal(broker.state().stats.rejected - before, 1);
      } finally {
        sub.dispose();
      }
    });
  }

  for (const tlsVersion of ['1.2', '1.3'] as const) {
    it(`TLS ${tlsVersion}: expired device -> certificate_expired, unknown CA -> unknown_ca, none -> certificate required`, async () => {
      const expired = await run(urls().mqtts, { tlsVersion, cert: pem(pki.clientExpired.certPath), key: pem(pki.clientExpired.keyPath) });
      assert.equal(received(expired)?.name, 'certificate_expired');
      const other = await run(urls().mqtts, { tlsVersion, cert: pem(pki.clientOtherCa.certPath), key: pem(pki.clientOtherCa.keyPath) });
      assert.equal(received(other)?.name, 'unknown_ca');
      assert.ok(other.diagnosis.some((d) => d.kind === 'unknown_ca'));
      const none = await run(urls().mqtts, { tlsVersion });
      assert.ok(none.diagnosis.some((d) => d.kind === 'certificate_required'), JSON.stringify(none.diagnosis));
    });
  }

  it('a stale CRL on the broker: a valid device gets certificate_expired, explained as the server\'s CRL', async () => {
    const stale = join(tmp.dir, 'stale.crl.pem');
    await openssl(['ca', '-config', pki.ca.cnf, '-gencrl', '-crlsec', '1', '-out', stale]);
    await new Promise((r) => setTimeout(r, 2100));
    const staleBroker = new TlsMqttBroker(resolveBrokerConfig({
      port: 0, wssPort: null, certfile: pki.server.certPath, keyfile: pki.server.keyPath, chainfile: pki.ca.ca.certPath, cacertfile: pki.chainFile,
      enable_crl_check: true, crl_files: [stale, rootCrl], crl_stale: 'reject',
    }, tmp.dir));
    const port = (await staleBroker.start())[0].port;
    try {
      const r = await run(`mqtts://localhost:${port}`, {
        requestOcsp: false, cert: pem(pki.client.certPath), key: pem(pki.client.keyPath),
        context: { crls: [{ der: loadCrlFile(stale)[0], source: 'stale.crl.pem' }] },
      });
      assert.equal(received(r)?.name, 'certificate_expired', JSON.stringify({ a: r.alerts, d: r.diagnosis, s: r.steps.at(-1) }));
      const [d] = r.diagnosis;
      assert.equal(d.kind, 'server_crl_stale');
      assert.match(d.cause, /the server's CRL for your CA is past its nextUpdate \(CRL (#\d+ )?of OCSP Test Issuing CA \(stale\.crl\.pem\): nextUpdate/);
      assert.ok(d.evidence.some((e) => /stale\.crl\.pem\) is past its nextUpdate/.test(e)), d.evidence.join('|'));
    } finally {
      await staleBroker.stop();
    }
  });
});
