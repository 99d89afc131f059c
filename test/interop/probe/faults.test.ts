// Bad input and faults (issue 6 §6): a clear result every time, never a hang, never a rejection.
// The servers are real sockets on 127.0.0.1 behaving badly on purpose.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { probe } from '../../../src/core/probe/probe';
import type { ProbeResult } from '../../../src/core/probe/types';
import { makeTempDir } from '../../support/tmp';
import { makeProbePki, pem, type ProbePki } from './fixtures';
import { freePort, startRawServer, startSServer, type RunningPeer } from './peers';

describe('probe faults', function () {
  this.timeout(60_000);
  const tmp = makeTempDir('certscope-probe-faults-');
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

  const errorKinds = (r: ProbeResult): string[] => r.diagnosis.filter((d) => d.severity === 'error').map((d) => d.kind);

  it('unreachable port: connection refused, said plainly', async () => {
    const port = await freePort();
    const r = await probe({ url: `mqtts://127.0.0.1:${port}`, timeoutMs: 3000 });
    assert.equal(r.ok, false);
    assert.equal(r.error?.code, 'ECONNREFUSED');
    assert.deepEqual(errorKinds(r), ['refused']);
    assert.match(r.diagnosis[0].cause, new RegExp(`Nothing listens on 127\\.0\\.0\\.1:${port}`));
  });

  it('a host name that does not resolve', async () => {
    const r = await probe({ url: 'mqtts://no-such-host.invalid:8883', timeoutMs: 3000 });
    assert.equal(r.ok, false);
    assert.deepEqual(errorKinds(r), ['dns']);
  });

  it('a plain (non-TLS) MQTT-like server answering with bytes: not TLS', async () => {
    const p = await startRawServer((s) => s.once('data', () => s.end(Buffer.from([0x20, 0x02, 0x00, 0x05]))));
    peers.push(p);
    const r = await probe({ url: `mqtts://127.0.0.1:${p.port}`, timeoutMs: 3000 });
    assert.equal(r.ok, false);
    assert.deepEqual(errorKinds(r), ['not_tls']);
  });

  it('an HTTP server on the port: not TLS, and the first bytes are shown', async () => {
    const p = await startRawServer((s) => s.once('data', () => s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')));
    peers.push(p);
    const r = await probe({ url: `tls://127.0.0.1:${p.port}`, timeoutMs: 3000 });
    assert.deepEqual(errorKinds(r), ['not_tls']);
    const tlsStep = r.steps.find((s) => s.name === 'tls');
    assert.ok(tlsStep?.details.some(([k, v]) => k === 'first bytes from server' && v.includes('HTTP/1.1 400')), JSON.stringify(tlsStep));
  });

  it('garbage bytes: a clear result', async () => {
    const p = await startRawServer((s) => s.end(randomBytes(512)));
    peers.push(p);
    const r = await probe({ url: `mqtts://127.0.0.1:${p.port}`, timeoutMs: 3000 });
    assert.equal(r.ok, false);
    assert.equal(r.error?.step, 'tls');
    assert.equal(errorKinds(r).length, 1);
  });

  it('a TLS-looking record with garbage inside: the probe\'s own alert is reported', async () => {
    const p = await startRawServer((s) => s.once('data', () => s.write(Buffer.concat([Buffer.from([0x16, 0x03, 0x03, 0x00, 0x40]), randomBytes(64)]))));
    peers.push(p);
    const r = await probe({ url: `tls://127.0.0.1:${p.port}`, timeoutMs: 3000 });
    assert.equal(r.ok, false);
    const sent = r.alerts.find((a) => a.direction === 'sent');
    assert.ok(sent, JSON.stringify(r.alerts));
    assert.equal(sent.evidence, 'record');
    assert.deepEqual(errorKinds(r), ['tls_protocol_error']);
    assert.match(r.diagnosis[0].cause, new RegExp(`own alert ${sent.name} \\(${sent.number}\\)`));
  });

  it('a silent server: the TLS step times out, no hang', async () => {
    const p = await startRawServer(() => undefined);
    peers.push(p);
    const r = await probe({ url: `mqtts://127.0.0.1:${p.port}`, timeoutMs: 1000 });
    assert.equal(r.ok, false);
    assert.equal(r.error?.code, 'ETIMEDOUT');
    assert.equal(r.error?.step, 'tls');
    assert.deepEqual(errorKinds(r), ['timeout']);
    assert.match(r.diagnosis[0].fix, /Is this a TLS port/);
  });

  it('a plain MQTT port that ignores the ClientHello: the extra plain-MQTT probe gets a CONNACK, so "does not speak TLS", certain', async () => {
    // Answers an MQTT CONNECT (0x10) with a CONNACK; anything else (a TLS ClientHello) gets silence.
    const p = await startRawServer((s) => s.on('data', (b: Buffer) => { if (b[0] === 0x10) s.write(Buffer.from([0x20, 0x02, 0x00, 0x00])); }));
    peers.push(p);
    const r = await probe({ url: `mqtts://127.0.0.1:${p.port}`, timeoutMs: 1000 });
    assert.equal(r.error?.code, 'ETIMEDOUT');
    assert.deepEqual(r.differential?.map((d) => [d.variant, d.plainMqtt]), [['plain MQTT (no TLS)', true]]);
    assert.equal(r.diagnosis[0].kind, 'not_tls');
    assert.equal(r.diagnosis[0].confidence, 'certain');
    assert.match(r.diagnosis[0].cause, /plain MQTT listener/);
    const off = await probe({ url: `mqtts://127.0.0.1:${p.port}`, timeoutMs: 1000, differential: false });
    assert.equal(off.differential, undefined);
    assert.deepEqual(errorKinds(off), ['timeout']);
  });

  it('a TLS server that does not speak MQTT and stays silent: no CONNACK, not MQTT', async () => {
    const s = await startSServer(['-cert', pki.server.certPath, '-key', pki.server.keyPath, '-cert_chain', pki.ca.ca.certPath]);
    peers.push(s);
    const r = await probe({ url: `mqtts://localhost:${s.port}`, ca: pem(pki.rootFile), timeoutMs: 1000 });
    assert.equal(r.ok, false);
    assert.equal(r.error?.step, 'mqtt-connect');
    assert.deepEqual(errorKinds(r), ['not_mqtt']);
  });

  it('a TLS server answering with HTTP instead of CONNACK: not MQTT, with what it said', async () => {
    const server = tls.createServer({ cert: readFileSync(pki.server.certPath), key: readFileSync(pki.server.keyPath) }, (sock) => {
      sock.on('error', () => undefined);
      sock.once('data', () => sock.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      const r = await probe({ url: `mqtts://localhost:${port}`, ca: pem(pki.chainFile), timeoutMs: 3000 });
      assert.equal(r.ok, false);
      assert.deepEqual(errorKinds(r), ['not_mqtt'], JSON.stringify(r.steps));
      const step = r.steps.find((x) => x.name === 'mqtt-connect');
      assert.ok(step?.details.some(([k, v]) => k === 'server sent' && v.includes('HTTP/1.1 400')));
    } finally {
      server.close();
    }
  });

  it('bad input: a malformed URL, a missing port, a CA file without certificates', async () => {
    const a = await probe({ url: 'not a url' });
    const b = await probe({ url: 'tls://localhost' });
    const c = await probe({ url: 'mqtts://localhost:1', ca: { pem: 'nothing here', source: 'empty.pem' } });
    const d = await probe({ url: 'mqtt://localhost:1883' });
    for (const r of [a, b, c, d]) {
      assert.equal(r.ok, false);
      assert.deepEqual(errorKinds(r), ['bad_input']);
      assert.equal(r.steps.length, 0);
    }
    assert.match(c.diagnosis[0].cause, /empty\.pem contains no PEM certificate/);
    assert.match(d.diagnosis[0].cause, /unencrypted/);
  });

  it('never an unhandled rejection across all of the above', async () => {
    let unhandled = 0;
    const onUnhandled = (): void => { unhandled++; };
    process.on('unhandledRejection', onUnhandled);
    try {
      const p = await startRawServer((s) => s.end(randomBytes(64)));
      peers.push(p);
      await Promise.all([
        probe({ url: `mqtts://127.0.0.1:${p.port}`, timeoutMs: 1000 }),
        probe({ url: `wss://127.0.0.1:${p.port}/mqtt`, timeoutMs: 1000 }),
        probe({ url: `tls://127.0.0.1:${p.port}`, timeoutMs: 1000 }),
      ]);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(unhandled, 0);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('probe cancellation', function () {
  this.timeout(30_000);
  const servers: RunningPeer[] = [];
  after(async () => { await Promise.all(servers.map((s) => s.stop())); });

  for (const stage of ['tcp-accepted, TLS silent', 'already aborted'] as const) {
    it(`an AbortSignal ends the probe (${stage}) with "cancelled", long before its 60 s step timeout`, async () => {
      const p = await startRawServer(() => undefined);
      servers.push(p);
      const ac = new AbortController();
      if (stage === 'already aborted') ac.abort();
      const pending = probe({ url: `mqtts://127.0.0.1:${p.port}`, timeoutMs: 60_000, signal: ac.signal });
      if (stage !== 'already aborted') setTimeout(() => ac.abort(), 300);
      const r = await pending;
      assert.equal(r.ok, false);
      assert.equal(r.error?.code, 'ECANCELED');
      assert.deepEqual(r.diagnosis.map((d) => d.kind), ['cancelled']);
    });
  }
});
