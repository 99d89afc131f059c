// The staple cache's schedule with a fake clock and fake timers; responses are real, signed by our
// responder for an openssl-made PKI, and checked by the stapler before caching.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import type { OcspCertStatus } from '../../../src/core/model';
import { buildOcspRequest } from '../../../src/core/ocsp/client';
import { errorResponseDer, OcspResponder } from '../../../src/core/ocsp/responder';
import { OcspStapler, type StaplerTimers } from '../../../src/core/ocsp/stapler';
import { makeOpensslPki, type OpensslPki } from '../../support/openssl-pki';
import { makeTempDir } from '../../support/tmp';

class FakeTime implements StaplerTimers {
  t = Date.UTC(2026, 10, 22, 10, 0, 0);
  private queue: Array<{ at: number; fn: () => void; id: number }> = [];
  private ids = 0;
  now = () => this.t;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.ids;
    this.queue.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.queue = this.queue.filter((q) => q.id !== h);
  }
  get pending(): number {
    return this.queue.length;
  }
  /** Moves the clock, running due timers in order and letting their promises settle. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at);
      const next = this.queue[0];
      if (!next || next.at > end) break;
      this.queue.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
      await settle();
    }
    this.t = end;
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

describe('OcspStapler (fake clock)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let pki: OpensslPki;
  let time: FakeTime;
  let status: OcspCertStatus;
  let validity: number;
  let fetchTimes: number[];
  let failNext: (() => Error | Uint8Array) | undefined;

  const responder = () => new OcspResponder({
    issuer: readFileSync(pki.intermediate.certPath), signerKey: readFileSync(pki.intermediate.keyPath),
    source: { status: () => status }, validitySeconds: validity, now: () => new Date(time.t),
  });
  const fetch = async (_url: string, der: Uint8Array) => {
    fetchTimes.push(time.t);
    const f = failNext?.();
    if (f instanceof Error) throw f;
    if (f) return f;
    return responder().respond(der).der;
  };
  const make = (extra: Partial<ConstructorParameters<typeof OcspStapler>[0]> = {}) => new OcspStapler({
    responderUrl: 'http://127.0.0.1:9/', issuer: readFileSync(pki.intermediate.certPath),
    certificates: [readFileSync(pki.server.certPath)], now: time.now, timers: time, fetch,
    refreshIntervalMs: 300_000, retryBaseMs: 5_000, ...extra,
  });
  const serverDer = () => new Uint8Array(new X509Certificate(readFileSync(pki.server.certPath)).raw);

  before(async () => {
    tmp = makeTempDir();
    pki = await makeOpensslPki(tmp.dir);
  });
  after(() => tmp.cleanup());
  beforeEach(() => {
    time = new FakeTime();
    status = { status: 'good' };
    validity = 3600;
    fetchTimes = [];
    failNext = undefined;
  });

  it('serves nothing before the first fetch, then the verified DER; one fetch per refresh interval', async () => {
    const s = make();
    assert.equal(s.getStaple(serverDer()), null);
    s.start();
    assert.equal(s.getStaple(serverDer()), null, 'start() never blocks on the responder');
    await time.advance(0);
    const staple = s.getStaple(serverDer());
    assert.ok(staple && staple[0] === 0x30);
    assert.equal(s.state()[0].status, 'good');
    for (let i = 0; i < 1000; i++) s.getStaple(serverDer());
    assert.equal(fetchTimes.length, 1, 'handshakes never fetch');
    await time.advance(60 * 60_000); // one hour
    assert.equal(fetchTimes.length, 1 + 12, 'one fetch per 5-minute interval');
    s.dispose();
    assert.equal(time.pending, 0, 'dispose clears timers');
  });

  it('keeps one fetch in flight per certificate', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const s = make({ fetch: async (u, d) => { calls++; await gate; return fetch(u, d); } });
    s.start();
    await time.advance(0);
    const joins = [s.refresh(), s.refresh(), s.refresh(serverDer())];
    assert.equal(calls, 1);
    release();
    await Promise.all(joins);
    assert.equal(calls, 1);
    assert.ok(s.getStaple(serverDer()));
    s.dispose();
  });

  it('backs off exponentially while the responder is down, capped at the refresh interval', async () => {
    failNext = () => new Error('connect ECONNREFUSED');
    const logs: string[] = [];
    const s = make({ log: (_l, m) => logs.push(m) });
    s.start();
    await time.advance(15 * 60_000);
    const t0 = fetchTimes[0];
    const gaps = fetchTimes.slice(1).map((t, i) => (t - (i === 0 ? t0 : fetchTimes[i])) / 1000);
    assert.deepEqual(gaps.slice(0, 7), [5, 10, 20, 40, 80, 160, 300]);
    assert.equal(s.state()[0].failures, fetchTimes.length);
    assert.equal(s.getStaple(serverDer()), null);
    assert.match(logs[0], /failed \(connect ECONNREFUSED\); stapling nothing; retry in 5s/);
    // The responder comes back: the next attempt succeeds and resets the back-off.
    failNext = undefined;
    await time.advance(300_000);
    assert.ok(s.getStaple(serverDer()));
    assert.equal(s.state()[0].failures, 0);
    s.dispose();
  });

  it('keeps serving the cached response while refreshes fail, but never past nextUpdate', async () => {
    validity = 600; // 10 minutes: refresh every 5 minutes (half of the remaining validity at most)
    const s = make();
    s.start();
    await time.advance(0);
    const first = s.getStaple(serverDer());
    assert.ok(first);
    const nextUpdate = s.state()[0].nextUpdate!.getTime();
    failNext = () => new Error('timeout');
    await time.advance(nextUpdate - time.t - 1000);
    assert.equal(s.getStaple(serverDer()), first, 'still valid one second before nextUpdate');
    await time.advance(1000);
    assert.equal(s.getStaple(serverDer()), null, 'never past nextUpdate');
    assert.equal(s.state()[0].stapling, false);
    s.dispose();
  });

  it('never caches an error status, a response about another certificate, or garbage', async () => {
    const s = make();
    s.start();
    for (const [bad, re] of [
      [() => errorResponseDer('tryLater'), /answered "tryLater"/],
      [() => Buffer.from('<html>down</html>'), /not an OCSP response/],
      [() => responder().respond(buildOcspRequest(readFileSync(pki.client.certPath), readFileSync(pki.intermediate.certPath)).der).der, /does not cover serial/],
    ] as const) {
      failNext = bad;
      await s.refresh();
      assert.equal(s.getStaple(serverDer()), null);
      assert.match(s.state()[0].lastError ?? '', re);
    }
    s.dispose();
  });

  it('attach(): the OCSPRequest listener exists only while a valid staple does', async () => {
    validity = 600;
    const server = new EventEmitter();
    const s = make();
    const detach = s.attach(server);
    assert.equal(server.listenerCount('OCSPRequest'), 0, 'nothing to staple yet: Node keeps its fast path');
    s.start();
    await time.advance(0);
    assert.equal(server.listenerCount('OCSPRequest'), 1);
    let got: Buffer | null | undefined;
    server.emit('OCSPRequest', Buffer.from(serverDer()), null, (_e: Error | null, r: Buffer | null) => (got = r));
    assert.ok(got && got[0] === 0x30);
    failNext = () => new Error('responder gone');
    await time.advance(600_000);
    assert.equal(server.listenerCount('OCSPRequest'), 0, 'detached at nextUpdate');
    failNext = undefined;
    await time.advance(300_000);
    assert.equal(server.listenerCount('OCSPRequest'), 1, 'back once a fresh response is cached');
    detach();
    assert.equal(server.listenerCount('OCSPRequest'), 0);
    s.attach(server);
    s.dispose();
    assert.equal(server.listenerCount('OCSPRequest'), 0, 'dispose detaches');
  });

  it('says so when ocsp_issuer_pem is not the issuer of the server certificate', async () => {
    const s = make({ issuer: readFileSync(pki.root.certPath) });
    await s.refresh();
    assert.equal(fetchTimes.length, 0, 'no pointless request');
    assert.match(s.state()[0].lastError ?? '', /ocsp_issuer_pem is "CN=Test Root CA, O=Certscope Test, C=DE", but CN=localhost was issued by "CN=Test Intermediate CA/);
    s.dispose();
  });

  it('staples revoked responses too, and picks up a certificate first seen in a handshake', async () => {
    status = { status: 'revoked', revocationTime: new Date(time.t - 3600_000), reason: 'keyCompromise' };
    const s = make({ certificates: [] });
    s.start();
    assert.equal(s.getStaple(serverDer()), null);
    await time.advance(0);
    assert.equal(s.state().length, 1);
    assert.equal(s.state()[0].status, 'revoked');
    assert.ok(s.getStaple(serverDer()));
    s.dispose();
  });
});
