// The decode pool: workspace files decoded in worker threads (the bundle the extension ships, built
// here with the same esbuild options), same results as the inline loader, and a file that overruns
// the per-file budget is abandoned while the main thread keeps running and later files still load.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { DecodePool } from '../../../src/core/workspace/decodePool';
import { makeTempDir } from '../../support/tmp';
import { fixture, load, write, type Fixture } from './fixture';

describe('decode pool (worker threads)', function () {
  this.timeout(120_000);
  let f: Fixture;
  let script: string;
  let tmp: { dir: string; cleanup(): void };
  const pools: DecodePool[] = [];
  const pool = (o: Partial<ConstructorParameters<typeof DecodePool>[0]> = {}): DecodePool => {
    const p = new DecodePool({ script, size: 1, ...o });
    pools.push(p);
    return p;
  };
  const limits = { maxBytes: 32 * 1024 * 1024, timeoutMs: 10_000 };

  before(async () => {
    f = await fixture();
    tmp = makeTempDir('certscope-pool-');
    script = join(tmp.dir, 'decodeWorker.js');
    await esbuild.build({
      entryPoints: ['src/core/workspace/decodeWorker.ts'], outfile: script, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning',
    });
  });
  after(() => {
    for (const p of pools) p.dispose();
    tmp.cleanup();
  });

  it('gives the same models as the inline loader (dates stay dates, DER bytes exact)', async () => {
    const p = pool();
    const viaWorker = await p.loadFile(f.pki.server.certPath, limits);
    const inline = await load(f.pki.server.certPath);
    assert.ok(viaWorker && !viaWorker.error);
    assert.deepEqual(viaWorker.items, inline.items);
    const r = viaWorker.items[0].result;
    assert.equal(r.kind, 'certificate');
    if (r.kind !== 'certificate') return;
    assert.ok(r.notAfter instanceof Date);
    // Compacted: the DER is its own buffer, not a view into a shared pool slab.
    assert.equal(r.der.byteLength, r.der.buffer.byteLength);
    assert.equal(await p.loadFile(join(tmp.dir, 'missing.pem'), limits), undefined);
  });

  it('reassembles a large result sent in parts, in order', async () => {
    const mixed = write(tmp.dir, 'mixed-450.pem', [f.pki.server, f.pki.client, f.pki.intermediate].map((c) => f.pem(c)).join('').repeat(150));
    const viaWorker = await pool().loadFile(mixed, limits);
    const inline = await load(mixed);
    assert.equal(viaWorker?.items.length, 450);
    assert.deepEqual(viaWorker?.items, inline.items);
  });

  it('decodes a document text in the worker', async () => {
    const items = await pool().decodeText(`key: |\n${f.pem(f.pki.client)}`, 'values.yaml');
    assert.equal(items.length, 1);
    assert.equal(items[0].result.kind, 'certificate');
    assert.equal(items[0].range.startLine, 1);
  });

  it('abandons a file over the budget, keeps the main thread running, and loads the files after it', async () => {
    // A 4,000-certificate bundle: legitimate, but far more than 150 ms of decoding.
    const big = write(tmp.dir, 'huge-bundle.pem', f.pem(f.pki.server).repeat(4000));
    const small = write(tmp.dir, 'small.pem', f.pem(f.pki.client));
    const p = pool({ budgetMs: 150 });
    await p.loadFile(small, limits); // worker started and warm
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    const [bigResult, after] = await Promise.all([p.loadFile(big, limits), p.loadFile(small, limits)]);
    clearInterval(ticker);
    assert.match(bigResult?.error ?? '', /Decoding took longer than 150ms; the file was skipped/);
    assert.equal(bigResult?.items.length, 0);
    assert.equal(after?.items[0].result.kind, 'certificate', 'the file queued behind the abandoned one still loads');
    assert.equal(p.abandoned, 1);
    // Inline decoding would have held the thread for the whole bundle: no timer could fire.
    assert.ok(ticks >= 10, `main thread ticked ${ticks} times while the bundle was being decoded`);
  });

  it('hands files queued behind a slow file to another worker', async () => {
    const big = write(tmp.dir, 'slow-bundle.pem', f.pem(f.pki.server).repeat(4000));
    const small = write(tmp.dir, 'after-slow.pem', f.pem(f.pki.client));
    const p = pool({ size: 1, inFlight: 4, budgetMs: 60_000 });
    await p.loadFile(small, limits);
    const order: string[] = [];
    await Promise.all([
      p.loadFile(big, limits).then((r) => order.push(`big:${r?.items.length}`)),
      p.loadFile(small, limits).then((r) => order.push(`small:${r?.items.length}`)),
    ]);
    // With one worker and no hand-over the small file would wait for the whole bundle.
    assert.deepEqual(order, ['small:1', 'big:4000']);
    assert.equal(p.abandoned, 0);
  });

  it('answers every queued job with bounded concurrency, and dispose() ends the workers', async () => {
    const p = pool({ size: 2, inFlight: 2 });
    const files = Array.from({ length: 30 }, (_, i) => write(tmp.dir, `leaf-${i}.pem`, f.pem(f.pki.client)));
    const out = await Promise.all(files.map((k) => p.loadFile(k, limits)));
    assert.ok(out.every((o) => o?.items[0].result.kind === 'certificate'));
    assert.ok(p.workers <= 2);
    p.dispose();
    assert.equal(p.workers, 0);
    const late = await p.loadFile(files[0], limits);
    assert.match(late?.error ?? '', /cancelled/);
  });
});
