// `certscope probe` through the real CLI entry point against openssl s_server: exit codes
// (0 works, 1 fails, 2 bad input), the text trace with the alert, --json, --crl for the
// revocation details; never a private key or a password in the output.
import { strict as assert } from 'node:assert';
import { run } from '../../support/run';
import { makeTempDir } from '../../support/tmp';
import { makeProbePki, type ProbePki } from './fixtures';
import { startSServer, type RunningPeer } from './peers';

const cli = (args: string[]) => run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'probe', ...args], { env: { ...process.env, NO_COLOR: '1' } });

describe('certscope probe (CLI)', function () {
  this.timeout(60_000);
  const tmp = makeTempDir('certscope-probe-cli-');
  let pki: ProbePki;
  let server: RunningPeer;
  before(async function () {
    this.timeout(120_000);
    pki = await makeProbePki(tmp.dir);
    server = await startSServer(['-cert', pki.server.certPath, '-key', pki.server.keyPath, '-cert_chain', pki.ca.ca.certPath,
      '-Verify', '2', '-verify_return_error', '-CAfile', pki.chainFile, '-CRL', pki.crlFile, '-crl_check']);
  });
  after(async () => {
    await server?.stop();
    tmp.cleanup();
  });

  it('exit 0 and a readable trace when the connection works', async () => {
    const r = await cli([`tls://localhost:${server.port}`, '--ca', pki.rootFile, '--cert', pki.client.certPath, '--key', pki.client.keyPath]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /✓ TLS handshake/);
    assert.match(r.stdout, /requested by server: yes \(CertificateRequest\)/);
    assert.match(r.stdout, /Result: the connection works/);
    assert.doesNotMatch(r.stdout, /PRIVATE KEY/);
  });

  it('exit 1 with the alert highlighted and the CRL named (--crl) for a revoked certificate', async () => {
    const r = await cli([`tls://localhost:${server.port}`, '--ca', pki.rootFile, '--cert', pki.clientRevoked.certPath, '--key', pki.clientRevoked.keyPath, '--tls', '1.2', '--crl', pki.crlFile]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /ALERT certificate_revoked \(44\) received during the handshake/);
    assert.match(r.stdout, /CRL of OCSP Test Issuing CA \(.*issuing\.crl\.pem\) lists it as revoked since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, reason keyCompromise/);
    assert.match(r.stdout, /Result: the connection fails/);
  });

  it('--json prints the whole result; no password or key material in it', async () => {
    const r = await cli([`mqtts://localhost:${server.port}`, '--ca', pki.rootFile, '--cert', pki.client.certPath, '--key', pki.client.keyPath, '--username', 'u', '--password', 'hunter2-secret', '--timeout', '1', '--json']);
    assert.equal(r.code, 1);
    const j = JSON.parse(r.stdout) as { ok: boolean; tls: { version: string }; diagnosis: Array<{ kind: string }> };
    assert.equal(j.ok, false);
    assert.equal(j.tls.version, 'TLSv1.3');
    assert.ok(j.diagnosis.some((d) => d.kind === 'not_mqtt'));
    assert.doesNotMatch(r.stdout, /hunter2-secret|PRIVATE KEY/);
  });

  it('exit 2 with a specific message for bad input', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['tls://localhost'], /tls:\/\/ needs a port/],
      [['localhost:8883'], /unsupported scheme|not a URL/],
      [[`tls://localhost:${server.port}`, '--ca', '/nonexistent/ca.pem'], /--ca: cannot read \/nonexistent\/ca\.pem \(ENOENT\)/],
      [[`tls://localhost:${server.port}`, '--tls', '1.1'], /--tls: "1\.1" must be 1\.2 or 1\.3/],
      [[`tls://localhost:${server.port}`, '--timeout', 'soon'], /--timeout/],
      [[`tls://localhost:${server.port}`, '--bogus'], /unknown option --bogus/],
      [[], /give exactly one URL/],
      [[`tls://localhost:${server.port}`, '--cert', pki.client.certPath], /given without its private key/],
      [[`tls://localhost:${server.port}`, '--crl', pki.client.certPath], /--crl: .*no CRL found/],
      [[`tls://localhost:${server.port}`, '--ocsp-response', pki.crlFile], /--ocsp-response .*issuing\.crl\.pem: not a DER OCSP response/],
      [[`tls://localhost:${server.port}`, '--keylog', '/nonexistent/dir/keys.log'], /--keylog: cannot write the key log \/nonexistent\/dir\/keys\.log \(ENOENT\)/],
      [[`tls://localhost:${server.port}`, '--mqtt', '4'], /--mqtt: "4" must be 3\.1\.1 or 5/],
    ];
    for (const [args, re] of cases) {
      const r = await cli(args);
      assert.equal(r.code, 2, `${args.join(' ')} -> ${r.code}\n${r.stdout}${r.stderr}`);
      assert.match(r.stdout + r.stderr, re);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });
});
