// The probe against real Debian mosquitto with require_certificate and crlfile: CONNACK and the
// round trip for a good client (MQTT 3.1.1 and 5), and mosquitto's real
// certificate_revoked alert for a revoked one, on TLS 1.2 and 1.3.
import { strict as assert } from 'node:assert';
import * as https from 'node:https';
import * as tls from 'node:tls';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { Aedes } from 'aedes';
import { probe } from '../../../src/core/probe/probe';
import type { ProbeOptions, ProbeResult } from '../../../src/core/probe/types';
import { makeTempDir } from '../../support/tmp';
import { makeProbePki, pem, type ProbePki } from './fixtures';
import { startMosquitto, type RunningPeer } from './peers';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run as run0 } from '../../support/run';

describe('probe vs mosquitto (require_certificate, crlfile)', function () {
  this.timeout(60_000);
  const tmp = makeTempDir('certscope-probe-mq-');
  let pki: ProbePki;
  let mqtts: RunningPeer;

  before(async function () {
    this.timeout(120_000);
    pki = await makeProbePki(tmp.dir);
    const common = {
      dir: tmp.dir, cafile: pki.chainFile, certfile: pki.server.certPath, keyfile: pki.server.keyPath,
      crlfile: pki.crlFile, requireCertificate: true,
    };
    mqtts = await startMosquitto(common);
  });
  after(async () => {
    await mqtts?.stop();
    tmp.cleanup();
  });

  function run(url: string, extra: Partial<ProbeOptions> = {}): Promise<ProbeResult> {
    return probe({ url, ca: pem(pki.chainFile), cert: pem(pki.client.certPath), key: pem(pki.client.keyPath), timeoutMs: 5000, ...extra });
  }

  for (const mqtt of ['3.1.1', '5'] as const) {
    it(`mqtts, MQTT ${mqtt}: a good client gets CONNACK accepted and a publish comes back`, async () => {
      const r = await run(`mqtts://localhost:${mqtts.port}`, { mqttVersion: mqtt });
      assert.equal(r.ok, true, JSON.stringify({ d: r.diagnosis, s: r.steps }));
      assert.equal(r.mqtt?.connack?.code, 0);
      assert.equal(r.mqtt?.connack?.answeredAs, mqtt);
      assert.equal(r.mqtt?.roundTrip?.ok, true);
      assert.equal(r.tls?.clientCertRequested, true);
      // (A set: "localhost" may resolve to ::1 and 127.0.0.1, one TCP attempt each.)
      assert.deepEqual([...new Set(r.steps.map((s) => s.name))], ['preflight', 'dns', 'tcp', 'tls', 'client-cert', 'server-chain', 'hostname', 'late-alert', 'mqtt-connect', 'mqtt-roundtrip']);
    });
  }

  it('wss: MQTT over WebSocket+TLS works against aedes behind a ws server (Debian mosquitto 2.0.11 cannot open websockets listeners here)', async () => {
    const broker = await Aedes.createBroker();
    const server = https.createServer({ cert: readFileSync(pki.server.certPath), key: readFileSync(pki.server.keyPath), ca: readFileSync(pki.chainFile), requestCert: true, rejectUnauthorized: true });
    const wss = new WebSocketServer({ server, path: '/mqtt' });
    wss.on('connection', (ws) => broker.handle(createWebSocketStream(ws) as never));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      const r = await run(`wss://localhost:${port}/mqtt`, { mqttVersion: '3.1.1' });
      assert.equal(r.ok, true, JSON.stringify({ d: r.diagnosis, s: r.steps }));
      assert.ok(r.steps.some((s) => s.name === 'websocket' && s.status === 'ok'));
      assert.equal(r.mqtt?.roundTrip?.ok, true);
      const wrongPath = await run(`wss://localhost:${port}/nothing`, { mqttVersion: '3.1.1' });
      assert.equal(wrongPath.ok, false);
      assert.deepEqual(wrongPath.diagnosis.filter((d) => d.severity === 'error').map((d) => d.kind), ['websocket_failed']);
    } finally {
      wss.close();
      await new Promise<void>((r) => broker.close(() => r()));
      server.closeAllConnections();
      server.close();
    }
  });

  for (const tlsVersion of ['1.2', '1.3'] as const) {
    it(`TLS ${tlsVersion}: a revoked client is reported as certificate_revoked from mosquitto's real alert`, async () => {
      const r = await run(`mqtts://localhost:${mqtts.port}`, {
        tlsVersion, cert: pem(pki.clientRevoked.certPath), key: pem(pki.clientRevoked.keyPath),
        context: { revocations: [{ serialHex: pki.clientRevoked.serialHex, reason: 'keyCompromise', source: 'the CRL in issuing.crl.pem' }] },
      });
      assert.equal(r.ok, false);
      const alert = r.alerts.find((a) => a.direction === 'received');
      assert.equal(alert?.name, 'certificate_revoked');
      assert.equal(alert?.number, 44);
      assert.equal(alert?.phase, tlsVersion === '1.2' ? 'during-handshake' : 'after-handshake');
      const diag = r.diagnosis.find((d) => d.kind === 'revoked');
      assert.match(diag?.cause ?? '', /The CRL in issuing\.crl\.pem lists it as revoked, reason keyCompromise/);
      assert.equal(r.mqtt?.connack, undefined);
    });
  }

  it('no client certificate: mosquitto demands one (certificate_required on TLS 1.3)', async () => {
    const r = await probe({ url: `mqtts://localhost:${mqtts.port}`, ca: pem(pki.chainFile), timeoutMs: 5000 });
    assert.equal(r.ok, false);
    assert.equal(r.alerts.find((a) => a.direction === 'received')?.name, 'certificate_required', JSON.stringify(r, null, 1).slice(0, 3000));
    assert.ok(r.diagnosis.some((d) => d.kind === 'certificate_required'));
  });

  for (const mqtt of ['3.1.1', '5'] as const) {
    it(`MQTT ${mqtt}: TLS works but mosquitto refuses the CONNECT (allow_anonymous false): not authorized`, async () => {
      const closed = await startMosquitto({ dir: tmp.dir, cafile: pki.chainFile, certfile: pki.server.certPath, keyfile: pki.server.keyPath, requireCertificate: true, allowAnonymous: false });
      try {
        const r = await run(`mqtts://localhost:${closed.port}`, { mqttVersion: mqtt, username: 'someone', password: 'not-printed-anywhere' });
        assert.equal(r.ok, false);
        assert.equal(r.mqtt?.connack?.code, mqtt === '5' ? 0x87 : 5);
        assert.deepEqual(r.diagnosis.filter((d) => d.severity === 'error').map((d) => d.kind), ['not_authorized']);
        assert.doesNotMatch(JSON.stringify(r), /not-printed-anywhere/);
      } finally {
        await closed.stop();
      }
    });
  }

  it('user name and password: a wrong password is refused as not authorized, the right one works', async () => {
    const passwd = join(tmp.dir, 'passwd');
    await run0('mosquitto_passwd', ['-b', '-c', passwd, 'device', 'right-password']);
    const locked = await startMosquitto({ dir: tmp.dir, cafile: pki.chainFile, certfile: pki.server.certPath, keyfile: pki.server.keyPath, requireCertificate: true, allowAnonymous: false, passwordFile: passwd });
    try {
      // mosquitto 2 answers a wrong password with "not authorised" (5 / 0x87), not "bad user name or password".
      for (const mqttVersion of ['3.1.1', '5'] as const) {
        const wrong = await run(`mqtts://localhost:${locked.port}`, { username: 'device', password: 'wrong-password', mqttVersion });
        assert.equal(wrong.mqtt?.connack?.code, mqttVersion === '5' ? 0x87 : 5);
        assert.deepEqual(wrong.diagnosis.filter((d) => d.severity === 'error').map((d) => d.kind), ['not_authorized']);
        assert.match(wrong.diagnosis.find((d) => d.kind === 'not_authorized')!.cause, /user name "device" was sent/);
        assert.doesNotMatch(JSON.stringify(wrong), /wrong-password/);
      }
      const right = await run(`mqtts://localhost:${locked.port}`, { username: 'device', password: 'right-password' });
      assert.equal(right.ok, true, JSON.stringify(right.diagnosis));
    } finally {
      await locked.stop();
    }
  });

  it('MQTT 5 to a 3.1.1-only broker is diagnosed as protocol version refused', async () => {
    // aedes speaks MQTT 5 since 2.0: in front of it, refuse protocol level 5 the way a 3.1.1-only
    // broker (mosquitto 1.x, aedes 1.x) does: a 3.1.1 CONNACK "unacceptable protocol version" (1).
    const broker = await Aedes.createBroker();
    const server = tls.createServer({ cert: readFileSync(pki.server.certPath), key: readFileSync(pki.server.keyPath), ca: readFileSync(pki.chainFile) }, (s) => {
      s.once('data', (chunk: Buffer) => {
        if (connectProtocolLevel(chunk) === 5) {
          s.end(Buffer.from([0x20, 0x02, 0x00, 0x01]));
          return;
        }
        s.unshift(chunk);
        broker.handle(s);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      const r5 = await probe({ url: `mqtts://localhost:${port}`, ca: pem(pki.chainFile), mqttVersion: '5', timeoutMs: 5000 });
      assert.equal(r5.ok, false);
      assert.equal(r5.mqtt?.connack?.answeredAs, '3.1.1');
      assert.equal(r5.mqtt?.connack?.code, 1);
      assert.deepEqual(r5.diagnosis.map((d) => d.kind), ['mqtt_protocol_version']);
      assert.match(r5.diagnosis[0].fix, /--mqtt 3\.1\.1/);
      const r3 = await probe({ url: `mqtts://localhost:${port}`, ca: pem(pki.chainFile), mqttVersion: '3.1.1', timeoutMs: 5000 });
      assert.equal(r3.ok, true, JSON.stringify(r3.diagnosis));
    } finally {
      await new Promise<void>((r) => broker.close(() => r()));
      server.close();
    }
  });
});

/** The protocol level byte of an MQTT CONNECT packet (fixed header, remaining length, "MQTT", level). */
function connectProtocolLevel(b: Buffer): number | undefined {
  if (b[0] !== 0x10) return undefined;
  let i = 1;
  while (i < 5 && (b[i] & 0x80)) i++;
  return b[i + 1 + 2 + 4];
}
