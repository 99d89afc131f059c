// The exported mosquitto configuration, run by the real Debian mosquitto: a client certificate
// from the same Certscope CA publishes through it with mosquitto_pub; after the certificate is
// revoked (CRL rewritten) and mosquitto restarted on the same file, the same client is refused.
import { strict as assert } from 'node:assert';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import { initCa, type CertificateAuthority, type IssuedCertificate } from '../../../src/core/ca';
import { exportBrokerConfig } from '../../../src/core/export';
import { makeTempDir } from '../../support/tmp';

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

interface Mosquitto { child: ChildProcess; output(): string; stop(): Promise<void> }

async function startMosquitto(conf: string, port: number): Promise<Mosquitto> {
  const child = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => { text += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { text += d.toString(); });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited (${child.exitCode}): ${text}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return { child, output: () => text, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`mosquitto did not listen on ${port}: ${text}`);
}

function pub(port: number, ca: string, client: IssuedCertificate): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile('mosquitto_pub', [
      '-h', 'localhost', '-p', String(port), '--cafile', ca, '--cert', client.paths.cert, '--key', client.paths.key!,
      '-t', 'certscope/export', '-m', 'hello', '-q', '1', '-i', 'export-test',
    ], { timeout: 15_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: stdout + stderr });
    });
  });
}

function sClient(port: number, ca: string, client: IssuedCertificate): Promise<string> {
  return new Promise((resolve) => {
    const child = execFile('openssl', [
      's_client', '-connect', `127.0.0.1:${port}`, '-tls1_2', '-CAfile', ca, '-cert', client.paths.cert, '-key', client.paths.key!,
    ], { timeout: 15_000 }, (_err, stdout, stderr) => resolve(stdout + stderr));
    child.stdin?.end();
  });
}

describe('interop: exported mosquitto.conf runs in Debian mosquitto', function () {
  this.timeout(60_000);
  const tmp = makeTempDir('certscope-export-');
  let ca: CertificateAuthority;
  let server: IssuedCertificate;
  let client: IssuedCertificate;
  let mosquitto: Mosquitto | undefined;
  let confPath: string;
  let port: number;

  before(async () => {
    ca = await initCa(join(tmp.dir, 'ca'), { subject: '/CN=Export Test CA', key: 'p256' });
    server = await ca.issue({ profile: 'server', name: 'broker', subject: '/CN=localhost', dns: ['localhost'], ip: ['127.0.0.1'] });
    client = await ca.issue({ profile: 'client', name: 'device', subject: '/CN=device-1' });
    port = await freePort();
    const out = exportBrokerConfig({
      certfile: server.paths.fullchain, keyfile: server.paths.key!, cacertfile: ca.paths.certificate,
      bind: '127.0.0.1', port, verifyPeer: true, failIfNoPeerCert: true, tlsVersions: ['tlsv1.3', 'tlsv1.2'],
      crl: { files: [ca.paths.crlPem], urls: [], refreshIntervalMs: 900_000, httpTimeoutMs: 15_000 },
    }, 'mosquitto');
    assert.deepEqual(out.warnings, []);
    confPath = join(tmp.dir, out.fileName);
    // Test-only lines: no persistence file, log to stderr, stay root (the temp folder is 0700).
    const extra = ['persistence false', 'log_dest stderr', ...(process.getuid?.() === 0 ? ['user root'] : [])];
    writeFileSync(confPath, extra.join('\n') + '\n' + out.text);
  });

  afterEach(async () => {
    await mosquitto?.stop();
    mosquitto = undefined;
  });

  after(() => tmp.cleanup());

  it('accepts a client certificate of the CA (mosquitto_pub exits 0)', async () => {
    mosquitto = await startMosquitto(confPath, port);
    const r = await pub(port, ca.paths.certificate, client);
    assert.equal(r.code, 0, `mosquitto_pub failed: ${r.output}\nmosquitto: ${mosquitto.output()}`);
  });

  it('refuses the same client once it is revoked in the CRL the config points at', async () => {
    await ca.revoke(client.paths.cert, 'keyCompromise');
    mosquitto = await startMosquitto(confPath, port);
    const r = await pub(port, ca.paths.certificate, client);
    assert.notEqual(r.code, 0, 'mosquitto_pub succeeded with a revoked certificate');
    assert.match(mosquitto.output(), /certificate verify failed/);
    // The reason on the wire: mosquitto's OpenSSL sends alert 44 (seen by s_client on TLS 1.2).
    const s = await sClient(port, ca.paths.certificate, client);
    assert.match(s, /alert certificate revoked/i, s);
  });
});
