// `certscope broker` as a user runs it: JSON and emqx.conf configs, events printed as they
// happen, Ctrl-C (SIGINT) stops it cleanly, bad input exits 2 with a specific message.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../support/run';
import { makeTempDir } from '../../support/tmp';
import { makeBrokerPki, type BrokerPki } from '../../unit/broker/brokerPki';
import { initCa, CrlServer } from '../../../src/core/ca';

const MAIN = join(__dirname, '..', '..', '..', 'src', 'cli', 'main.ts');

function startCli(args: string[]): { child: ChildProcessWithoutNullStreams; out: () => string; waitFor: (re: RegExp) => Promise<RegExpMatchArray>; exit: Promise<number> } {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'broker', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const waiters: Array<{ re: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];
  const check = (): void => {
    for (const w of [...waiters]) {
      const m = out.match(w.re);
      if (m) { waiters.splice(waiters.indexOf(w), 1); w.resolve(m); }
    }
  };
  child.stdout.on('data', (d) => { out += d; check(); });
  child.stderr.on('data', (d) => { out += d; check(); });
  const exit = new Promise<number>((r) => child.on('exit', (code) => r(code ?? -1)));
  return {
    child,
    out: () => out,
    exit,
    waitFor: (re) => new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`not printed: ${re}\n--- output ---\n${out}`)), 30_000);
      waiters.push({ re, resolve: (m) => { clearTimeout(t); resolve(m); } });
      check();
    }),
  };
}

