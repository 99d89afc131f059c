// The broker under hostile or careless clients, and its clean shutdown.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import { run } from '../../support/run';
import { makeTempDir } from '../../support/tmp';
import { makeBrokerPki, type BrokerPki } from './brokerPki';
import { baseOptions, startBroker, type RunningBroker } from './harness';
import { TlsMqttBroker } from '../../../src/core/broker/broker';
import { resolveBrokerConfig } from '../../../src/core/broker/config';

// A real TLS 1.2/1.3 ClientHello prefix: record header + handshake header, then nothing more.
const PARTIAL_HELLO = Buffer.from('16030100c8010000c40303', 'hex');

function tlsOptions(pki: BrokerPki, port: number): tls.ConnectionOptions {
  return { host: '127.0.0.1', port, servername: 'localhost', ca: readFileSync(pki.root.certPath), cert: readFileSync(pki.good.certPath), key: readFileSync(pki.good.keyPath) };
}

function closed(s: net.Socket): Promise<void> {
  return new Promise((r) => { if (s.destroyed) r(); else s.once('close', () => r()); });
}

async function goodClientWorks(pki: BrokerPki, b: RunningBroker): Promise<void> {
  const c = mqtt.connect(`mqtts://127.0.0.1:${b.port}`, { ca: readFileSync(pki.root.certPath), cert: readFileSync(pki.good.certPath), key: readFileSync(pki.good.keyPath), reconnectPeriod: 0, protocolVersion: 4 });
  await new Promise<void>((r, j) => { c.once('connect', () => r()); c.once('error', j); });
  await new Promise<void>((r) => c.end(false, {}, () => r()));
}

