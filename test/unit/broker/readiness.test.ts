// Readiness check: one test per reason a revocation would not be enforced (or would lock everyone
// out), on real CA folders written by Certscope's CA and real HTTP servers on 127.0.0.1.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { initCa, CrlServer, type CertificateAuthority } from '../../../src/core/ca';
import { checkReadiness, type ReadinessReason } from '../../../src/core/broker/readiness';
import { run } from '../../support/run';
import { makeTempDir } from '../../support/tmp';

const MAIN = join(__dirname, '../../../src/cli/main.ts');

function reasons(r: { findings: Array<{ reason: ReadinessReason }> }): ReadinessReason[] {
  return r.findings.map((f) => f.reason);
}

async function closedUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}/ca.crl`;
}

describe('readiness check (ca check)', function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let n = 0;
  const servers: Array<{ close(): unknown }> = [];
  const newCa = (opts: { crlHours?: number } = {}): Promise<CertificateAuthority> => initCa(join(tmp.dir, `ca${n++}`), { subject: `/CN=Readiness CA ${n}`, key: 'p256', ...opts });
  /** A CA whose client certificates name its CRL, served by Certscope's CRL server. */
  async function servedCa(): Promise<{ ca: CertificateAuthority; url: string }> {
    const ca = await newCa();
    const s = new CrlServer({ derPath: ca.paths.crlDer, pemPath: ca.paths.crlPem });
    servers.push({ close: () => s.close() });
    const url = (await s.start()).derUrl;
    return { ca, url };
  }

  before(() => { tmp = makeTempDir(); });
  after(async () => {
    for (const s of servers) await s.close();
    tmp?.cleanup();
  });

  it('a CA whose client certificates name a reachable http CRL: nothing for emqx5, exit 0', async () => {
    const { ca, url } = await servedCa();
    await ca.issue({ profile: 'client', name: 'dev', crlUrls: [url] });
    const r = await checkReadiness(ca.paths.dir, { target: 'emqx5' });
    assert.deepEqual(r.findings, []);
    const cli = await run(process.execPath, ['--import', 'tsx', MAIN, 'ca', 'check', ca.paths.dir, '--broker', 'emqx5']);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /no reason found why a revocation would not be enforced/);
  });

  it('revoked-intermediate-leaf-only: emqx5 and mosquitto check only the leaf; emqx4 checks the chain', async () => {
    const root = await newCa();
    const sub = await initCa(join(tmp.dir, `sub${n++}`), { subject: '/CN=Readiness Sub CA', key: 'p256', parent: root });
    await root.revoke(sub.paths.certificate, 'cACompromise');
    for (const target of ['emqx5', 'mosquitto'] as const) {
      const r = await checkReadiness(root.paths.dir, { target, offline: true });
      const f = r.findings.find((x) => x.reason === 'revoked-intermediate-leaf-only');
      assert.ok(f, `${target}: ${JSON.stringify(r.findings)}`);
      assert.equal(f.severity, 'error');
      assert.match(f.message, /CN=Readiness Sub CA.*checks only the client certificate, so clients issued by it are still accepted/);
    }
    assert.ok(!reasons(await checkReadiness(root.paths.dir, { target: 'emqx4', offline: true })).includes('revoked-intermediate-leaf-only'));
  });

  it('no-cdp: emqx5 refuses client certificates without a CRL distribution point (fail closed)', async () => {
    const ca = await newCa();
    await ca.issue({ profile: 'client', name: 'bare', crlUrls: [] });
    const r = await checkReadiness(ca.paths.dir, { target: 'emqx5' });
    const f = r.findings.find((x) => x.reason === 'no-cdp');
    assert.ok(f);
    assert.deepEqual(f.certificates?.map((c) => c.split(' (')[0]), ['CN=bare']);
    assert.equal(f.fix?.action, 'issueWithCdp');
    assert.ok(!reasons(await checkReadiness(ca.paths.dir, { target: 'emqx4' })).includes('no-cdp'));
    const cli = await run(process.execPath, ['--import', 'tsx', MAIN, 'ca', 'check', ca.paths.dir, '--broker', 'emqx5', '--json']);
    assert.equal(cli.code, 1);
    assert.deepEqual((JSON.parse(cli.stdout) as { findings: Array<{ reason: string }> }).findings.map((x) => x.reason), ['no-cdp']);
  });

  it('https-cdp: EMQX before 6.2 fetches http only', async () => {
    const ca = await newCa();
    await ca.issue({ profile: 'client', name: 'tls-cdp', crlUrls: ['https://127.0.0.1:1/ca.crl'] });
    const r = await checkReadiness(ca.paths.dir, { target: 'emqx5' });
    assert.deepEqual(reasons(r), ['https-cdp']);
    assert.match(r.findings[0].message, /https only: EMQX before 6\.2 fetches CRLs over http only/);
  });

  it('cdp-unreachable: a distribution point that does not answer from here', async () => {
    const ca = await newCa();
    const url = await closedUrl();
    await ca.issue({ profile: 'client', name: 'dead', crlUrls: [url] });
    const r = await checkReadiness(ca.paths.dir, { target: 'emqx5', timeoutMs: 3000 });
    assert.deepEqual(reasons(r), ['cdp-unreachable']);
    assert.equal(r.findings[0].url, url);
    assert.deepEqual(reasons(await checkReadiness(ca.paths.dir, { target: 'emqx5', offline: true })), []);
  });

  it('crl-form: a distribution point that answers with something other than a CRL; a DER crlfile for mosquitto', async () => {
    const ca = await newCa();
    const html: Server = createServer((_q, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>'));
    await new Promise<void>((r) => html.listen(0, '127.0.0.1', () => r()));
    servers.push({ close: () => new Promise<void>((r) => html.close(() => r())) });
    const url = `http://127.0.0.1:${(html.address() as AddressInfo).port}/ca.crl`;
    await ca.issue({ profile: 'client', name: 'portal', crlUrls: [url] });
    const r = await checkReadiness(ca.paths.dir, { target: 'emqx5' });
    assert.deepEqual(reasons(r), ['crl-form']);
    assert.match(r.findings[0].message, /answers, but not with a CRL .*content starts with "<html>login<\/html>"/);
  });

  it('crl-expires-soon and crl-expired: the lock-out countdown and the fix', async () => {
    const { ca, url } = await servedCa();
    await ca.issue({ profile: 'client', name: 'dev', crlUrls: [url] });
    const w = await ca.writeCrl({ nextUpdateHours: 4 });
    const soon = await checkReadiness(ca.paths.dir, { target: 'mosquitto', now: new Date(w.nextUpdate.getTime() - 30 * 60_000) });
    const f = soon.findings.find((x) => x.reason === 'crl-expires-soon');
    assert.ok(f, JSON.stringify(soon.findings));
    assert.match(f.message, /expires in 30 min .*then mosquitto 2 refuses every client of CN=Readiness CA/);
    assert.equal(f.lockoutAt?.getTime(), w.nextUpdate.getTime());
    assert.equal(f.fix?.action, 'publishCrl');
    const fresh = await checkReadiness(ca.paths.dir, { target: 'mosquitto', now: new Date(w.nextUpdate.getTime() - 3 * 3_600_000) });
    assert.ok(!reasons(fresh).some((x) => x.startsWith('crl-')));
    const past = await checkReadiness(ca.paths.dir, { target: 'emqx5', now: new Date(w.nextUpdate.getTime() + 2 * 3_600_000) });
    const e = past.findings.find((x) => x.reason === 'crl-expired');
    assert.ok(e);
    assert.match(e.message, /expired 2 h 0 min ago .*EMQX 5 refuses every client/);
  });

  it('ocsp-url-append: a responder URL without a trailing "/" (EMQX appends the request to it)', async () => {
    const ca = await newCa();
    await ca.issue({ profile: 'server', name: 'broker', dns: ['localhost'], ocspUrls: ['http://127.0.0.1:9877'] });
    await ca.issue({ profile: 'server', name: 'broker2', dns: ['localhost'], ocspUrls: ['http://127.0.0.1:9878/'] });
    const r = await checkReadiness(ca.paths.dir, { target: 'emqx5', offline: true });
    assert.deepEqual(reasons(r), ['ocsp-url-append']);
    assert.equal(r.findings[0].url, 'http://127.0.0.1:9877');
    assert.equal(r.findings[0].fix?.text, 'set responder_url = "http://127.0.0.1:9877/"');
    assert.deepEqual(reasons(await checkReadiness(ca.paths.dir, { target: 'mosquitto', offline: true })), ['wss-no-crl']);
  });

  it('wss-no-crl: mosquitto only', async () => {
    const ca = await newCa();
    assert.deepEqual(reasons(await checkReadiness(ca.paths.dir, { target: 'mosquitto' })), ['wss-no-crl']);
    assert.deepEqual(reasons(await checkReadiness(ca.paths.dir, { target: 'emqx4' })), []);
  });

  it('bad input: exit 2 with a specific message, no stack trace', async () => {
    const ca = await newCa();
    const r1 = await run(process.execPath, ['--import', 'tsx', MAIN, 'ca', 'check', ca.paths.dir, '--broker', 'hivemq']);
    assert.equal(r1.code, 2);
    assert.match(r1.stderr, /--broker: "hivemq" is not one of emqx5, emqx4, mosquitto/);
    const r2 = await run(process.execPath, ['--import', 'tsx', MAIN, 'ca', 'check', ca.paths.dir]);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /--broker emqx5\|emqx4\|mosquitto is required/);
    const r3 = await run(process.execPath, ['--import', 'tsx', MAIN, 'ca', 'check', join(tmp.dir, 'nope'), '--broker', 'emqx5']);
    assert.equal(r3.code, 2);
    assert.doesNotMatch(r1.stderr + r2.stderr + r3.stderr, /\n\s+at /);
  });
});
