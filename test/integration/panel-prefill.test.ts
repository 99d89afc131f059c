// The connection test panel takes its inputs from the command's args, the running local broker and
// the trees, in the real extension host: `certscope.test.open` with args pre-fills the form (the
// typed `prefill` message after `ready`), a missing file is reported instead of failing, a new
// panel defaults to the running broker's URL and CA, and "Test Connection with This Certificate"
// on a CA-issued client certificate fills in its cert and key; a run with that form against the
// local broker works, and after Revoke Certificate reports certificate_revoked.
import { strict as assert } from 'node:assert';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TestPanelHost } from '../../src/extension/panel/testPanel';
import { DEFAULT_FORM, type FormState, type HostMessage } from '../../src/webview/protocol';
import { nextPost, prefillAfterReady, quietly, stopServersAndRemove, workspaceRoot } from './loop-helpers';

interface Issued { serialHex: string; subject: string; cert: string; key: string }
interface Started { port: number; url: string }
interface ViewNode { kind: string; dir?: string; subject?: string; serialHex?: string; children?: ViewNode[] }
type Prefill = Extract<HostMessage, { type: 'prefill' }>;

async function runForm(host: TestPanelHost, id: number, form: FormState): Promise<HostMessage> {
  return nextPost(host, (m) => (m.type === 'runResult' || m.type === 'runError') && m.id === id, () => host.receive({ type: 'run', id, form }));
}

