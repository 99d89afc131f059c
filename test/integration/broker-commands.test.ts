// The local broker and OCSP responder commands in the real extension host, against real peers:
// mosquitto_pub (Debian mosquitto-clients) publishes with a good client certificate, and
// `openssl s_client` sees the broker's certificate_revoked alert after "Revoke Certificate";
// `openssl ocsp` asks the responder started by the command. The Local Broker view (through
// certscope.broker.status) lists the rejection with its reason.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import mqtt from 'mqtt';
import { brokerStatus as status, canConnect, quietly, run, withWindowStubs, workspaceRoot, type BrokerNode } from './loop-helpers';

interface Issued { serialHex: string; subject: string; cert: string; key: string; fullchain: string }
interface Started { port: number; url: string; stapling: boolean; crlCheck: boolean; profile: string }
type Node = BrokerNode;

function mosquittoPub(port: number, caFile: string, c: Issued): Promise<{ code: number; out: string }> {
  return run('mosquitto_pub', ['-h', 'localhost', '-p', String(port), '--cafile', caFile, '--cert', c.cert, '--key', c.key,
    '-t', 'certscope/it', '-m', 'hello', '-q', '1', '-i', `it-${c.serialHex.slice(0, 8)}`]);
}

function sClient(port: number, caFile: string, c: Issued, extra: string[] = []): Promise<{ code: number; out: string }> {
  return run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-CAfile', caFile, '-cert', c.cert, '-key', c.key, ...extra]);
}

