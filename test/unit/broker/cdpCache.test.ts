// The EMQX 5 CRL cache: one fetch per URL however many handshakes ask at once, the oldest URL
// evicted when the capacity is reached, refresh keeps the last good CRL on failure.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initCa, type CertificateAuthority } from '../../../src/core/ca';
import { CdpCrlCache } from '../../../src/core/broker/cdpCache';
import { makeTempDir } from '../../support/tmp';

describe('EMQX 5 CRL cache (CdpCrlCache)', function () {
  this.timeout(30_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let ca: CertificateAuthority;
  let der: Uint8Array;
  before(async () => {
    tmp = makeTempDir();
    ca = await initCa(join(tmp.dir, 'ca'), { subject: '/CN=Cache CA', key: 'p256' });
    der = readFileSync(ca.paths.crlDer);
  });
  after(() => tmp?.cleanup());

  function cache(capacity: number, fetch: (url: string) => Promise<Uint8Array>) {
    const logs: string[] = [];
    const c = new CdpCrlCache({ refreshIntervalMs: 60_000, httpTimeoutMs: 1000, capacity, fetch: (u) => fetch(u), log: (_l, m) => logs.push(m) });
    return { c, logs };
  }

  it('concurrent first sights of one URL share one fetch; later lookups are cache hits', async () => {
    let fetches = 0;
    const { c, logs } = cache(100, async () => { fetches++; await new Promise((r) => setTimeout(r, 50)); return der; });
    const all = await Promise.all(Array.from({ length: 20 }, () => c.lookup('http://x/a.crl', 'test')));
    assert.equal(fetches, 1);
    assert.ok(all.every((r) => r.crl?.model.issuer.rfc4514 === 'CN=Cache CA'));
    const again = await c.lookup('http://x/a.crl', 'test');
    assert.equal(again.cached, true);
    assert.equal(c.state()[0].hits, 1);
    assert.ok(logs.some((l) => l.startsWith('CRL cache hit for http://x/a.crl (test)')));
  });

  it('evicts the oldest URL first when the capacity is reached', async () => {
    const { c, logs } = cache(2, async () => der);
    for (const u of ['http://x/1.crl', 'http://x/2.crl', 'http://x/3.crl']) await c.lookup(u, 'test');
    assert.deepEqual(c.urls(), ['http://x/2.crl', 'http://x/3.crl']);
    assert.ok(logs.includes('CRL cache full (capacity 2): evicted the oldest URL http://x/1.crl'));
  });

  it('a failed refresh keeps the cached CRL and says so; a failed first fetch leaves nothing', async () => {
    let fail = false;
    const { c, logs } = cache(10, async () => { if (fail) throw new Error('HTTP 503'); return der; });
    await c.lookup('http://x/a.crl', 'test');
    fail = true;
    await c.refreshAll();
    assert.deepEqual([c.state()[0].crl?.issuer, c.state()[0].lastError, c.state()[0].fetches], ['CN=Cache CA', 'HTTP 503', 2]);
    assert.ok(logs.includes('CRL fetch failed for http://x/a.crl: HTTP 503; keeping the cached CRL'));
    const miss = await c.lookup('http://x/b.crl', 'test');
    assert.equal(miss.crl, undefined);
    assert.equal(miss.error, 'HTTP 503');
  });

  it('refresh(urls) refetches only the cached URLs asked for, at once (a revocation by Certscope\'s own CA)', async () => {
    const fetched: string[] = [];
    const { c } = cache(10, async (u) => { fetched.push(u); return der; });
    await c.lookup('http://x/a.crl', 'test');
    await c.lookup('http://x/b.crl', 'test');
    const refreshed = await c.refresh(['http://x/a.crl', 'http://x/never-seen.crl']);
    assert.deepEqual(refreshed, ['http://x/a.crl']);
    assert.deepEqual(fetched, ['http://x/a.crl', 'http://x/b.crl', 'http://x/a.crl']);
    assert.deepEqual(c.urls(), ['http://x/a.crl', 'http://x/b.crl']);
  });
});
