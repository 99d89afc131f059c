// `certscope ocsp serve` answering the real openssl client, and `certscope ocsp check` exit codes.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { run } from '../../support/run';
import { makeTempDir } from '../../support/tmp';
import { makeOpensslCa, type OpensslCa } from './openssl-ca';
import type { OpensslCert } from '../../support/openssl-pki';

const MAIN = join(process.cwd(), 'src/cli/main.ts');
const cli = (args: string[]) => run(process.execPath, ['--import', 'tsx', MAIN, ...args], { timeout: 60_000 });

/** Starts `certscope ocsp serve` and resolves with the URL it prints. */
function serve(args: string[]): Promise<{ child: ChildProcess; url: string; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'ocsp', 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line: ${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1], output: () => out, exited });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

describe('certscope ocsp (CLI)', function () {
  let tmp: ReturnType<typeof makeTempDir>;
  let ca: OpensslCa;
  let good: OpensslCert;
  let revoked: OpensslCert;

  before(async () => {
    tmp = makeTempDir();
    ca = await makeOpensslCa(tmp.dir);
    good = await ca.issue('cli-good');
    revoked = await ca.issue('cli-revoked');
    await ca.revoke(revoked, 'keyCompromise');
  });
  after(() => tmp.cleanup());

  it('serve answers openssl ocsp; check exits 0 for good and 1 for revoked; SIGTERM stops it cleanly', async () => {
    const s = await serve(['--ca', ca.dir, '--validity', '30m']);
    try {
      const q = await run('openssl', ['ocsp', '-issuer', ca.ca.certPath, '-cert', revoked.certPath, '-url', s.url, '-CAfile', ca.root.certPath, '-resp_text']);
      assert.match(q.stdout, /cli-revoked\.crt: revoked/);
      assert.match(q.stdout + q.stderr, /Response verify OK/);
      const ok = await cli(['ocsp', 'check', good.certPath, '--issuer', ca.ca.certPath, '--url', s.url]);
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, /cli-good\.crt: good/);
      assert.match(ok.stdout, /nextUpdate: /);
      const bad = await cli(['ocsp', 'check', revoked.certPath, '--issuer', ca.ca.certPath, '--url', s.url, '--get']);
      assert.equal(bad.code, 1);
      assert.match(bad.stdout, /revoked: .*keyCompromise/);
      const json = await cli(['ocsp', 'check', good.certPath, '--issuer', ca.ca.certPath, '--url', s.url, '--json']);
      assert.equal(JSON.parse(json.stdout).status, 'good');
      assert.match(s.output(), /POST from 127\.0\.0\.1:\d+ -> 200 successful \((?:[0-9a-f]{2}:)*[0-9a-f]{2} revoked\)/);
    } finally {
      s.child.kill('SIGTERM');
    }
    assert.equal(await s.exited, 0);
  });

  it('serve signs with a delegated responder certificate', async () => {
    const rc = await ca.responderCert('cli-responder');
    const s = await serve(['--ca', ca.dir, '--responder-cert', rc.certPath, '--responder-key', rc.keyPath]);
    try {
      assert.match(s.output(), /signed by CN=cli-responder/);
      const q = await run('openssl', ['ocsp', '-issuer', ca.ca.certPath, '-cert', good.certPath, '-url', s.url, '-CAfile', ca.root.certPath, '-VAfile', rc.certPath]);
      assert.match(q.stdout + q.stderr, /Response verify OK/);
      assert.match(q.stdout, /cli-good\.crt: good/);
    } finally {
      s.child.kill('SIGTERM');
    }
    await s.exited;
  });

  it('exits 2 with a clear message on bad input', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['ocsp', 'serve'], /needs --ca DIR/],
      [['ocsp', 'serve', '--ca', join(tmp.dir, 'missing')], /does not exist/],
      [['ocsp', 'serve', '--ca', ca.dir, '--validity', 'soon'], /not a duration/],
      [['ocsp', 'serve', '--ca', ca.dir, '--responder-cert', good.certPath], /go together/],
      [['ocsp', 'check', good.certPath], /needs --issuer/],
      [['ocsp', 'check', join(tmp.dir, 'none.pem'), '--issuer', ca.ca.certPath], /cannot read certificate .*ENOENT/],
      [['ocsp', 'check', ca.cnf, '--issuer', ca.ca.certPath, '--url', 'http://127.0.0.1:9/'], /bad certificate input/],
      [['ocsp', 'frobnicate'], /unknown ocsp subcommand/],
    ];
    for (const [args, re] of cases) {
      const r = await cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, re);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  it('check reports an unreachable responder as exit 1 with the reason', async () => {
    const r = await cli(['ocsp', 'check', good.certPath, '--issuer', ca.ca.certPath, '--url', 'http://127.0.0.1:9/', '--timeout', '5s']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /problem: .*ECONNREFUSED/);
  });
});