describe('broker and OCSP commands (extension host)', function () {
  this.timeout(90_000);
  const dir = join(workspaceRoot(), `it-broker-${process.pid}`);
  const caFile = join(dir, 'ca.crt');
  let good: Issued;
  let bad: Issued;
  let started: Started;

  before(async () => {
    // A CA without CRL distribution points (as made before Certscope wrote them): the emqx4 fallback.
    await quietly('certscope.ca.create', { dir, cn: 'IT Broker CA', key: 'p256', crlUrls: [] });
    await quietly('certscope.ca.issueServer', { caDir: dir, cn: 'localhost', sans: ['localhost', '127.0.0.1'], key: 'p256', days: 30 });
    good = (await quietly<Issued>('certscope.ca.issueClient', { caDir: dir, cn: 'device-good', sans: [], key: 'p256', days: 30 })).result;
    bad = (await quietly<Issued>('certscope.ca.issueClient', { caDir: dir, cn: 'device-bad', sans: [], key: 'p256', days: 30 })).result;
  });

  after(async () => {
    await quietly('certscope.broker.stop');
    await quietly('certscope.ocsp.stop');
    rmSync(dir, { recursive: true, force: true });
  });

  it('readiness Problems: EMQX 5 (the default profile) would refuse client certificates without a CRL distribution point', async () => {
    let found: { uri: vscode.Uri; d: vscode.Diagnostic } | undefined;
    for (let i = 0; i < 150 && !found; i++) {
      for (const [uri, diags] of vscode.languages.getDiagnostics()) {
        const d = diags.find((x) => x.code === 'no-cdp' && x.source === 'Certscope readiness (emqx5)' && uri.fsPath.startsWith(dir));
        if (d) found = { uri, d };
      }
      if (!found) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(found, 'no readiness problem for the CA');
    assert.match(found.d.message, /^2 client certificate\(s\) without a CRL distribution point: EMQX 5 refuses them/);
    assert.equal(found.d.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(found.d.relatedInformation?.[0]?.location.uri.fsPath, caFile);
  });

  it('Start Local TLS Broker: listens with CRL check and a good OCSP staple (openssl s_client -status)', async () => {
    const { result, errors } = await quietly<Started>('certscope.broker.start', { caDir: dir, port: 0, wssPort: null });
    assert.deepEqual(errors, []);
    started = result;
    assert.ok(started.port > 0);
    assert.equal(started.crlCheck, true);
    assert.equal(started.stapling, true);
    // The CA's client certificates carry no CRL distribution point: EMQX 5 would refuse them all.
    assert.equal(started.profile, 'emqx4');
    const s = await sClient(started.port, caFile, good, ['-status', '-tls1_2']);
    assert.match(s.out, /OCSP Response Status: successful/);
    assert.match(s.out, /Cert Status: good/);
    assert.match(s.out, /Verify return code: 0 \(ok\)/);
    const nodes = await status();
    assert.equal(nodes[0].label, 'Running');
    assert.match(nodes[0].description ?? '', new RegExp(`:${started.port}$`));
    const staple = nodes.find((n) => n.id === 'staple')?.children?.[0];
    assert.match(staple?.description ?? '', /^good/);
  });

  it('a second start starts nothing: it says the broker runs (its URL) and resolves to it', async () => {
    const { result, calls } = await withWindowStubs({ showInformationMessage: () => undefined, showErrorMessage: () => undefined },
      () => vscode.commands.executeCommand<Started & { alreadyRunning?: boolean }>('certscope.broker.start', { caDir: dir, port: 0, wssPort: null }));
    assert.deepEqual(calls.showErrorMessage, []);
    assert.equal(result.port, started.port);
    assert.equal(result.alreadyRunning, true);
    assert.match(String(calls.showInformationMessage[0]), new RegExp(`already running on mqtts://localhost:${started.port}\\.`));
  });

  it('mosquitto_pub publishes with the good client certificate; the view counts the accepted client', async () => {
    const r = await mosquittoPub(started.port, caFile, good);
    assert.equal(r.code, 0, r.out);
    const state = (await status())[0];
    assert.match(state.tooltip ?? '', /accepted [1-9]/);
  });

  for (const [protocolVersion, name] of [[4, '3.1.1'], [5, '5.0']] as const) it(`a connected mqtt.js MQTT ${name} client is listed with its CN, MQTT and TLS version while it stays connected`, async () => {
    const client = mqtt.connect(`mqtts://localhost:${started.port}`, {
      ca: readFileSync(caFile), cert: readFileSync(good.cert), key: readFileSync(good.key),
      clientId: 'it-connected', reconnectPeriod: 0, connectTimeout: 10_000, protocolVersion,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('error', reject);
      });
      let listed: Node | undefined;
      for (let i = 0; i < 50 && !listed; i++) {
        listed = (await status()).find((n) => n.id === 'clients')?.children?.find((c) => c.label === 'device-good' && c.description?.startsWith(`MQTT ${name} `));
        if (!listed) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(listed, 'the connected client is not in the Local Broker view');
      assert.equal(listed.description?.split(' · ').slice(0, 3).join(' · '), `MQTT ${name} · TLSv1.3 · it-connected`);
    } finally {
      await client.endAsync();
    }
  });

  it('after Revoke Certificate, the revoked client gets certificate_revoked and the view lists the rejection', async () => {
    const before = await mosquittoPub(started.port, caFile, bad);
    assert.equal(before.code, 0, `the client was refused before revocation: ${before.out}`);
    const { errors } = await quietly('certscope.ca.revoke', { file: bad.cert, reason: 'keyCompromise', confirmed: true });
    assert.deepEqual(errors, []);
    // The broker watches crl.pem; the next handshake after the reload must be refused.
    let s = { code: 0, out: '' };
    for (let i = 0; i < 50; i++) {
      s = await sClient(started.port, caFile, bad, ['-tls1_2']);
      if (/alert certificate revoked/i.test(s.out)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.match(s.out, /alert certificate revoked/i);
    const pub = await mosquittoPub(started.port, caFile, bad);
    assert.notEqual(pub.code, 0, 'mosquitto_pub succeeded with a revoked certificate');
    const stillGood = await mosquittoPub(started.port, caFile, good);
    assert.equal(stillGood.code, 0, stillGood.out);
    const rejections = (await status()).find((n) => n.id === 'rejections')?.children ?? [];
    const hit = rejections.find((n) => n.label === 'device-bad');
    assert.ok(hit, `no rejection of device-bad: ${JSON.stringify(rejections)}`);
    assert.match(hit.description ?? '', /revoked/i);
    assert.match(hit.description ?? '', /certificate_revoked/);
  });

  it('Export Broker Configuration: EMQX 4.x lines with the files the broker runs on', async () => {
    const out = join(dir, 'emqx.conf');
    const { result } = await quietly<{ text: string }>('certscope.broker.exportConfig', { flavor: 'emqx4', caDir: dir, port: 8883, outFile: out });
    assert.ok(existsSync(out));
    assert.match(result.text, /^listener\.ssl\.external = 127\.0\.0\.1:8883$/m);
    assert.match(result.text, /^listener\.ssl\.external\.enable_crl_check = true$/m);
    assert.match(result.text, new RegExp(`^listener\\.ssl\\.external\\.cacertfile = .*${dir.split('/').pop()}`, 'm'));
    assert.match(result.text, /^listener\.ssl\.external\.ocsp_responder_url = http:\/\/127\.0\.0\.1:\d+\/$/m);
  });

  it('Stop Local TLS Broker releases the port and stops the responder it started', async () => {
    const { result } = await quietly<boolean>('certscope.broker.stop');
    assert.equal(result, true);
    assert.equal(await canConnect(started.port), false);
    const nodes = await status();
    assert.equal(nodes[0].label, 'Stopped');
    assert.match(nodes.find((n) => n.id === 'ocsp')?.description ?? '', /stopped/);
  });

  it('Start OCSP Responder answers openssl ocsp: revoked for the revoked client, good for the other', async () => {
    const { result } = await quietly<{ url: string }>('certscope.ocsp.start', { caDir: dir });
    assert.match(result.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const ask = (c: Issued) => run('openssl', ['ocsp', '-issuer', caFile, '-cert', c.cert, '-url', result.url, '-CAfile', caFile, '-timeout', '10']);
    const r1 = await ask(bad);
    assert.match(r1.out, /Response verify OK/);
    assert.match(r1.out, /: revoked/);
    const r2 = await ask(good);
    assert.match(r2.out, /: good/);
    const { result: stopped } = await quietly<boolean>('certscope.ocsp.stop');
    assert.equal(stopped, true);
  });

  it('Restart Local TLS Broker comes back on a new port', async () => {
    const { result } = await quietly<Started>('certscope.broker.restart', { caDir: dir, port: 0, wssPort: null });
    assert.ok(result.port > 0);
    assert.equal(await canConnect(result.port), true);
    await quietly('certscope.broker.stop');
  });
});