describe('connection test panel pre-fill (args, local broker, trees)', function () {
  this.timeout(90_000);
  const dir = join(workspaceRoot(), `it-prefill-${process.pid}`);
  const caFile = join(dir, 'ca.crt');
  let client: Issued;
  let host: TestPanelHost | undefined;

  before(async () => {
    await quietly('certscope.ca.create', { dir, cn: 'IT Prefill CA', key: 'p256' });
    await quietly('certscope.ca.issueServer', { caDir: dir, cn: 'localhost', sans: ['localhost', '127.0.0.1'], key: 'p256', days: 30 });
    client = (await quietly<Issued>('certscope.ca.issueClient', { caDir: dir, cn: 'prefill-device', sans: [], key: 'p256', days: 30 })).result;
    assert.ok(client?.cert && existsSync(caFile), 'the fixture CA was not created');
  });

  afterEach(() => {
    host?.dispose();
    host = undefined;
  });

  after(() => stopServersAndRemove(dir));

  it('open with args pre-fills url, files (path and file URI), TLS, OCSP and MQTT version', async () => {
    const args = { url: 'mqtts://broker.example.invalid:8884', ca: caFile, cert: client.cert, key: vscode.Uri.file(client.key).toString(), tls: '1.3', ocsp: false, mqtt: '5' };
    host = (await vscode.commands.executeCommand('certscope.test.open', args)) as TestPanelHost;
    assert.ok(host, 'certscope.test.open did not return the panel host');
    const p = await prefillAfterReady(host);
    assert.deepEqual(p.form, { url: args.url, caPath: caFile, certPath: client.cert, keyPath: client.key, tlsVersion: '1.3', requestOcsp: false, mqttVersion: '5' });
    assert.match(p.message ?? '', /values passed to the command/);

    // Already open and ready: new args are posted at once; a missing file is a message, not a crash.
    const missing = join(dir, 'nope.pem');
    const again = (await nextPost(host, (m) => m.type === 'prefill', () => vscode.commands.executeCommand('certscope.test.open', { cert: missing, mqtt: '7' }))) as Prefill;
    assert.equal(again.form.certPath, undefined);
    assert.match(again.message ?? '', new RegExp(`Client certificate: .*nope\\.pem does not exist`));
    assert.match(again.message ?? '', /MQTT version "7" is not 3\.1\.1 or 5/);
  });

  it('with the local broker running, a new panel defaults to its URL and CA; args still win', async () => {
    const { result: started, errors } = await quietly<Started>('certscope.broker.start', { caDir: dir, port: 0, wssPort: null });
    assert.deepEqual(errors, []);
    host = (await vscode.commands.executeCommand('certscope.test.open')) as TestPanelHost;
    const p = await prefillAfterReady(host);
    assert.equal(p.form.url, `mqtts://localhost:${started.port}`);
    assert.ok(p.form.caPath && existsSync(p.form.caPath) && p.form.caPath.startsWith(dir), `CA: ${p.form.caPath}`);
    assert.match(p.message ?? '', /running local broker/);

    const overridden = (await nextPost(host, (m) => m.type === 'prefill', () => vscode.commands.executeCommand('certscope.test.open', { url: 'mqtts://other.invalid:1' }))) as Prefill;
    assert.equal(overridden.form.url, 'mqtts://other.invalid:1');
  });

  it('"Test Connection with This Certificate" on a CA-issued client certificate: works, then certificate_revoked after revoking', async () => {
    const roots = await vscode.commands.executeCommand<ViewNode[]>('certscope.ca.refresh');
    const certs = roots.find((r) => r.dir === dir)?.children?.find((c) => c.kind === 'caGroup')?.children ?? [];
    const node = certs.find((c) => c.serialHex === client.serialHex);
    assert.ok(node, `the CA view does not list ${client.serialHex}`);
    host = (await vscode.commands.executeCommand('certscope.test.withCertificate', node)) as TestPanelHost;
    assert.ok(host, 'the command did not return the panel host');
    const p = await prefillAfterReady(host);
    assert.equal(p.form.certPath, client.cert);
    assert.equal(p.form.keyPath, client.key);
    assert.match(p.form.url ?? '', /^mqtts:\/\/localhost:\d+$/);
    assert.ok(p.form.caPath);

    // MQTT 3.1.1 until the local broker speaks MQTT 5 (the probe's default).
    const form: FormState = { ...DEFAULT_FORM, ...p.form, requestOcsp: false, timeoutSeconds: 5, mqttVersion: '3.1.1' };
    const ok = await runForm(host, 1, form);
    assert.ok(ok.type === 'runResult' && ok.result.ok, JSON.stringify(ok).slice(0, 2000));

    const { errors } = await quietly('certscope.ca.revoke', { file: client.cert, reason: 'keyCompromise', confirmed: true });
    assert.deepEqual(errors, []);
    // The broker reloads crl.pem when it changes: retry until the handshake sees the new CRL.
    let last: HostMessage | undefined;
    for (let i = 2; i < 40; i++) {
      last = await runForm(host, i, form);
      if (last.type === 'runResult' && last.result.alerts.some((a) => a.name === 'certificate_revoked')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(last?.type === 'runResult' && !last.result.ok, JSON.stringify(last).slice(0, 2000));
    assert.ok(last.result.alerts.some((a) => a.direction === 'received' && a.name === 'certificate_revoked' && a.number === 44));
  });

  it('"Test Connection with This Certificate" on a Workspace PKI certificate uses the key paired with it', async () => {
    // The same certificate may sit in several files (issued/<name>/cert.pem, the CA's certs/<SERIAL>.pem): match it by fingerprint.
    const sha256 = new X509Certificate(readFileSync(client.cert)).fingerprint256.replace(/:/g, '').toLowerCase();
    const snap = await vscode.commands.executeCommand<{ nodes: Array<{ kind: string; location?: { file: string }; fingerprint?: string }> }>('certscope.tree.refresh');
    const node = snap.nodes.find((n) => n.kind === 'cert' && n.fingerprint?.toLowerCase() === sha256);
    assert.ok(node, `the Workspace PKI view does not list ${client.cert}`);
    host = (await vscode.commands.executeCommand('certscope.test.withCertificate', node)) as TestPanelHost;
    const p = await prefillAfterReady(host);
    assert.ok(p.form.certPath, JSON.stringify(p));
    assert.equal(new X509Certificate(readFileSync(p.form.certPath)).fingerprint256.replace(/:/g, '').toLowerCase(), sha256);
    assert.equal(p.form.keyPath, client.key);
  });

  it('refuses a node that is not a certificate, with a message', async () => {
    const { result, errors } = await quietly('certscope.test.withCertificate', { kind: 'crl' });
    assert.equal(result, undefined);
    assert.match(errors.join('\n'), /Select a certificate/);
  });
});
