// Limits real brokers have, driven with raw sockets: the maximum MQTT packet size (EMQX
// max_packet_size) and the same handshake and idle timeouts on the WebSocket listener as on the
// TLS listener.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as tls from 'node:tls';
import * as mqttPacket from 'mqtt-packet';
import type { BrokerPki } from './brokerPki';
import { brokerSuite, type RunningBroker } from './harness';

const PARTIAL_HELLO = Buffer.from('16030100c8010000c40303', 'hex');

/** An MQTT packet, encoded by mqtt-packet (the codec mqtt.js uses). */
function encode(p: Record<string, unknown>): Buffer {
  return mqttPacket.generate(p as unknown as mqttPacket.Packet, { protocolVersion: (p.protocolVersion as number | undefined) ?? 5 });
}

/** CONNECT, clean session, keepalive 0 (no MQTT timer would close the connection). */
function connectPacket(level: 4 | 5, clientId: string): Buffer {
  return encode({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: level, clean: true, keepalive: 0, clientId });
}

function publish(level: 4 | 5, payloadBytes: number): Buffer {
  return mqttPacket.generate({ cmd: 'publish', topic: 'big/topic', payload: Buffer.alloc(payloadBytes, 0x61), qos: 0, retain: false, dup: false }, { protocolVersion: level });
}

/** The first bytes of a QoS 0 PUBLISH that declares `remaining` bytes (about) but sends only a few. */
function publishHeader(level: 4 | 5, remaining: number): Buffer {
  return publish(level, remaining).subarray(0, 32);
}

interface Conn {
  s: tls.TLSSocket;
  received(): Buffer;
  /** Resolves once `n` bytes came after the CONNACK, or the connection closed (no clock involved). */
  bytes(n: number): Promise<void>;
  closed: Promise<void>;
}

async function mqttConnect(pki: BrokerPki, port: number, level: 4 | 5, clientId: string): Promise<Conn> {
  const s = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: readFileSync(pki.root.certPath), cert: readFileSync(pki.good.certPath), key: readFileSync(pki.good.keyPath) });
  s.on('error', () => undefined);
  let buf = Buffer.alloc(0);
  let ended = false;
  const waiters: Array<() => void> = [];
  const wake = (): void => { for (const w of waiters.splice(0)) w(); };
  s.on('data', (d: Buffer) => { buf = Buffer.concat([buf, d]); wake(); });
  const closed = new Promise<void>((r) => s.once('close', () => { ended = true; wake(); r(); }));
  const until = async (done: () => boolean): Promise<void> => {
    while (!done() && !ended) await new Promise<void>((r) => waiters.push(r));
  };
  await new Promise((r) => s.once('secureConnect', r));
  s.write(connectPacket(level, clientId));
  await until(() => buf.length >= 2 && buf.length >= 2 + buf[1]);
  assert.equal(buf[0], 0x20, 'CONNACK expected');
  const connackLen = 2 + buf[1];
  const rest = (): Buffer => buf.subarray(connackLen);
  return { s, received: rest, bytes: (n) => until(() => rest().length >= n), closed };
}

