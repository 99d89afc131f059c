// MQTT 5 (and 3.1 / 3.1.1) through the local broker with real peers: mosquitto_pub/mosquitto_sub
// -V mqttv5 and mqtt.js v5 clients, over TLS and WebSocket + TLS, with and without client
// certificates. What the README says of MQTT 5 support is what these tests check.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import mqtt, { type MqttClient, type IClientOptions, type IPublishPacket, type IConnackPacket } from 'mqtt';
import { run } from '../../support/run';
import { makeTempDir } from '../../support/tmp';
import { makeBrokerPki, type BrokerPki } from '../../unit/broker/brokerPki';
import { startBroker, type RunningBroker } from '../../unit/broker/harness';
import type { OpensslCert } from '../../support/openssl-pki';

interface Connected {
  c: MqttClient;
  connack: IConnackPacket;
}

function connect(url: string, pki: BrokerPki, cert: OpensslCert | undefined, opts: IClientOptions = {}): Promise<Connected> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, {
      ca: readFileSync(pki.root.certPath),
      ...(cert ? { cert: readFileSync(cert.certPath), key: readFileSync(cert.keyPath) } : {}),
      reconnectPeriod: 0, protocolVersion: 5, connectTimeout: 10_000, ...opts,
    });
    c.once('connect', (connack) => resolve({ c, connack }));
    c.once('error', (e) => { c.end(true); reject(e); });
  });
}

function nextMessage(c: MqttClient): Promise<{ topic: string; payload: string; packet: IPublishPacket }> {
  return new Promise((resolve) => c.once('message', (topic, payload, packet) => resolve({ topic, payload: String(payload), packet })));
}

function end(c: MqttClient): Promise<void> {
  return new Promise((r) => c.end(false, {}, () => r()));
}

function mosqArgs(port: number, pki: BrokerPki, cert: OpensslCert | undefined, version: string): string[] {
  return ['-h', '127.0.0.1', '-p', String(port), '--cafile', pki.root.certPath, ...(cert ? ['--cert', cert.certPath, '--key', cert.keyPath] : []), '-V', version];
}

