// The loader's safety caps and the index's incremental updates, on real files.
import { strict as assert } from 'node:assert';
import { chmodSync, copyFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceIndex } from '../../../src/core/workspace/index';
import { loadFile } from '../../../src/core/workspace/loader';
import { matchesAny, matchesGlob } from '../../../src/core/workspace/glob';
import { decode, fixture, type Fixture } from './fixture';

describe('workspace loader and index', () => {
  let f: Fixture;
  let dir: string;
  before(async () => {
    f = await fixture();
    dir = join(f.dir, 'index-test');
    mkdirSync(dir, { recursive: true });
  });
  const opts = { decode, maxBytes: 64 * 1024, timeoutMs: 5000 };

  it('lists an oversized file with an error and never reads it', async () => {
    const big = join(dir, 'big.pem');
    writeFileSync(big, Buffer.alloc(200 * 1024, 0x41));
    let decoded = false;
    const r = await loadFile(big, { ...opts, decode: (b, n) => { decoded = true; return decode(b, n); } });
    assert.ok(r?.error);
    assert.match(r.error, /File is 200 KB; Certscope reads PKI files up to 64 KB/);
    assert.equal(decoded, false);
  });

  it('reports symlink loops and unreadable files, skips directories and vanished files', async () => {
    const a = join(dir, 'loop-a.pem');
    const b = join(dir, 'loop-b.pem');
    symlinkSync(b, a);
    symlinkSync(a, b);
    const loop = await loadFile(a, opts);
    assert.match(loop?.error ?? '', /Symbolic link loop/);
    mkdirSync(join(dir, 'folder.pem'));
    assert.equal(await loadFile(join(dir, 'folder.pem'), opts), undefined);
    assert.equal(await loadFile(join(dir, 'gone.pem'), opts), undefined);
    const locked = join(dir, 'locked.pem');
    copyFileSync(f.pki.server.certPath, locked);
    chmodSync(locked, 0o000);
    const r = await loadFile(locked, opts);
    // root reads everything; everyone else gets the permission message.
    if (process.getuid?.() === 0) assert.equal(r?.error, undefined);
    else assert.match(r?.error ?? '', /Permission denied/);
  });

  it('reports junk and empty files at file level', async () => {
    writeFileSync(join(dir, 'junk.der'), Buffer.from([0xde, 0xad, 0xbe, 0xef, 0, 1, 2]));
    writeFileSync(join(dir, 'empty.crt'), '');
    writeFileSync(join(dir, 'text.pem'), 'hello, no blocks here\n');
    assert.match((await loadFile(join(dir, 'junk.der'), opts))?.error ?? '', /binary content is not a DER/);
    assert.equal((await loadFile(join(dir, 'empty.crt'), opts))?.error, 'The file is empty.');
    assert.match((await loadFile(join(dir, 'text.pem'), opts))?.error ?? '', /No PEM block \(-----BEGIN/);
  });

  it('reloads only the changed file and notifies once per batch', async () => {
    const inc = join(dir, 'inc');
    mkdirSync(inc);
    const paths = [f.pki.root, f.pki.intermediate, f.pki.server, f.pki.client].map((c, i) => {
      const p = join(inc, `c${i}.pem`);
      copyFileSync(c.certPath, p);
      return p;
    });
    const index = new WorkspaceIndex((k) => loadFile(k, opts), 2);
    const events: string[][] = [];
    index.onDidChange((c) => events.push(c));
    await index.refresh(paths);
    assert.equal(index.loads, 4);
    assert.equal(events.length, 1);
    const now = { now: new Date(), expiringDays: 30 };
    const first = index.analysis(now);
    assert.equal(index.analysis(now), first, 'analysis is cached while nothing changes');
    assert.equal(first.forest.roots.length, 1);

    // The intermediate changes into something else: only that file is read again.
    copyFileSync(f.weak.certPath, paths[1]);
    await index.refresh([paths[1]]);
    assert.equal(index.loads, 5);
    const second = index.analysis(now);
    assert.notEqual(second, first);
    assert.equal(second.forest.orphans.length, 3, 'server, client and weak lost their issuer');

    rmSync(paths[3]);
    index.remove([paths[3]]);
    assert.equal(index.size, 3);
    assert.equal(index.loads, 5);
    assert.equal(events.length, 3);
  });

  it('a slow load that finishes after a newer one does not win', async () => {
    let calls = 0;
    const index = new WorkspaceIndex(async (k) => {
      const n = ++calls;
      await new Promise((r) => setTimeout(r, n === 1 ? 50 : 1));
      return { key: k, size: n, mtimeMs: 0, items: [] };
    });
    await Promise.all([index.refresh(['x']), index.refresh(['x'])]);
    assert.equal(index.get('x')?.size, 2);
  });

  it('matches include/exclude globs the way VS Code settings use them', () => {
    assert.ok(matchesGlob('certs/a/server.pem', '**/*.{pem,crt}'));
    assert.ok(matchesGlob('server.crt', '**/*.{pem,crt}'));
    assert.ok(!matchesGlob('server.txt', '**/*.{pem,crt}'));
    assert.ok(matchesGlob('node_modules/x/y.pem', '**/node_modules'));
    assert.ok(matchesGlob('a/.git/z.pem', '**/.git'));
    assert.ok(!matchesGlob('a/gitx/z.pem', '**/.git'));
    assert.ok(matchesGlob('build/out/z.pem', 'build'));
    assert.ok(matchesAny('x/test-1.pem', ['nothing', 'x/test-?.pem']));
    assert.ok(matchesGlob('x/a.pem', 'x/[ab].pem') && !matchesGlob('x/c.pem', 'x/[ab].pem'));
  });
});
