// The CA commands in the real extension host, on a CA created in the fixture workspace. What the
// commands wrote is checked with the openssl CLI (verify, crl_check, crl -text), never with our own
// decoder. One test drives the interactive path (InputBox/QuickPick/confirmation answered by stubs).
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { quietly, run, withWindowStubs, workspaceRoot } from './loop-helpers';

interface Issued { serialHex: string; subject: string; cert: string; key: string; chain: string; fullchain: string }
interface ViewNode { kind: string; id: string; name?: string; dir?: string; status?: string; subject?: string; serialHex?: string; crlNumber?: string; entries?: number; url?: string; children?: ViewNode[] }

function fetchBytes(url: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

async function caView(dir: string): Promise<ViewNode> {
  const roots = await vscode.commands.executeCommand<ViewNode[]>('certscope.ca.refresh');
  const ca = roots.find((r) => r.dir === dir);
  assert.ok(ca, `the CA view does not list ${dir}: ${JSON.stringify(roots.map((r) => r.dir))}`);
  return ca;
}

function certsOf(ca: ViewNode): ViewNode[] {
  return ca.children?.find((c) => c.kind === 'caGroup')?.children ?? [];
}

describe('CA commands (extension host)', function () {
  this.timeout(60_000);
  const dir = join(workspaceRoot(), `it-ca-${process.pid}`);
  let server: Issued;
  let client: Issued;

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('Create Development CA writes a CA that openssl reads, and the view lists it', async () => {
    const { result, errors } = await quietly<string>('certscope.ca.create', { dir, cn: 'IT Root', key: 'p256', days: 30 });
    assert.deepEqual(errors, []);
    assert.equal(result, dir);
    const subject = await run('openssl', ['x509', '-in', join(dir, 'ca.crt'), '-noout', '-subject', '-nameopt', 'RFC2253']);
    assert.match(subject.out, /subject=CN=IT Root/);
    assert.equal(statSync(join(dir, 'ca.key')).mode & 0o777, 0o600);
    const crl = await run('openssl', ['crl', '-in', join(dir, 'crl.pem'), '-noout', '-crlnumber']);
    assert.equal(crl.code, 0, crl.out);
    const node = await caView(dir);
    assert.equal(node.name, 'IT Root');
    assert.deepEqual(certsOf(node), []);
  });

  it('refuses a second CA in the same folder and an unknown key type, with specific messages', async () => {
    const again = await quietly('certscope.ca.create', { dir, cn: 'Again', key: 'p256' });
    assert.equal(again.result, undefined);
    assert.match(again.errors.join('\n'), /is not empty: choose a new folder/);
    const other = join(workspaceRoot(), `it-ca-bad-${process.pid}`);
    const bad = await quietly('certscope.ca.create', { dir: other, cn: 'Bad', key: 'rsa1024' });
    assert.match(bad.errors.join('\n'), /unknown key type "rsa1024"/);
    assert.equal(existsSync(other), false);
  });

  it('Issue Server Certificate: SANs, serverAuth, key 0600; openssl verify says OK', async () => {
    const { result, errors } = await quietly<Issued>('certscope.ca.issueServer', { caDir: dir, cn: 'localhost', sans: ['localhost', '127.0.0.1'], key: 'p256', days: 30 });
    assert.deepEqual(errors, []);
    server = result;
    const v = await run('openssl', ['verify', '-CAfile', join(dir, 'ca.crt'), '-purpose', 'sslserver', server.cert]);
    assert.match(v.out, /: OK/);
    const text = (await run('openssl', ['x509', '-in', server.cert, '-noout', '-ext', 'subjectAltName,extendedKeyUsage'])).out;
    assert.match(text, /DNS:localhost/);
    assert.match(text, /IP Address:127\.0\.0\.1/);
    assert.match(text, /TLS Web Server Authentication/);
    assert.equal(statSync(server.key).mode & 0o777, 0o600);
    const mod = await run('openssl', ['pkey', '-in', server.key, '-pubout']);
    const certPub = await run('openssl', ['x509', '-in', server.cert, '-noout', '-pubkey']);
    assert.equal(mod.out, certPub.out, 'the key file does not match the certificate');
  });

  it('Issue Client Certificate through the InputBox/QuickPick steps (answered by stubs)', async () => {
    const inputs = ['device-1', '', '30'];
    const { result, calls } = await withWindowStubs({
      showInputBox: () => inputs.shift(),
      showQuickPick: (items: Array<{ label: string }>) => items.find((i) => i.label === 'rsa2048'),
      showInformationMessage: () => undefined,
    }, () => vscode.commands.executeCommand<Issued>('certscope.ca.issueClient', { caDir: dir }));
    assert.ok(result, 'the command failed');
    client = result;
    assert.equal(calls.showInputBox.length, 3, 'CN, SANs and validity are asked');
    assert.equal(calls.showQuickPick.length, 1, 'the key type is asked');
    const text = (await run('openssl', ['x509', '-in', client.cert, '-noout', '-subject', '-ext', 'extendedKeyUsage', '-text'])).out;
    assert.match(text, /CN ?= ?device-1/);
    assert.match(text, /TLS Web Client Authentication/);
    assert.match(text, /Public-Key: \(2048 bit\)/);
  });

  it('the server certificate step pre-fills the SANs with localhost and 127.0.0.1', async () => {
    const prompts: Array<{ value?: string; prompt?: string }> = [];
    await withWindowStubs({
      showInputBox: (o: { value?: string; prompt?: string }) => { prompts.push(o); return undefined; },
    }, () => vscode.commands.executeCommand('certscope.ca.issueServer', { caDir: dir, cn: 'x' }));
    assert.equal(prompts[0]?.value, 'localhost, 127.0.0.1');
  });

  it('cancelling the progress of Issue or Create leaves nothing behind', async () => {
    // The user presses Cancel on the progress notification while the key pair is generated.
    const cancelled = (_o: unknown, task: (p: unknown, t: unknown) => Promise<unknown>) =>
      task({ report: () => undefined }, { isCancellationRequested: true, onCancellationRequested: () => ({ dispose() {} }) });
    const index = readFileSync(join(dir, 'index.txt'), 'utf8');
    const { result, calls } = await withWindowStubs({ withProgress: cancelled, showErrorMessage: () => undefined },
      () => vscode.commands.executeCommand('certscope.ca.issueClient', { caDir: dir, cn: 'cancelled', sans: [], key: 'rsa4096', days: 30 }));
    assert.equal(result, undefined);
    assert.deepEqual(calls.showErrorMessage, [], 'a cancel is not an error');
    assert.equal(readFileSync(join(dir, 'index.txt'), 'utf8'), index);
    assert.equal(existsSync(join(dir, 'issued', 'cancelled')), false);
    const other = join(workspaceRoot(), `it-ca-cancel-${process.pid}`);
    await withWindowStubs({ withProgress: cancelled, showErrorMessage: () => undefined },
      () => vscode.commands.executeCommand('certscope.ca.create', { dir: other, cn: 'Cancelled', key: 'p256' }));
    assert.equal(existsSync(other), false);
  });

  it('Revoke on a certificate no workspace CA issued says so and changes nothing', async () => {
    const foreign = join(workspaceRoot(), 'pki', 'broker.crt');
    assert.ok(existsSync(foreign), 'fixture pki/broker.crt is missing');
    const { result, errors } = await quietly('certscope.ca.revoke', { file: foreign, reason: 'superseded', confirmed: true });
    assert.equal(result, undefined);
    assert.match(errors.join('\n'), /broker\.crt was not issued by any CA in this workspace/);
  });

  it('Verify Certificate Against Its CA: valid before revocation', async () => {
    const { result } = await quietly<{ valid: boolean }>('certscope.ca.verify', { file: client.cert });
    assert.equal(result.valid, true);
  });

  it('Revoke Certificate (explorer Uri): reason picker + modal confirmation; openssl -crl_check then fails', async () => {
    const { calls } = await withWindowStubs({
      showQuickPick: (items: Array<{ label: string }>) => items.find((i) => i.label === 'keyCompromise'),
      showWarningMessage: () => 'Revoke',
      showInformationMessage: () => undefined,
    }, () => vscode.commands.executeCommand('certscope.ca.revoke', vscode.Uri.file(client.cert)));
    assert.equal(calls.showWarningMessage.length, 1, 'no confirmation was asked');
    assert.match(String(calls.showWarningMessage[0]), /Revoke .*device-1.*keyCompromise/);
    const v = await run('openssl', ['verify', '-crl_check', '-CAfile', join(dir, 'ca.crt'), '-CRLfile', join(dir, 'crl.pem'), client.cert]);
    assert.match(v.out, /certificate revoked/);
    const crl = (await run('openssl', ['crl', '-in', join(dir, 'crl.pem'), '-noout', '-text'])).out;
    assert.match(crl, new RegExp(`Serial Number: 0*${client.serialHex}`, 'i'));
    assert.match(crl, /Key Compromise/);
    const view = await caView(dir);
    const node = certsOf(view).find((c) => c.serialHex === client.serialHex);
    assert.equal(node?.status, 'revoked');
    const crlNode = view.children?.find((c) => c.kind === 'caCrl');
    assert.equal(crlNode?.entries, 1);
    assert.equal(await quietly('certscope.ca.verify', { file: client.cert }).then((r) => (r.result as { valid: boolean }).valid), false);
  });

  it('declining the confirmation revokes nothing; revoking twice is refused', async () => {
    const before = readFileSync(join(dir, 'index.txt'), 'utf8');
    await withWindowStubs({ showWarningMessage: () => undefined }, () => vscode.commands.executeCommand('certscope.ca.revoke', { file: server.cert, reason: 'superseded' }));
    assert.equal(readFileSync(join(dir, 'index.txt'), 'utf8'), before);
    const twice = await quietly('certscope.ca.revoke', { file: client.cert, reason: 'superseded', confirmed: true });
    assert.match(twice.errors.join('\n'), /already revoked \(keyCompromise\)/);
  });

  it('certificateHold from the view node, then Release Hold: the serial leaves the CRL (openssl crl -text)', async () => {
    const { result: held } = await quietly<Issued>('certscope.ca.issueClient', { caDir: dir, cn: 'device-2', sans: [], key: 'p256', days: 30 });
    // Inline "Revoke" on the certificate's node in the Certificate Authorities view.
    const node = certsOf(await caView(dir)).find((c) => c.serialHex === held.serialHex);
    assert.ok(node, 'the new certificate is not in the view');
    await withWindowStubs({
      showQuickPick: (items: Array<{ label: string }>) => items.find((i) => i.label === 'certificateHold'),
      showWarningMessage: () => 'Revoke',
      showInformationMessage: () => undefined,
    }, () => vscode.commands.executeCommand('certscope.ca.revoke', node));
    let crl = (await run('openssl', ['crl', '-in', join(dir, 'crl.pem'), '-noout', '-text'])).out;
    assert.match(crl, /Certificate Hold/);
    assert.equal(certsOf(await caView(dir)).find((c) => c.serialHex === held.serialHex)?.status, 'hold');
    const { errors } = await quietly('certscope.ca.releaseHold', { file: held.cert });
    assert.deepEqual(errors, []);
    crl = (await run('openssl', ['crl', '-in', join(dir, 'crl.pem'), '-noout', '-text'])).out;
    assert.doesNotMatch(crl, new RegExp(`Serial Number: 0*${held.serialHex}`, 'i'));
    const rel = await quietly('certscope.ca.releaseHold', { file: client.cert });
    assert.match(rel.errors.join('\n'), /not on hold \(revoked for keyCompromise, which is final\)/);
  });

  it('in an untrusted workspace, creating a CA, issuing and starting the broker refuse to run', async function () {
    // The test host runs trusted; make the API report "untrusted" for the extension's commands.
    const desc = Object.getOwnPropertyDescriptor(vscode.workspace, 'isTrusted');
    try {
      Object.defineProperty(vscode.workspace, 'isTrusted', { get: () => false, configurable: true });
    } catch {
      this.skip();
    }
    try {
      assert.equal(vscode.workspace.isTrusted, false);
      const other = join(workspaceRoot(), `it-ca-untrusted-${process.pid}`);
      const create = await quietly('certscope.ca.create', { dir: other, cn: 'Untrusted', key: 'p256' });
      assert.match(create.errors.join('\n'), /Creating a CA needs a trusted workspace/);
      assert.equal(existsSync(other), false);
      const issue = await quietly('certscope.ca.issueServer', { caDir: dir, cn: 'x', sans: [], key: 'p256', days: 1 });
      assert.match(issue.errors.join('\n'), /needs a trusted workspace/);
      const broker = await quietly('certscope.broker.start', { caDir: dir, port: 0, wssPort: null });
      assert.match(broker.errors.join('\n'), /Starting the local broker needs a trusted workspace/);
    } finally {
      if (desc) Object.defineProperty(vscode.workspace, 'isTrusted', desc);
      else delete (vscode.workspace as { isTrusted?: boolean }).isTrusted;
    }
  });

  it('Publish CRL serves the current CRL over HTTP at the CA\'s distribution point (openssl crl reads it); Stop Publishing closes it', async () => {
    const { result } = await quietly<{ derUrl: string; pemUrl: string; crlNumber: string }>('certscope.ca.publishCrl', { caDir: dir });
    // The URL Create Development CA wrote into certscope.json, which the issued certificates carry.
    const cdp = (JSON.parse(readFileSync(join(dir, 'certscope.json'), 'utf8')) as { crlUrls: string[] }).crlUrls;
    assert.deepEqual([result.derUrl], cdp);
    assert.match(result.derUrl, /^http:\/\/127\.0\.0\.1:\d+\/[a-z0-9-]+\.crl$/);
    const r = await fetchBytes(result.derUrl);
    assert.equal(r.status, 200);
    const tmp = join(dir, 'fetched.der');
    writeFileSync(tmp, r.body);
    const text = (await run('openssl', ['crl', '-inform', 'DER', '-in', tmp, '-noout', '-crlnumber', '-text'])).out;
    assert.match(text, new RegExp(`crlNumber=(0x)?0*${BigInt(result.crlNumber).toString(16)}`, 'i'));
    assert.match(text, new RegExp(`Serial Number: 0*${client.serialHex}`, 'i'));
    const view = await caView(dir);
    assert.equal(view.children?.find((c) => c.kind === 'caCrl')?.url, result.derUrl);
    await quietly('certscope.ca.unpublishCrl', { caDir: dir });
    await assert.rejects(fetchBytes(result.derUrl), /ECONNREFUSED/);
  });
});
