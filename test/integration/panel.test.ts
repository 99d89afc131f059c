// The connection test panel inside the real extension host: the command opens a webview with a
// strict CSP, the host answers the typed protocol (ready -> init, profiles with the password in
// SecretStorage), and a run against a real local broker (CRL check) returns the
// certificate_revoked alert with its diagnosis for a revoked device and a working connection
// for a good one.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { initCa } from '../../src/core/ca/index';
import { TlsMqttBroker } from '../../src/core/broker/broker';
import { resolveBrokerConfig } from '../../src/core/broker/config';
import type { TestPanelHost } from '../../src/extension/panel/testPanel';
import { DEFAULT_FORM, type FormState, type HostMessage } from '../../src/webview/protocol';

/** Sends one message as the webview would and resolves with the first reply that matches. */
async function exchange(host: TestPanelHost, message: unknown, accept: (m: HostMessage) => boolean, timeoutMs = 20_000): Promise<HostMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { sub.dispose(); reject(new Error(`no reply to ${JSON.stringify(message).slice(0, 80)}`)); }, timeoutMs);
    const sub = host.onDidPost((m) => {
      if (!accept(m)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(m);
    });
    void host.receive(message);
  });
}

describe('connection test panel', function () {
  this.timeout(60_000);
  let host: TestPanelHost;
  const dir = mkdtempSync(join(tmpdir(), 'certscope-panel-'));
  let broker: TlsMqttBroker | undefined;

  before(async () => {
    host = (await vscode.commands.executeCommand('certscope.test.open')) as TestPanelHost;
    assert.ok(host, 'certscope.test.open did not return the panel host');
  });
  after(async () => {
    await broker?.stop();
    host?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens a webview whose CSP allows only our nonce\'d script and stylesheet', () => {
    const html = host.panel.webview.html;
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    assert.match(csp, /^default-src 'none';/);
    const nonce = /script-src 'nonce-([A-Za-z0-9+/=]{20,})'/.exec(csp)?.[1];
    assert.ok(nonce, csp);
    assert.ok(html.includes(`<script nonce="${nonce}" src="`), 'the script tag carries the nonce');
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(host.panel.title, 'Connection Test');
  });

  it('the same command reveals the same panel', async () => {
    const again = (await vscode.commands.executeCommand('certscope.test.open')) as TestPanelHost;
    assert.equal(again, host);
  });

  it('answers ready with init; ignores malformed messages', async () => {
    const init = await exchange(host, { type: 'ready' }, (m) => m.type === 'init');
    assert.equal(init.type, 'init');
    let posted = 0;
    const sub = host.onDidPost(() => { posted++; });
    await host.receive({ type: 'run', id: 1, form: { url: 42 } });
    await host.receive('garbage');
    sub.dispose();
    assert.equal(posted, 0);
  });

  it('saves a profile with its password in secret storage, loads and deletes it', async () => {
    const form: FormState = { ...DEFAULT_FORM, url: 'mqtts://example.invalid:8883', username: 'dev', password: 's3cret' };
    const saved = await exchange(host, { type: 'saveProfile', id: 11, name: 'lab broker', form }, (m) => m.type === 'profiles' && m.id === 11);
    assert.ok(saved.type === 'profiles' && saved.profiles.some((p) => p.name === 'lab broker' && p.hasPassword));
    const loaded = await exchange(host, { type: 'loadProfile', id: 12, name: 'lab broker' }, (m) => m.type === 'profileLoaded' && m.id === 12);
    assert.ok(loaded.type === 'profileLoaded');
    assert.equal(loaded.form.password, 's3cret');
    assert.equal(loaded.form.url, 'mqtts://example.invalid:8883');
    const deleted = await exchange(host, { type: 'deleteProfile', id: 13, name: 'lab broker' }, (m) => m.type === 'profiles' && m.id === 13);
    assert.ok(deleted.type === 'profiles' && !deleted.profiles.some((p) => p.name === 'lab broker'));
  });

  it('runs the probe against a local broker: the revoked device gets certificate_revoked, the good one works', async () => {
    const ca = await initCa(join(dir, 'ca'), { subject: '/CN=Panel Test CA' });
    const server = await ca.issue({ profile: 'server', name: 'broker', subject: '/CN=localhost', dns: ['localhost'], ip: ['127.0.0.1'] });
    const good = await ca.issue({ profile: 'client', name: 'good', subject: '/CN=panel-good' });
    const bad = await ca.issue({ profile: 'client', name: 'bad', subject: '/CN=panel-revoked' });
    await ca.revoke(bad.paths.cert, 'keyCompromise');
    broker = new TlsMqttBroker(resolveBrokerConfig({
      port: 0, wssPort: null, certfile: server.paths.cert, keyfile: server.paths.key, cacertfile: ca.paths.certificate,
      enable_crl_check: true, crl_files: [ca.paths.crlPem],
    }, dir));
    const port = (await broker.start())[0].port;
    // MQTT 3.1.1 until the local broker speaks MQTT 5 (the probe's default).
    const base: FormState = { ...DEFAULT_FORM, url: `mqtts://localhost:${port}`, caPath: ca.paths.certificate, requestOcsp: false, timeoutSeconds: 5, mqttVersion: '3.1.1' };

    const revoked = await exchange(host, { type: 'run', id: 21, form: { ...base, certPath: bad.paths.cert, keyPath: bad.paths.key! } }, (m) => (m.type === 'runResult' || m.type === 'runError') && m.id === 21);
    assert.equal(revoked.type, 'runResult', JSON.stringify(revoked));
    if (revoked.type !== 'runResult') return;
    assert.equal(revoked.result.ok, false);
    assert.ok(revoked.result.alerts.some((a) => a.direction === 'received' && a.name === 'certificate_revoked' && a.number === 44));
    assert.ok(revoked.result.diagnosis.some((d) => d.kind === 'revoked' && /CN=panel-revoked/.test(d.cause)));

    const ok = await exchange(host, { type: 'run', id: 22, form: { ...base, certPath: good.paths.cert, keyPath: good.paths.key! } }, (m) => (m.type === 'runResult' || m.type === 'runError') && m.id === 22);
    assert.ok(ok.type === 'runResult' && ok.result.ok, JSON.stringify(ok).slice(0, 2000));
    assert.equal(ok.type === 'runResult' && ok.result.mqtt?.connack?.code, 0);

    // "Open as text" puts the same trace the CLI prints into an editor.
    const opened = await exchange(host, { type: 'openTrace', id: 23 }, (m) => m.type === 'traceOpened' && m.id === 23);
    assert.ok(opened.type === 'traceOpened' && opened.ok);
    const text = vscode.window.activeTextEditor?.document.getText() ?? '';
    assert.match(text, new RegExp(`^Probe mqtts://localhost:${port}`));
    assert.match(text, /Result: the connection works/);
    assert.doesNotMatch(text, /PRIVATE KEY/);
  });

  it('Cancel stops a run against a server that never answers', async () => {
    const net = await import('node:net');
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const port = (silent.address() as { port: number }).port;
      const done = exchange(host, { type: 'run', id: 41, form: { ...DEFAULT_FORM, url: `mqtts://127.0.0.1:${port}`, timeoutSeconds: 60 } }, (m) => m.type === 'runResult' && m.id === 41);
      await new Promise((r) => setTimeout(r, 300));
      await host.receive({ type: 'cancel', id: 42, runId: 41 });
      const r = await done;
      assert.ok(r.type === 'runResult' && r.result.diagnosis.some((d) => d.kind === 'cancelled'));
    } finally {
      silent.close();
    }
  });

  it('a missing file is reported as a run error, not a crash', async () => {
    const r = await exchange(host, { type: 'run', id: 31, form: { ...DEFAULT_FORM, caPath: join(dir, 'nope.pem') } }, (m) => m.type === 'runError' && m.id === 31);
    assert.ok(r.type === 'runError' && /CA file: cannot read .*nope\.pem \(ENOENT\)/.test(r.message));
  });
});
