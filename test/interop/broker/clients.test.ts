// Real MQTT clients through the broker: mosquitto_pub/mosquitto_sub (Debian mosquitto-clients)
// and mqtt.js over MQTT/TLS and MQTT/WebSocket/TLS.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import mqtt, { type MqttClient } from 'mqtt';
import { run } from '../../support/run';
import { makeTempDir } from '../../support/tmp';
import { makeBrokerPki, type BrokerPki } from '../../unit/broker/brokerPki';
import { startBroker, type RunningBroker } from '../../unit/broker/harness';
import type { OpensslCert } from '../../support/openssl-pki';

function tlsArgs(port: number, pki: BrokerPki, cert: OpensslCert): string[] {
  return ['-h', '127.0.0.1', '-p', String(port), '--cafile', pki.root.certPath, '--cert', cert.certPath, '--key', cert.keyPath, '-V', 'mqttv311'];
}

function connect(url: string, pki: BrokerPki, cert: OpensslCert, opts: mqtt.IClientOptions = {}): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, {
      ca: readFileSync(pki.root.certPath), cert: readFileSync(cert.certPath), key: readFileSync(cert.keyPath),
      reconnectPeriod: 0, protocolVersion: 4, connectTimeout: 10_000, ...opts,
    });
    c.once('connect', () => resolve(c));
    c.once('error', (e) => { c.end(true); reject(e); });
  });
}

function nextMessage(c: MqttClient): Promise<{ topic: string; payload: string; retain: boolean; qos: number }> {
  return new Promise((resolve) => c.once('message', (topic, payload, packet) => resolve({ topic, payload: String(payload), retain: packet.retain, qos: packet.qos })));
}

function end(c: MqttClient): Promise<void> {
  return new Promise((r) => c.end(false, {}, () => r()));
}

