// The emqx5 loop out of the box in the real extension host: "Create Development CA" puts Certscope's
// CRL distribution point (http://127.0.0.1:<certscope.ca.crlServerPort>/<folder>.crl) into the
// certificates it issues (openssl reads it); "Start Local TLS Broker" keeps profile emqx5, starts
// the CRL server at that URL (nothing served it) and fetches the CRL from there on the first
// handshake; mqtt.js connects; after "Revoke Certificate" the broker refetches at once and the
// next handshake of the revoked device gets certificate_revoked (44). Stop releases both ports.
import { strict as assert } from 'node:assert';
import { readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import mqtt from 'mqtt';
import { brokerStatus as status, canConnect, quietly, run, workspaceRoot } from './loop-helpers';

interface Issued { serialHex: string; cert: string; key: string }
interface Started { port: number; crlCheck: boolean; profile: string }

/** One MQTT 5 connection with the client certificate: resolves when CONNACK arrives, rejects with the TLS error. */
async function connect(port: number, caFile: string, c: Issued): Promise<void> {
  const client = mqtt.connect(`mqtts://localhost:${port}`, {
    ca: readFileSync(caFile), cert: readFileSync(c.cert), key: readFileSync(c.key),
    clientId: `it-cdp-${c.serialHex.slice(0, 8)}`, reconnectPeriod: 0, connectTimeout: 10_000, protocolVersion: 5,
  });
  // On TLS 1.3 the server's alert arrives after the client's handshake finished: mqtt.js then only
  // closes, so the TLS error is read from the stream itself.
  let tlsError: Error | undefined;
  client.stream?.on('error', (e: Error) => { tlsError ??= e; });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
      client.once('close', () => reject(tlsError ?? new Error('closed before CONNACK')));
    });
  } finally {
    await client.endAsync(true);
  }
}

describe('Development CA distribution point and the emqx5 local broker (extension host)', function () {
  this.timeout(90_000);
  const dir = join(workspaceRoot(), `it-cdp-${process.pid}`);
  const caFile = join(dir, 'ca.crt');
  const crlPort = vscode.workspace.getConfiguration('certscope').get<number>('ca.crlServerPort', 8089);
  const cdpUrl = `http://127.0.0.1:${crlPort}/${basename(dir)}.crl`;
  let device: Issued;
  let started: Started;

  before(async () => {
    const created = await quietly('certscope.ca.create', { dir, cn: 'IT CDP CA', key: 'p256' });
    assert.deepEqual(created.errors, []);
    await quietly('certscope.ca.issueServer', { caDir: dir, cn: 'localhost', sans: ['localhost', '127.0.0.1'], key: 'p256', days: 30 });
    device = (await quietly<Issued>('certscope.ca.issueClient', { caDir: dir, cn: 'device-cdp', sans: [], key: 'p256', days: 30 })).result;
  });

  after(async () => {
    await quietly('certscope.broker.stop');
    rmSync(dir, { recursive: true, force: true });
  });

  it('Create Development CA remembers the distribution point; the certificates it issues carry it (openssl x509)', async () => {
    assert.ok(crlPort > 0);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'certscope.json'), 'utf8')).crlUrls, [cdpUrl]);
    const ext = await run('openssl', ['x509', '-in', device.cert, '-noout', '-ext', 'crlDistributionPoints']);
    assert.equal(ext.code, 0, ext.out);
    assert.match(ext.out, new RegExp(`URI:${cdpUrl.replace(/\./g, '\\.')}\\s*$`, 'm'));
    // Nothing serves it yet: the broker will.
    assert.equal(await canConnect(crlPort), false, `something already listens on ${crlPort}`);
  });

  it('Start Local TLS Broker keeps profile emqx5 and serves the distribution point (Published CRLs)', async () => {
    const { result, errors } = await quietly<Started>('certscope.broker.start', { caDir: dir, port: 0, wssPort: null });
    assert.deepEqual(errors, []);
    started = result;
    assert.equal(started.profile, 'emqx5');
    assert.equal(started.crlCheck, true);
    const nodes = await status();
    assert.match(nodes.find((n) => n.id === 'crl')?.description ?? '', /^emqx5 · /);
    const published = nodes.find((n) => n.id === 'published')?.children ?? [];
    assert.deepEqual(published.map((n) => [n.label, n.description]), [['IT CDP CA', cdpUrl]]);
    const res = await fetch(cdpUrl);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pkix-crl');
  });

  it('mqtt.js (MQTT 5) connects with the client certificate; the broker fetched its CRL from the distribution point', async () => {
    await connect(started.port, caFile, device);
    const cdp = (await status()).find((n) => n.id === 'crl')?.children?.find((n) => n.id === `cdp:${cdpUrl}`);
    assert.ok(cdp, 'the broker did not fetch the distribution point');
    assert.match(cdp.description ?? '', /^CRL #\d+ · 0 revoked · .* · 1 fetch\(es\), 0 hit\(s\)$/);
  });

  it('after Revoke Certificate the broker refetches at once and the next handshake gets certificate_revoked', async () => {
    const { errors } = await quietly('certscope.ca.revoke', { file: device.cert, reason: 'keyCompromise', confirmed: true });
    assert.deepEqual(errors, []);
    // Refetched by the revoke command itself (no waiting for crl_cache_refresh_interval, 15m).
    const cdp = (await status()).find((n) => n.id === 'crl')?.children?.find((n) => n.id === `cdp:${cdpUrl}`);
    assert.match(cdp?.description ?? '', /· 1 revoked · .* · 2 fetch\(es\)/);
    const err = await connect(started.port, caFile, device).then(() => undefined, (e: Error & { code?: string }) => e);
    assert.ok(err, 'the revoked device connected');
    assert.match(`${err.code} ${err.message}`, /certificate revoked|CERTIFICATE_REVOKED/i);
    const rejection = (await status()).find((n) => n.id === 'rejections')?.children?.find((n) => n.label === 'device-cdp');
    assert.ok(rejection, 'no rejection listed for the revoked device');
    assert.match(rejection.description ?? '', /^certificate revoked: .* · alert certificate_revoked$/);
    assert.match(rejection.tooltip ?? '', /alert certificate_revoked \(44\) sent/);
  });

  it('Stop Local TLS Broker stops the CRL server it started', async () => {
    const { result } = await quietly<boolean>('certscope.broker.stop');
    assert.equal(result, true);
    assert.equal(await canConnect(started.port), false);
    assert.equal(await canConnect(crlPort), false);
    assert.equal((await status()).find((n) => n.id === 'published'), undefined);
  });
});