/** mosquitto_sub for one message; resolves once it subscribed, with a promise of its output. */
async function mosquittoSub(b: RunningBroker, args: string[], id: string): Promise<{ exited: Promise<{ code: number; out: string; err: string }> }> {
  const sub = spawn('mosquitto_sub', [...args, '-C', '1', '-W', '20', '-i', id], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  sub.stdout.on('data', (d) => { out += d; });
  sub.stderr.on('data', (d) => { err += d; });
  const exited = new Promise<{ code: number; out: string; err: string }>((r) => sub.on('exit', (code) => r({ code: code ?? -1, out, err })));
  await b.waitFor((e) => e.type === 'mqtt' && e.action === 'subscribe' && e.clientId === id);
  return { exited };
}

describe('broker: MQTT 5 with real clients', function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let pki: BrokerPki;
  let b: RunningBroker;
  /** verify_none: server-authenticated TLS only, clients send no certificate. */
  let open: RunningBroker;

  before(async () => {
    tmp = makeTempDir();
    pki = await makeBrokerPki(tmp.dir);
    b = await startBroker(pki);
    open = await startBroker(pki, { verify: 'verify_none', enable_crl_check: false, crl_files: [] });
  });
  after(async () => {
    await b?.stop();
    await open?.stop();
    tmp?.cleanup();
  });

  for (const withCert of [true, false]) {
    it(`mosquitto_pub -V mqttv5 -> mosquitto_sub -V mqttv5: user properties round trip (${withCert ? 'client certificate' : 'no client certificate'})`, async () => {
      const broker = withCert ? b : open;
      const cert = withCert ? pki.good : undefined;
      const id = `m5-sub-${withCert}`;
      const done = await mosquittoSub(broker, [...mosqArgs(broker.port, pki, cert, 'mqttv5'), '-t', 'v5/#', '-F', '%t %p %P'], id);
      const pub = await run('mosquitto_pub', [...mosqArgs(broker.port, pki, cert, 'mqttv5'), '-t', 'v5/temp', '-m', '21.5', '-q', '2', '-i', `m5-pub-${withCert}`,
        '-D', 'publish', 'user-property', 'site', 'lab-1', '-D', 'publish', 'content-type', 'text/plain']);
      assert.equal(pub.code, 0, pub.stderr);
      const r = await done.exited;
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out.trim(), 'v5/temp 21.5 site:lab-1');
      const listed = broker.events.find((e) => e.type === 'mqtt' && e.action === 'connect' && e.clientId === `m5-pub-${withCert}`);
      assert.equal(listed?.type === 'mqtt' && listed.mqttVersion, '5.0');
    });
  }

  for (const transport of ['mqtts', 'wss'] as const) {
    for (const withCert of [true, false]) {
      const label = `${transport}, ${withCert ? 'client certificate' : 'no client certificate'}`;
      const url = (broker: RunningBroker): string => (transport === 'mqtts' ? `mqtts://127.0.0.1:${broker.port}` : `wss://127.0.0.1:${broker.wssPort}/mqtt`);
      for (const qos of [0, 1, 2] as const) {
        it(`mqtt.js v5 QoS ${qos} with properties (${label})`, async () => {
          const broker = withCert ? b : open;
          const cert = withCert ? pki.good : undefined;
          const id = `v5-${transport}-${withCert}-${qos}`;
          const sub = await connect(url(broker), pki, cert, { clientId: `${id}-sub` });
          const pub = await connect(url(broker), pki, cert, { clientId: `${id}-pub` });
          const granted = await sub.c.subscribeAsync(`p/${id}`, { qos });
          assert.equal(granted[0].qos, qos);
          const got = nextMessage(sub.c);
          await pub.c.publishAsync(`p/${id}`, 'hello', {
            qos,
            properties: { userProperties: { site: 'lab-1' }, contentType: 'text/plain', responseTopic: 'replies/1', correlationData: Buffer.from('c-1'), payloadFormatIndicator: true },
          });
          const m = await got;
          assert.equal(m.payload, 'hello');
          assert.equal(m.packet.qos, qos);
          assert.deepEqual({ ...m.packet.properties?.userProperties }, { site: 'lab-1' });
          assert.equal(m.packet.properties?.contentType, 'text/plain');
          assert.equal(m.packet.properties?.responseTopic, 'replies/1');
          assert.equal(String(m.packet.properties?.correlationData), 'c-1');
          const listed = broker.broker.clients().find((c) => c.clientId === `${id}-sub`);
          assert.deepEqual([listed?.mqttVersion, listed?.transport, listed?.clientCert?.subject], ['5.0', transport, withCert ? 'CN=good-device' : undefined]);
          await end(sub.c);
          await end(pub.c);
        });
      }
    }
  }

  it('a 3.1.1 client and a 5.0 client exchange messages both ways; a 3.1 client joins too', async () => {
    const url = `mqtts://127.0.0.1:${b.port}`;
    const v5 = await connect(url, pki, pki.good, { clientId: 'mix-v5' });
    const v4 = await connect(url, pki, pki.good, { clientId: 'mix-v4', protocolVersion: 4 });
    const v3 = await connect(url, pki, pki.good, { clientId: 'mix-v3', protocolVersion: 3, protocolId: 'MQIsdp' });
    await v5.c.subscribeAsync('mix/to5', { qos: 1 });
    await v4.c.subscribeAsync('mix/to4', { qos: 1 });
    await v3.c.subscribeAsync('mix/to4', { qos: 1 });
    const at5 = nextMessage(v5.c);
    const at4 = nextMessage(v4.c);
    const at3 = nextMessage(v3.c);
    await v4.c.publishAsync('mix/to5', 'from 3.1.1', { qos: 1 });
    await v5.c.publishAsync('mix/to4', 'from 5.0', { qos: 1, properties: { userProperties: { dropped: 'for v4' } } });
    assert.equal((await at5).payload, 'from 3.1.1');
    const m4 = await at4;
    assert.equal(m4.payload, 'from 5.0');
    assert.equal(m4.packet.properties, undefined, 'a 3.1.1 subscriber receives no MQTT 5 properties');
    assert.equal((await at3).payload, 'from 5.0');
    const versions = Object.fromEntries(b.broker.clients().filter((c) => c.clientId.startsWith('mix-')).map((c) => [c.clientId, c.mqttVersion]));
    assert.deepEqual(versions, { 'mix-v5': '5.0', 'mix-v4': '3.1.1', 'mix-v3': '3.1' });
    await Promise.all([end(v5.c), end(v4.c), end(v3.c)]);
  });

  it('CONNACK advertises topic aliases, maximum packet size and no shared subscriptions; $share is refused with 0x9E', async () => {
    const { c, connack } = await connect(`mqtts://127.0.0.1:${b.port}`, pki, pki.good, { clientId: 'caps' });
    assert.equal(connack.reasonCode, 0);
    assert.equal(connack.properties?.topicAliasMaximum, 65535);
    assert.equal(connack.properties?.maximumPacketSize, 1024 * 1024);
    assert.equal(connack.properties?.sharedSubscriptionAvailable, false);
    await assert.rejects(c.subscribeAsync('$share/group/jobs', { qos: 1 }), (e: Error & { packet?: { reasonCode?: number[] | number } }) => {
      assert.match(e.message, /Shared Subscriptions not supported/);
      return true;
    });
    await end(c);
  });

  it('topic aliases: a publish by alias reaches the subscriber under the full topic', async () => {
    const url = `mqtts://127.0.0.1:${b.port}`;
    const sub = await connect(url, pki, pki.good, { clientId: 'alias-sub' });
    const pub = await connect(url, pki, pki.good, { clientId: 'alias-pub' });
    await sub.c.subscribeAsync('alias/#', { qos: 1 });
    const first = nextMessage(sub.c);
    await pub.c.publishAsync('alias/long/topic/name', 'one', { qos: 1, properties: { topicAlias: 7 } });
    assert.equal((await first).topic, 'alias/long/topic/name');
    const second = nextMessage(sub.c);
    await pub.c.publishAsync('', 'two', { qos: 1, properties: { topicAlias: 7 } });
    const m = await second;
    assert.deepEqual([m.topic, m.payload], ['alias/long/topic/name', 'two']);
    await Promise.all([end(sub.c), end(pub.c)]);
  });

  it('session expiry: a session with an expiry interval keeps its subscription and queued QoS 1 messages; interval 0 does not', async () => {
    const url = `mqtts://127.0.0.1:${b.port}`;
    const first = await connect(url, pki, pki.good, { clientId: 'sess', clean: false, properties: { sessionExpiryInterval: 60 } });
    await first.c.subscribeAsync('sess/q', { qos: 1 });
    const from = b.events.length;
    await end(first.c);
    // Publish once the broker has taken the session offline (else the message races the close).
    await b.waitFor((e) => e.type === 'mqtt' && e.action === 'disconnect' && e.clientId === 'sess' && b.events.indexOf(e) >= from);
    const pub = await connect(url, pki, pki.good, { clientId: 'sess-pub' });
    await pub.c.publishAsync('sess/q', 'while away', { qos: 1 });
    await end(pub.c);
    const again = new Promise<{ c: MqttClient; connack: IConnackPacket; msg: Promise<string> }>((resolve, reject) => {
      const c = mqtt.connect(url, {
        ca: readFileSync(pki.root.certPath), cert: readFileSync(pki.good.certPath), key: readFileSync(pki.good.keyPath),
        reconnectPeriod: 0, protocolVersion: 5, clientId: 'sess', clean: false, properties: { sessionExpiryInterval: 60 },
      });
      const msg = new Promise<string>((r) => c.once('message', (_t, p) => r(String(p))));
      c.once('connect', (connack) => resolve({ c, connack, msg }));
      c.once('error', reject);
    });
    const r = await again;
    assert.equal(r.connack.sessionPresent, true);
    assert.equal(await r.msg, 'while away');
    await end(r.c);
    // Interval 0: the session ends with the connection.
    const short = await connect(url, pki, pki.good, { clientId: 'sess', clean: false, properties: { sessionExpiryInterval: 0 } });
    assert.equal(short.connack.sessionPresent, true);
    const gone = b.events.length;
    await end(short.c);
    await b.waitFor((e) => e.type === 'mqtt' && e.action === 'disconnect' && e.clientId === 'sess' && b.events.indexOf(e) >= gone);
    const third = await connect(url, pki, pki.good, { clientId: 'sess', clean: false, properties: { sessionExpiryInterval: 60 } });
    assert.equal(third.connack.sessionPresent, false);
    await end(third.c);
  });

  it('will delay: the will is published after its delay, not at the moment the client drops', async () => {
    const url = `mqtts://127.0.0.1:${b.port}`;
    const watcher = await connect(url, pki, pki.good, { clientId: 'will-watch' });
    await watcher.c.subscribeAsync('wills/#', { qos: 1 });
    const dying = await connect(url, pki, pki.good, {
      clientId: 'will-dying',
      properties: { sessionExpiryInterval: 30 },
      will: { topic: 'wills/dying', payload: Buffer.from('gone'), qos: 1, retain: false, properties: { willDelayInterval: 2 } },
    });
    const got = nextMessage(watcher.c);
    const dropped = Date.now();
    (dying.c.stream as unknown as { destroy(): void }).destroy();
    dying.c.end(true);
    const m = await got;
    assert.equal(m.payload, 'gone');
    assert.ok(Date.now() - dropped >= 1_900, `will arrived after ${Date.now() - dropped} ms, before its 2 s delay`);
    await end(watcher.c);
  });

  it('mqtt.js v5 with the revoked certificate still gets certificate_revoked (44) over TLS and wss', async () => {
    for (const url of [`mqtts://127.0.0.1:${b.port}`, `wss://127.0.0.1:${b.wssPort}/mqtt`]) {
      const from = b.events.length;
      await assert.rejects(connect(url, pki, pki.revoked), (e: Error & { code?: string }) => {
        assert.match(`${e.code} ${e.message}`, /CERTIFICATE_REVOKED|alert certificate revoked/);
        return true;
      });
      const ev = await b.nextConnection(from);
      assert.deepEqual([ev.outcome, ev.alert?.code, ev.alert?.sent], ['rejected', 44, true]);
    }
  });
});