describe('broker with real MQTT clients', function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let pki: BrokerPki;
  let b: RunningBroker;

  before(async () => {
    tmp = makeTempDir();
    pki = await makeBrokerPki(tmp.dir);
    b = await startBroker(pki);
  });
  after(async () => {
    await b?.stop();
    tmp?.cleanup();
  });

  it('mosquitto_sub receives what mosquitto_pub publishes with a good client certificate', async () => {
    const sub = spawn('mosquitto_sub', [...tlsArgs(b.port, pki, pki.good), '-t', 'sensors/#', '-C', '1', '-W', '20', '-v', '-i', 'sub-1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    sub.stdout.on('data', (d) => { out += d; });
    sub.stderr.on('data', (d) => { err += d; });
    const exited = new Promise<number>((r) => sub.on('exit', (code) => r(code ?? -1)));
    await b.waitFor((e) => e.type === 'mqtt' && e.action === 'subscribe' && e.clientId === 'sub-1');
    const pub = await run('mosquitto_pub', [...tlsArgs(b.port, pki, pki.good), '-t', 'sensors/temp', '-m', '21.5', '-q', '1', '-i', 'pub-1']);
    assert.equal(pub.code, 0, pub.stderr);
    assert.equal(await exited, 0, err);
    assert.equal(out.trim(), 'sensors/temp 21.5');
  });

  for (const v of ['tlsv1.2', 'tlsv1.3']) {
    it(`mosquitto_pub --tls-version ${v} fails with the revoked client certificate`, async () => {
      const from = b.events.length;
      const pub = await run('mosquitto_pub', [...tlsArgs(b.port, pki, pki.revoked), '--tls-version', v, '-t', 'sensors/temp', '-m', 'x', '-i', 'pub-revoked']);
      // A real mosquitto 2.0 broker with crlfile gives mosquitto_pub exactly this (exit 7, the
      // library does not print the alert text); the alert itself is checked in alerts.test.ts.
      assert.equal(pub.code, 7, pub.stderr);
      assert.match(pub.stderr, /The connection was lost/);
      const ev = await b.nextConnection(from);
      assert.equal(ev.outcome, 'rejected');
      assert.equal(ev.alert?.name, 'certificate_revoked');
      assert.equal(ev.alert?.sent, true);
      assert.match(ev.reason ?? '', /^certificate revoked: serial/);
      assert.ok(!b.broker.clients().some((c) => c.clientId === 'pub-revoked'));
    });
  }

  for (const transport of ['mqtts', 'wss'] as const) {
    const url = (): string => (transport === 'mqtts' ? `mqtts://127.0.0.1:${b.port}` : `wss://127.0.0.1:${b.wssPort}/mqtt`);
    for (const qos of [0, 1, 2] as const) {
      it(`mqtt.js over ${transport} exchanges a QoS ${qos} message`, async () => {
        const sub = await connect(url(), pki, pki.good, { clientId: `js-sub-${transport}-${qos}` });
        const pub = await connect(url(), pki, pki.good, { clientId: `js-pub-${transport}-${qos}` });
        await sub.subscribeAsync(`q/${transport}/${qos}`, { qos });
        const got = nextMessage(sub);
        await pub.publishAsync(`q/${transport}/${qos}`, `hello ${qos}`, { qos });
        const m = await got;
        assert.deepEqual({ topic: m.topic, payload: m.payload, qos: m.qos }, { topic: `q/${transport}/${qos}`, payload: `hello ${qos}`, qos });
        const listed = b.broker.clients().find((c) => c.clientId === `js-sub-${transport}-${qos}`);
        assert.equal(listed?.transport, transport);
        assert.deepEqual(listed?.subscriptions, [`q/${transport}/${qos}`]);
        assert.equal(listed?.clientCert?.subject, 'CN=good-device');
        await end(sub);
        await end(pub);
      });
    }
    it(`mqtt.js over ${transport}: a retained message reaches a later subscriber`, async () => {
      const pub = await connect(url(), pki, pki.good);
      await pub.publishAsync(`retained/${transport}`, 'kept', { qos: 1, retain: true });
      await end(pub);
      const sub = await connect(url(), pki, pki.good);
      const got = nextMessage(sub);
      await sub.subscribeAsync(`retained/${transport}`, { qos: 1 });
      const m = await got;
      assert.deepEqual({ payload: m.payload, retain: m.retain }, { payload: 'kept', retain: true });
      await end(sub);
    });
  }

  it('mqtt.js with the revoked certificate gets the alert as an error (TLS 1.2 and 1.3)', async () => {
    for (const v of ['TLSv1.2', 'TLSv1.3'] as const) {
      await assert.rejects(connect(`mqtts://127.0.0.1:${b.port}`, pki, pki.revoked, { minVersion: v, maxVersion: v } as mqtt.IClientOptions), (e: NodeJS.ErrnoException) => {
        // mqtt.js writes CONNECT before the TLS 1.2 handshake ends, so Node reports the alert
        // from that write as EPROTO with the alert in the message (as with any OpenSSL server).
        if (e.code === 'EPROTO') assert.match(e.message, /alert certificate revoked.*SSL alert number 44/);
        else assert.equal(e.code, 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED');
        return true;
      });
    }
  });

  it('mqtt.js over wss with the revoked certificate gets the revoked alert too', async () => {
    const from = b.events.length;
    await assert.rejects(connect(`wss://127.0.0.1:${b.wssPort}/mqtt`, pki, pki.revoked), (e: Error & { code?: string }) => {
      assert.match(`${e.code} ${e.message}`, /CERTIFICATE_REVOKED|alert certificate revoked/);
      return true;
    });
    const ev = await b.nextConnection(from);
    assert.deepEqual([ev.transport, ev.outcome, ev.alert?.code], ['wss', 'rejected', 44]);
  });

  it('counts messages and lists connected clients', async () => {
    const c = await connect(`mqtts://127.0.0.1:${b.port}`, pki, pki.good, { clientId: 'counter' });
    const before = b.broker.state().stats.messagesIn;
    await c.publishAsync('count/1', 'a', { qos: 1 });
    await c.publishAsync('count/2', 'b', { qos: 1 });
    const listed = b.broker.clients().find((x) => x.clientId === 'counter');
    assert.equal(listed?.messagesIn, 2);
    assert.equal(b.broker.state().stats.messagesIn - before, 2);
    await end(c);
  });
});
