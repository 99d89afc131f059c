// Actions started from a CA node of the Certificate Authorities view act on that CA (issue 10 §1):
// with two CAs in the workspace, the context-menu commands receive the clicked node and must
// neither ask for the CA again nor write into a folder named after it. Each result is checked
// with openssl against the clicked CA's certificate. Issuing never replaces an earlier device's
// folder and key: the same CN goes to a new folder, a taken name asks first.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import * as tls from 'node:tls';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { quietly, run, withWindowStubs, workspaceRoot } from './loop-helpers';

interface Issued { serialHex: string; subject: string; cert: string; key: string; chain: string; fullchain: string; dir: string }
interface ViewNode { kind: string; id: string; name?: string; dir?: string; children?: ViewNode[] }

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The CA's node exactly as the tree hands it to a context-menu command (no children). */
async function caNode(dir: string): Promise<ViewNode> {
  const roots = await vscode.commands.executeCommand<ViewNode[]>('certscope.ca.refresh');
  const node = roots.find((r) => r.kind === 'ca' && r.dir === dir);
  assert.ok(node, `the CA view does not list ${dir}`);
  const { children: _children, ...plain } = node;
  return plain;
}

function fetchBytes(url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    get(url, { timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks)));
    }).on('error', reject);
  });
}

function serverCertificate(port: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false }, () => {
      const raw = s.getPeerCertificate().raw;
      s.destroy();
      resolve(raw);
    });
    s.on('error', reject);
  });
}

/** Answers the steps of a command; a QuickPick that offers CAs (or anything unexpected) is recorded and cancelled. */
function answering(inputs: string[], picks: Record<string, string> = {}) {
  const unexpected: string[] = [];
  return {
    unexpected,
    stubs: {
      showInputBox: () => inputs.shift(),
      showQuickPick: (items: Array<{ label: string }>, o?: { placeHolder?: string }) => {
        const want = picks[o?.placeHolder ?? ''];
        const hit = want ? items.find((i) => i.label === want) : undefined;
        if (!hit) unexpected.push(`${o?.placeHolder ?? 'QuickPick'}: ${items.map((i) => i.label).join(', ')}`);
        return hit;
      },
      showInformationMessage: () => undefined,
      showErrorMessage: (m: string) => { unexpected.push(`error: ${m}`); return undefined; },
      showWarningMessage: (m: string) => { unexpected.push(`warning: ${m}`); return undefined; },
    },
  };
}