describe('certscope broker (CLI)', function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let pki: BrokerPki;
  before(async () => {
    tmp = makeTempDir();
    pki = await makeBrokerPki(tmp.dir);
  });
  after(() => tmp?.cleanup());

  async function exercise(configPath: string): Promise<string> {
    const cli = startCli(['--config', configPath, '--port', '0', '--wss-port', '0']);
    try {
      const m = await cli.waitFor(/listening {2}mqtts:\/\/127\.0\.0\.1:(\d+)/);
      await cli.waitFor(/listening {2}wss:\/\/127\.0\.0\.1:\d+/);
      const r = await run('openssl', ['s_client', '-connect', `127.0.0.1:${m[1]}`, '-tls1_3', '-CAfile', pki.root.certPath, '-cert', pki.revoked.certPath, '-key', pki.revoked.keyPath, '-ign_eof'], { input: '' });
      assert.match(r.stderr, /alert certificate revoked/);
      await cli.waitFor(/REJECTED {3}mqtts 127\.0\.0\.1:\d+ TLSv1\.3 \S+ CN=revoked-device \(serial [0-9a-f:]+\)\n {11}certificate revoked: serial [0-9a-f:]+, revoked .* UTC, keyCompromise, CRL #\S+ from .*intermediate\.crl\.pem -> alert certificate_revoked \(44\)/);
      cli.child.kill('SIGINT');
      assert.equal(await cli.exit, 0);
      assert.match(cli.out(), /stopped\n$/);
      return cli.out();
    } finally {
      cli.child.kill('SIGKILL');
    }
  }

  it('runs from a JSON config, prints each rejection with its reason and alert, stops on Ctrl-C', async () => {
    const conf = join(tmp.dir, 'broker.json');
    writeFileSync(conf, JSON.stringify({
      profile: 'emqx4', certfile: 'server.crt', keyfile: 'server.key', chainfile: 'intermediate.crt', cacertfile: 'chain.pem',
      enable_crl_check: true, crl_files: ['root.crl.pem', 'intermediate.crl.pem'],
    }));
    await exercise(conf);
  });

  it('runs from EMQX 4.x emqx.conf lines and lists the keys it ignored', async () => {
    const conf = join(tmp.dir, 'emqx.conf');
    writeFileSync(conf, [
      'listener.ssl.external = 127.0.0.1:8883',
      'listener.ssl.external.acceptors = 16',
      'listener.ssl.external.keyfile = server.key',
      'listener.ssl.external.certfile = server.crt',
      'listener.ssl.external.cacertfile = chain.pem',
      'listener.ssl.external.verify = verify_peer',
      'listener.ssl.external.fail_if_no_peer_cert = true',
      'listener.ssl.external.enable_crl_check = true',
      `listener.ssl.external.crl_files = ${pki.rootCrlPath}`,
      '',
    ].join('\n'));
    // crl_files is ours, not EMQX's: pass the CRLs on the command line instead.
    const cli = startCli(['--config', conf, '--port', '0', '--wss-port', 'off', '--crl', pki.rootCrlPath, '--crl', pki.intermediateCrlPath]);
    try {
      await cli.waitFor(/note: ignored emqx\.conf keys \(no effect here\): listener\.ssl\.external\.acceptors, listener\.ssl\.external\.crl_files/);
      const m = await cli.waitFor(/listening {2}mqtts:\/\/127\.0\.0\.1:(\d+)/);
      const r = await run('openssl', ['s_client', '-connect', `127.0.0.1:${m[1]}`, '-tls1_2', '-CAfile', pki.root.certPath, '-cert', pki.good.certPath, '-key', pki.good.keyPath], { input: '' });
      assert.match(r.stdout, /Verify return code: 0/);
      await cli.waitFor(/ACCEPTED {3}mqtts 127\.0\.0\.1:\d+ TLSv1\.2 \S+ CN=good-device/);
      cli.child.kill('SIGINT');
      assert.equal(await cli.exit, 0);
    } finally {
      cli.child.kill('SIGKILL');
    }
  });

  it('--profile emqx5 --crl-check: prints the distribution point fetch, the cache hit and the rejection with its CRL URL', async () => {
    const ca = await initCa(join(tmp.dir, 'cli-emqx5-ca'), { subject: '/CN=CLI EMQX5 CA', key: 'p256' });
    const crls = new CrlServer({ derPath: ca.paths.crlDer, pemPath: ca.paths.crlPem });
    const url = (await crls.start()).derUrl;
    const server = await ca.issue({ profile: 'server', name: 'broker', dns: ['localhost'], ip: ['127.0.0.1'] });
    const good = await ca.issue({ profile: 'client', name: 'good', crlUrls: [url] });
    const revoked = await ca.issue({ profile: 'client', name: 'revoked', crlUrls: [url] });
    await ca.revoke(revoked.paths.cert, 'keyCompromise');
    const cli = startCli(['--profile', 'emqx5', '--crl-check', '--cert', server.paths.cert, '--key', server.paths.key!, '--ca', ca.paths.certificate, '--port', '0', '--wss-port', 'off', '--status-interval', '1']);
    try {
      const m = await cli.waitFor(/listening {2}mqtts:\/\/127\.0\.0\.1:(\d+)/);
      const sc = (c: typeof good) => run('openssl', ['s_client', '-connect', `127.0.0.1:${m[1]}`, '-tls1_2', '-CAfile', ca.paths.certificate, '-cert', c.paths.cert, '-key', c.paths.key!], { input: '' });
      await sc(good);
      await cli.waitFor(new RegExp(`CRL distribution point ${url.replace(/[/.]/g, '\\$&')} not in the cache: fetching it during the handshake`));
      await cli.waitFor(/ACCEPTED {3}mqtts 127\.0\.0\.1:\d+ TLSv1\.2 \S+ CN=good/);
      await sc(revoked);
      await cli.waitFor(/CRL cache hit for http:\/\/127\.0\.0\.1:\d+\/ca\.crl \(client "CN=revoked"/);
      await cli.waitFor(/REJECTED .* CN=revoked .*\n {11}certificate revoked: serial .*keyCompromise, CRL #\S+ from http:\/\/127\.0\.0\.1:\d+\/ca\.crl -> alert certificate_revoked \(44\)/);
      await cli.waitFor(/^profile: emqx5$/m);
      cli.child.kill('SIGINT');
      assert.equal(await cli.exit, 0);
    } finally {
      cli.child.kill('SIGKILL');
      await crls.close();
    }
  });

  it('bad input exits 2 with a specific message', async () => {
    const conf = join(tmp.dir, 'bad.json');
    writeFileSync(conf, JSON.stringify({ profile: 'emqx4', certfile: 'server.crt', keyfile: 'server.key', cacertfile: 'chain.pem', enable_crl_check: true }));
    const r1 = await run(process.execPath, ['--import', 'tsx', MAIN, 'broker', '--config', conf]);
    assert.equal(r1.code, 2);
    assert.match(r1.stderr, /enable_crl_check is on but no CRL is configured/);
    const r2 = await run(process.execPath, ['--import', 'tsx', MAIN, 'broker', '--cert', join(tmp.dir, 'missing.crt'), '--key', pki.server.keyPath, '--no-verify', '--port', '0', '--wss-port', 'off']);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /certfile .*missing\.crt: file not found/);
    const r4 = await run(process.execPath, ['--import', 'tsx', MAIN, 'broker', '--config', conf, '--profile', 'hivemq']);
    assert.equal(r4.code, 2);
    assert.match(r4.stderr, /profile: expected one of emqx5, emqx4, mosquitto, got "hivemq"/);
    const r5 = await run(process.execPath, ['--import', 'tsx', MAIN, 'broker', '--config', conf, '--profile', 'mosquitto', '--crl', pki.rootCrlPath, '--crl', pki.intermediateCrlPath]);
    assert.equal(r5.code, 2);
    assert.match(r5.stderr, /profile mosquitto: crlfile is one file \(it may hold several CRLs\); got 2 in crl_files/);
    const r3 = await run(process.execPath, ['--import', 'tsx', MAIN, 'broker', '--bogus']);
    assert.equal(r3.code, 2);
    assert.match(r3.stderr, /unknown option --bogus/);
  });
});