describe('broker robustness', function () {
  this.timeout(240_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let pki: BrokerPki;
  let b: RunningBroker;
  /** A broker whose handshake timeout is short enough to test; no legitimate client uses it. */
  let short: RunningBroker;
  before(async () => {
    tmp = makeTempDir();
    pki = await makeBrokerPki(tmp.dir);
    // Legitimate handshakes go to `b`: on a starved machine one can take longer than any short
    // timeout, and then the test would measure the machine, not the broker.
    b = await startBroker(pki, { handshake_timeout: '60s', idle_timeout: '3s' });
    short = await startBroker(pki, { handshake_timeout: '2s', idle_timeout: '3s' });
  });
  after(async () => {
    await b?.stop();
    await short?.stop();
    tmp?.cleanup();
  });

  it('garbage bytes are a reported handshake failure, not a crash', async () => {
    const from = b.events.length;
    const s = net.connect(b.port, '127.0.0.1');
    s.on('error', () => undefined);
    s.write(randomBytes(4096));
    s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await closed(s);
    const e = await b.waitFor((x) => x.type === 'handshakeFailed' && b.events.indexOf(x) >= from);
    assert.match((e as { message: string }).message, /^TLS handshake failed: /);
    await goodClientWorks(pki, b);
  });

  it('a half-finished handshake is closed after handshake_timeout', async () => {
    const from = short.events.length;
    const s = net.connect(short.port, '127.0.0.1');
    s.on('error', () => undefined);
    s.write(PARTIAL_HELLO);
    await closed(s);
    const e = await short.waitFor((x) => x.type === 'handshakeFailed' && short.events.indexOf(x) >= from);
    assert.equal((e as { message: string }).message, 'handshake not finished within 2s');
  });

  it('a client that leaves in the middle of the handshake is reported as such', async () => {
    const from = b.events.length;
    const s = net.connect(b.port, '127.0.0.1');
    s.on('error', () => undefined);
    s.write(PARTIAL_HELLO);
    setTimeout(() => s.end(), 50);
    const e = await b.waitFor((x) => x.type === 'handshakeFailed' && b.events.indexOf(x) >= from);
    assert.match((e as { message: string }).message, /^(connection closed during the TLS handshake|TLS handshake failed: .*)$/);
    assert.doesNotMatch((e as { message: string }).message, /not finished within/);
  });

  it('a slow client dribbling its ClientHello is closed after handshake_timeout', async () => {
    const s = net.connect(short.port, '127.0.0.1');
    s.on('error', () => undefined);
    let i = 0;
    const t = setInterval(() => { if (i < PARTIAL_HELLO.length && !s.destroyed) s.write(PARTIAL_HELLO.subarray(i, ++i)); }, 100);
    await closed(s);
    clearInterval(t);
    assert.ok(short.events.some((x) => x.type === 'handshakeFailed'));
  });

  it('TLS without MQTT CONNECT is closed after idle_timeout', async () => {
    const s = tls.connect(tlsOptions(pki, b.port));
    s.on('error', () => undefined);
    await new Promise((r) => s.once('secureConnect', r));
    await closed(s);
  });

  it('malformed MQTT packets and an unknown protocol level (6) close that connection only', async () => {
    for (const bytes of [Buffer.from('ffffffffff00', 'hex'), randomBytes(512), Buffer.from('101000044d5154540602003c000003616263', 'hex')]) {
      const from = b.events.length;
      const s = tls.connect(tlsOptions(pki, b.port));
      s.on('error', () => undefined);
      s.on('data', () => undefined);
      await new Promise((r) => s.once('secureConnect', r));
      s.write(bytes);
      await closed(s);
      assert.ok(b.events.slice(from).some((e) => e.type === 'connection' && e.outcome === 'accepted'));
    }
    assert.ok(b.events.some((e) => e.type === 'mqtt' && e.action === 'error'));
    await goodClientWorks(pki, b);
  });

  it('a corrupted TLS record after the handshake closes that connection', async function () {
    this.timeout(20_000);
    const raw = net.connect(b.port, '127.0.0.1');
    const s = tls.connect({ ...tlsOptions(pki, b.port), socket: raw });
    s.on('error', () => undefined);
    await new Promise((r) => s.once('secureConnect', r));
    // MQTT CONNECT with keepalive 0: no MQTT timeout would ever close this connection.
    s.write(Buffer.from('100d00044d51545404020000000162', 'hex'));
    await new Promise((r) => s.once('data', r));
    raw.write(Buffer.concat([Buffer.from([0x17, 0x03, 0x03, 0x00, 0x40]), randomBytes(0x40)]));
    await closed(s);
    await goodClientWorks(pki, b);
  });

  it('TLS 1.2 renegotiation (a chance to swap certificates after the check) is refused', async () => {
    const s = tls.connect({ ...tlsOptions(pki, b.port), maxVersion: 'TLSv1.2' });
    const error = new Promise<Error>((r) => s.once('error', r));
    await new Promise((r) => s.once('secureConnect', r));
    s.renegotiate({}, () => undefined);
    assert.match((await error).message, /no renegotiation/);
    s.destroy();
  });

  it('1,000 concurrent TLS connections', async () => {
    // Its own broker: 1,000 handshakes on a loaded 2-core machine need more than 2 s.
    const big = await startBroker(pki, { wssPort: null, handshake_timeout: '120s', idle_timeout: '120s' });
    const port = big.port;
    const sockets: tls.TLSSocket[] = [];
    const done: Array<Promise<void>> = [];
    for (let i = 0; i < 1000; i++) {
      const s = tls.connect({ ...tlsOptions(pki, port), minVersion: i % 2 ? 'TLSv1.2' : 'TLSv1.3' });
      let error = '';
      s.on('error', (e) => { error = e.message; });
      sockets.push(s);
      done.push(new Promise((r, j) => { s.once('secureConnect', () => r()); s.once('close', () => j(new Error(`connection ${i} closed before the handshake: ${error}`))); }));
    }
    try {
      await Promise.all(done);
      // On TLS 1.3 the client finishes before the server has read its Finished: wait for the server side.
      let n = 0;
      await big.waitFor((e) => e.type === 'connection' && e.outcome === 'accepted' && ++n === 1000, 60_000);
      assert.equal(big.broker.state().stats.accepted, 1000);
      assert.ok(big.broker.state().stats.openConnections >= 1000, `open: ${big.broker.state().stats.openConnections}`);
      for (const s of sockets) s.destroy();
      await goodClientWorks(pki, big);
    } finally {
      for (const s of sockets) s.destroy();
      await big.stop();
    }
  });

  it('stop() during start() waits for it and leaves nothing listening; a stopped broker does not restart', async () => {
    const broker = new TlsMqttBroker(resolveBrokerConfig({ ...baseOptions(pki), port: 0, wssPort: 0 }));
    const starting = broker.start();
    const stopping = broker.stop();
    const listeners = await starting;
    await stopping;
    assert.equal(listeners.length, 2);
    assert.equal(broker.state().running, false);
    for (const l of listeners) {
      const srv = net.createServer();
      await new Promise<void>((r, j) => { srv.once('error', j); srv.listen(l.port, '127.0.0.1', () => r()); });
      await new Promise<void>((r) => srv.close(() => r()));
    }
    await assert.rejects(broker.start(), /this broker was stopped: create a new one/);
  });

  it('stop() releases ports, sockets and timers: the port binds again and the process exits by itself', async () => {
    const child = join(__dirname, 'fixtures', 'stop-child.mts');
    const r = await run(process.execPath, ['--import', 'tsx', child, pki.server.certPath, pki.server.keyPath, pki.intermediate.certPath, pki.clientCaPath,
      pki.rootCrlPath, pki.intermediateCrlPath, pki.root.certPath, pki.good.certPath, pki.good.keyPath], { timeout: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { ports: number[]; resources: string[] };
    assert.equal(out.ports.length, 2);
    // (Immediates are the child's own pending callbacks; that it exited at all is the real proof.)
    const leaks = out.resources.filter((x) => /TCP|Timeout|FSEvent|Stat/.test(x));
    assert.deepEqual(leaks, []);
  });
});