describe('CA node actions act on the clicked CA (two CAs in the workspace)', function () {
  this.timeout(90_000);
  const first = join(workspaceRoot(), `it-node-a-${process.pid}`);
  const second = join(workspaceRoot(), `it-node-b-${process.pid}`);
  const config = vscode.workspace.getConfiguration('certscope.broker');

  before(async () => {
    for (const [dir, cn] of [[first, 'Node CA One'], [second, 'Node CA Two']]) {
      const { errors } = await quietly('certscope.ca.create', { dir, cn, key: 'p256', days: 30 });
      assert.deepEqual(errors, []);
      const srv = await quietly('certscope.ca.issueServer', { caDir: dir, cn: 'localhost', sans: ['localhost', '127.0.0.1'], key: 'p256', days: 30 });
      assert.deepEqual(srv.errors, []);
    }
    // Started from a node, the broker takes its ports from the settings: free ones, no WebSocket.
    await config.update('port', 0, vscode.ConfigurationTarget.Global);
    await config.update('wssPort', null, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await quietly('certscope.broker.stop');
    await quietly('certscope.ocsp.stop');
    await quietly('certscope.ca.unpublishCrl');
    await config.update('port', undefined, vscode.ConfigurationTarget.Global);
    await config.update('wssPort', undefined, vscode.ConfigurationTarget.Global);
    for (const d of [first, second]) rmSync(d, { recursive: true, force: true });
  });

  for (const [command, profile] of [['certscope.ca.issueServer', 'server'], ['certscope.ca.issueClient', 'client']] as const) {
    it(`${command} from the node issues from that CA into issued/<CN>/, never over an earlier device`, async () => {
      const node = await caNode(second);
      const cn = `node-${profile}`;
      const a = answering([cn, '', '30'], { 'Key type': 'p256' });
      const { result } = await withWindowStubs(a.stubs, () => vscode.commands.executeCommand<Issued>(command, node));
      assert.deepEqual(a.unexpected, [], 'the command asked for the CA again or failed');
      assert.equal(result.dir, join(second, 'issued', cn));
      const v = await run('openssl', ['verify', '-CAfile', join(second, 'ca.crt'), result.cert]);
      assert.match(v.out, /: OK/, v.out);
      assert.equal(existsSync(join(second, 'issued', 'Node CA Two')) || existsSync(join(second, 'issued', 'Node_CA_Two')), false, 'wrote into a folder named after the CA');
      // The same CN again: a new folder; the first device's key is untouched.
      const key = sha(result.key);
      const b = answering([cn, '', '30'], { 'Key type': 'p256' });
      const { result: again } = await withWindowStubs(b.stubs, () => vscode.commands.executeCommand<Issued>(command, node));
      assert.deepEqual(b.unexpected, []);
      assert.equal(again.dir, join(second, 'issued', `${cn}-2`));
      assert.equal(sha(result.key), key, 'the earlier key was replaced');
    });
  }

  it('a taken name is never replaced: the user is asked, and declining writes nothing', async () => {
    const index = readFileSync(join(second, 'index.txt'), 'utf8');
    const key = sha(join(second, 'issued', 'node-client', 'key.pem'));
    const args = { caDir: second, cn: 'other', sans: [], key: 'p256', days: 30, name: 'node-client' };
    const asked = await withWindowStubs({ showWarningMessage: () => undefined }, () => vscode.commands.executeCommand('certscope.ca.issueClient', args));
    assert.equal(asked.result, undefined);
    assert.match(String(asked.calls.showWarningMessage[0]), /issued\/node-client already holds a certificate and its private key/);
    assert.equal(readFileSync(join(second, 'index.txt'), 'utf8'), index);
    const accepted = await withWindowStubs({ showWarningMessage: (_m: string, _o: unknown, use: string) => use, showInformationMessage: () => undefined },
      () => vscode.commands.executeCommand<Issued>('certscope.ca.issueClient', args));
    assert.equal(accepted.result.dir, join(second, 'issued', 'node-client-3'));
    assert.equal(sha(join(second, 'issued', 'node-client', 'key.pem')), key);
  });

  it('Publish CRL from the node serves that CA\'s CRL', async () => {
    const a = answering([]);
    const { result } = await withWindowStubs(a.stubs, async () => vscode.commands.executeCommand<{ derUrl: string }>('certscope.ca.publishCrl', await caNode(second)));
    assert.deepEqual(a.unexpected, []);
    const crl = join(second, 'fetched-node.crl');
    writeFileSync(crl, await fetchBytes(result.derUrl));
    const v = await run('openssl', ['crl', '-inform', 'DER', '-in', crl, '-noout', '-issuer', '-CAfile', join(second, 'ca.crt')]);
    assert.match(v.out, /verify OK/, v.out);
    assert.match(v.out, /CN ?= ?Node CA Two/);
  });

  it('Start OCSP Responder from the node answers for that CA (openssl ocsp)', async () => {
    const a = answering([]);
    const { result } = await withWindowStubs(a.stubs, async () => vscode.commands.executeCommand<{ url: string }>('certscope.ocsp.start', await caNode(second)));
    assert.deepEqual(a.unexpected, []);
    const cert = join(second, 'issued', 'localhost', 'cert.pem');
    const o = await run('openssl', ['ocsp', '-issuer', join(second, 'ca.crt'), '-cert', cert, '-url', result.url, '-CAfile', join(second, 'ca.crt')]);
    assert.match(o.out, /Response verify OK/, o.out);
    assert.match(o.out, /: good/, o.out);
    await quietly('certscope.ocsp.stop');
  });

  it('Start Local TLS Broker from the node serves that CA\'s server certificate', async () => {
    // That CA has several server certificates by now: the broker asks which one (not which CA).
    const a = answering([], { 'Server certificate for the broker': 'localhost' });
    const { result } = await withWindowStubs(a.stubs, async () => vscode.commands.executeCommand<{ port: number }>('certscope.broker.start', await caNode(second)));
    assert.deepEqual(a.unexpected, []);
    const served = join(second, 'served.pem');
    writeFileSync(served, `-----BEGIN CERTIFICATE-----\n${(await serverCertificate(result.port)).toString('base64')}\n-----END CERTIFICATE-----\n`);
    const v = await run('openssl', ['verify', '-CAfile', join(second, 'ca.crt'), served]);
    assert.match(v.out, /: OK/, v.out);
    await quietly('certscope.broker.stop');
  });

  it('Export Broker Configuration from the node uses that CA\'s files', async () => {
    const a = answering([], { Broker: 'mosquitto (mosquitto.conf)', 'Server certificate for the broker': 'localhost' });
    const { result } = await withWindowStubs(a.stubs, async () => vscode.commands.executeCommand<{ text: string }>('certscope.broker.exportConfig', await caNode(second)));
    assert.deepEqual(a.unexpected.filter((u) => !u.startsWith('warning:')), []);
    assert.ok(result.text.includes(join(second, 'issued', 'localhost')), result.text);
    assert.ok(!result.text.includes(first), 'the export names files of the other CA');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
