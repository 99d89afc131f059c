// The CLI keeps keys safe when it is interrupted or the disk fills (issue 10 §1, §2):
// `certscope demo` removes its temporary CA (keys included) on SIGINT and SIGTERM; `inspect -`
// has the same size cap as files; a really full disk (a 48 KB tmpfs, when this machine lets us
// mount one) ends an issue with a clear message, exit 1, nothing recorded, and openssl's own
// `openssl ca -gencrl` still works on the folder.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../support/tmp';
import { run } from '../../support/run';

const ROOT = join(__dirname, '../../..');
const MAIN = join(ROOT, 'src/cli/main.ts');
const cli = (args: string[], input?: string | Buffer) => run(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, input, env: { ...process.env, NO_COLOR: '1' } });

/** Starts `certscope demo`, sends `signal` once stdout matches `when`; resolves with the demo's folder and exit. */
function interruptDemo(signal: NodeJS.Signals, when: RegExp): Promise<{ folder: string; code: number | null; signal: NodeJS.Signals | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'demo'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let sent = false;
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`demo never printed ${when}: ${out}`)); }, 60_000);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (!sent && when.test(out)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.stderr.on('data', (c: Buffer) => { out += c.toString(); });
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      const folder = /created in (\S+)/.exec(out)?.[1];
      if (!folder) reject(new Error(`no folder in the demo's output: ${out}`));
      else resolve({ folder, code, signal: sig, out });
    });
  });
}

describe('CLI safety: interrupted demo, stdin cap, full disk', function () {
  this.timeout(120_000);
  const tmp = makeTempDir();
  after(() => tmp.cleanup());

  it('demo: SIGINT right after the CA is created removes the CA folder, keys included (exit 130)', async () => {
    const r = await interruptDemo('SIGINT', /CA "Certscope Demo CA" created in/);
    assert.equal(existsSync(r.folder), false, `${r.folder} is still there:\n${r.out}`);
    assert.equal(r.code, 130, r.out);
  });

  it('demo: SIGTERM while the broker runs removes the CA folder (exit 143)', async () => {
    const r = await interruptDemo('SIGTERM', /listening on mqtts:/);
    assert.equal(existsSync(r.folder), false, `${r.folder} is still there:\n${r.out}`);
    assert.equal(r.code, 143, r.out);
  });

  it('inspect -: stdin over the 50 MB file cap is refused with the same message as a file (exit 2)', async () => {
    const big = Buffer.alloc(50 * 1024 * 1024 + 1, 0x41);
    const r = await cli(['inspect', '-'], big);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^certscope: -: stdin is over the 50 MB limit; not read$/m);
    assert.equal(r.stdout, '');
    // Under the cap stdin still decodes.
    const pem = readFileSync(join(ROOT, 'examples/pki/server.crt'));
    const ok = await cli(['inspect', '-'], pem);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /Subject: +CN=localhost/);
  });

  it('a full disk (48 KB tmpfs): clear ENOSPC message, exit 1, nothing recorded, no temp file; openssl ca -gencrl still works', async function () {
    const mnt = join(tmp.dir, 'tmpfs');
    mkdirSync(mnt);
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=48k', 'tmpfs', mnt]).status !== 0) {
      rmdirSync(mnt);
      this.skip(); // needs root with CAP_SYS_ADMIN; the injected-failure tests cover the same paths
    }
    try {
      const ca = join(mnt, 'ca');
      assert.equal((await cli(['ca', 'init', ca, '--subject', '/CN=Full Disk CA'])).code, 0);
      const results = [];
      // tmpfs allocates whole 4 KB pages: an issue needs about seven, so the disk fills within a few issues.
      for (let i = 0; i < 4; i++) results.push(await cli(['ca', 'issue', ca, '--profile', 'client', '--name', `d${i}`]));
      const failed = results.filter((r) => r.code !== 0);
      assert.ok(failed.length > 0, 'the disk never filled');
      for (const r of failed) {
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, /^certscope: cannot write \S+: no space left on the device \(ENOSPC\)$/m);
        assert.doesNotMatch(r.stderr, /^\s+at /m);
      }
      const index = readFileSync(join(ca, 'index.txt'), 'utf8').trim().split('\n').filter(Boolean);
      assert.equal(index.length, results.length - failed.length, 'index.txt records a failed issue');
      for (const name of readdirSync(join(ca, 'issued'))) {
        assert.ok(existsSync(join(ca, 'issued', name, 'key.pem')), `issued/${name} has no key`);
      }
      const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [e.name]));
      assert.deepEqual(walk(ca).filter((f) => f.endsWith('.tmp')), []);
      const g = await run('openssl', ['ca', '-config', join(ca, 'openssl.cnf'), '-gencrl', '-out', join(tmp.dir, 'g.pem')]);
      assert.equal(g.code, 0, g.stderr);
    } finally {
      spawnSync('umount', [mnt]);
    }
  });
});