describe('broker limits', function () {
  this.timeout(120_000);
  // Legitimate handshakes get a long timeout: on a starved machine one can take longer than a short
  // one, and the test would measure the machine. The handshake timeout has its own broker below.
  const suite = brokerSuite({ max_packet_size: '4KB', handshake_timeout: '60s', idle_timeout: '3s' });
  let pki: BrokerPki;
  let b: RunningBroker;
  beforeEach(() => ({ pki, b } = suite));

  it('MQTT 5: a PUBLISH declaring more than max_packet_size gets DISCONNECT 0x95 (packet too large) before its body arrives', async () => {
    const c = await mqttConnect(pki, b.port, 5, 'big-v5');
    const from = b.events.length;
    c.s.write(publishHeader(5, 2 * 1024 * 1024));
    await c.closed;
    assert.deepEqual([...c.received()], [0xe0, 0x02, 0x95, 0x00], 'DISCONNECT, reason code 0x95, no properties');
    const e = await b.waitFor((x) => x.type === 'mqtt' && x.action === 'error' && x.clientId === 'big-v5' && b.events.indexOf(x) >= from);
    assert.match((e as { detail?: string }).detail ?? '', /packet too large/);
  });

  it('MQTT 3.1.1: the same PUBLISH closes the connection without a DISCONNECT (3.1.1 has none from the server)', async () => {
    const c = await mqttConnect(pki, b.port, 4, 'big-v4');
    c.s.write(publishHeader(4, 2 * 1024 * 1024));
    await c.closed;
    assert.equal(c.received().length, 0);
  });

  it('the limit is the setting: a 3 KB PUBLISH passes, a 5 KB one is refused', async () => {
    const ok = await mqttConnect(pki, b.port, 5, 'small-v5');
    ok.s.write(publish(5, 3 * 1024));
    // A PINGREQ answered after the PUBLISH shows the connection survived it.
    ok.s.write(Buffer.from([0xc0, 0x00]));
    await ok.bytes(2);
    assert.deepEqual([...ok.received()], [0xd0, 0x00], 'PINGRESP');
    ok.s.end();
    const big = await mqttConnect(pki, b.port, 5, 'bigger-v5');
    big.s.write(publish(5, 5 * 1024));
    await big.closed;
    assert.deepEqual([...big.received()], [0xe0, 0x02, 0x95, 0x00]);
  });

  it('a CONNECT declaring more than max_packet_size is closed before any CONNACK', async () => {
    const s = tls.connect({ host: '127.0.0.1', port: b.port, servername: 'localhost', ca: readFileSync(pki.root.certPath), cert: readFileSync(pki.good.certPath), key: readFileSync(pki.good.keyPath) });
    s.on('error', () => undefined);
    let got = 0;
    s.on('data', (d: Buffer) => { got += d.length; });
    const closed = new Promise((r) => s.once('close', r));
    await new Promise((r) => s.once('secureConnect', r));
    // A CONNECT whose will message makes it 2 MB: only its first bytes are sent.
    s.write(encode({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 5, clean: true, keepalive: 0, clientId: 'huge', will: { topic: 'w', payload: Buffer.alloc(2 * 1024 * 1024), qos: 0, retain: false } }).subarray(0, 32));
    await closed;
    assert.equal(got, 0);
  });

  it('wss: TLS without a WebSocket upgrade is closed after idle_timeout', async () => {
    const from = b.events.length;
    const s = tls.connect({ host: '127.0.0.1', port: b.wssPort, servername: 'localhost', ca: readFileSync(pki.root.certPath), cert: readFileSync(pki.good.certPath), key: readFileSync(pki.good.keyPath) });
    s.on('error', () => undefined);
    await new Promise((r) => s.once('secureConnect', r));
    await new Promise((r) => s.once('close', r));
    const e = await b.waitFor((x) => x.type === 'log' && b.events.indexOf(x) >= from && /no WebSocket upgrade within 3s/.test(x.message));
    assert.equal(e.type, 'log');
  });

  it('wss: an upgraded WebSocket that never sends CONNECT is closed after idle_timeout', async () => {
    const s = tls.connect({ host: '127.0.0.1', port: b.wssPort, servername: 'localhost', ca: readFileSync(pki.root.certPath), cert: readFileSync(pki.good.certPath), key: readFileSync(pki.good.keyPath) });
    s.on('error', () => undefined);
    let text = '';
    s.on('data', (d: Buffer) => { text += d.toString('latin1'); });
    await new Promise((r) => s.once('secureConnect', r));
    s.write('GET /mqtt HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n');
    await new Promise((r) => s.once('close', r));
    assert.match(text, /^HTTP\/1\.1 101 /);
  });

  describe('with a 2 s handshake timeout', () => {
    const short = brokerSuite({ handshake_timeout: '2s' });
    it('wss: a half-finished TLS handshake is closed after handshake_timeout', async () => {
      const from = short.b.events.length;
      const s = net.connect(short.b.wssPort, '127.0.0.1');
      s.on('error', () => undefined);
      s.write(PARTIAL_HELLO);
      await new Promise((r) => s.once('close', r));
      const e = await short.b.waitFor((x) => x.type === 'handshakeFailed' && x.transport === 'wss' && short.b.events.indexOf(x) >= from);
      assert.equal((e as { message: string }).message, 'handshake not finished within 2s');
    });
  });
});
