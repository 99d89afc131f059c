// Runs inside the real VS Code extension host (code-server, or desktop VS Code via
// @vscode/test-electron). Expected values come from the openssl CLI, never from our own decoder.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';

const EXTENSION_ID = 'certscope.certscope';
const COMMAND = 'certscope.inspect.open';
const DECODED_SCHEME = 'certscope-decoded';

function fixture(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the fixture workspace is not open');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** What openssl says about a certificate file: RFC 2253 subject, serial and SHA-256 fingerprint. */
function opensslFacts(file: vscode.Uri, inform: 'PEM' | 'DER') {
  const out = execFileSync('openssl', [
    'x509', '-in', file.fsPath, '-inform', inform, '-noout', '-subject', '-nameopt', 'RFC2253', '-serial',
    '-fingerprint', '-sha256',
  ], { encoding: 'utf8', timeout: 10_000 });
  const field = (re: RegExp) => {
    const m = re.exec(out);
    assert.ok(m, `unexpected openssl output: ${out}`);
    return m[1]!.trim();
  };
  const subject = field(/^subject=(.*)$/m);
  return {
    // "CN=fixture.certscope.test,O=Certscope Fixtures,C=DE" -> the attribute values.
    subjectValues: subject.split(/(?<!\\),/).map((rdn) => rdn.slice(rdn.indexOf('=') + 1)),
    serialHex: field(/^serial=(.*)$/m).toLowerCase(),
    sha256Hex: field(/Fingerprint=(.*)$/m).replace(/:/g, '').toLowerCase(),
  };
}

/** Lowercase, without colons or whitespace: matches hex however the document groups it. */
function compact(text: string): string {
  return text.toLowerCase().replace(/[:\s]/g, '');
}

async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

type MessageKind = 'showErrorMessage' | 'showWarningMessage';

/** Records the messages of one kind the extension shows while `action` runs. */
async function captureMessages(kind: MessageKind, action: () => Thenable<unknown>): Promise<string[]> {
  const shown: string[] = [];
  const window = vscode.window as unknown as Record<MessageKind, unknown>;
  const original = window[kind];
  // Tests load in the extension's own API instance, so the extension sees this replacement.
  window[kind] = (message: string) => {
    shown.push(message);
    return Promise.resolve(undefined);
  };
  try {
    await action();
  } finally {
    window[kind] = original;
  }
  return shown;
}

const captureErrorMessages = (action: () => Thenable<unknown>) => captureMessages('showErrorMessage', action);

/** Resolves when `uri`'s document changes; rejects after `ms` (so a missing refresh fails, not hangs). */
/** The first change of `uri` whose text holds `serialHex` (compact hex). */
function changeShowing(uri: vscode.Uri, serialHex: string, ms: number): Promise<vscode.TextDocument> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { sub.dispose(); reject(new Error(`${uri.toString()} did not show serial ${serialHex} within ${ms} ms`)); }, ms);
    const sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.toString() !== uri.toString() || !compact(e.document.getText()).includes(serialHex)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e.document);
    });
  });
}

function assertShowsCertificate(doc: vscode.TextDocument, facts: ReturnType<typeof opensslFacts>): void {
  const text = doc.getText();
  for (const value of facts.subjectValues) assert.ok(text.includes(value), `decoded document lacks subject value "${value}"`);
  assert.ok(compact(text).includes(facts.serialHex), `decoded document lacks serial ${facts.serialHex}`);
  assert.ok(compact(text).includes(facts.sha256Hex), `decoded document lacks SHA-256 fingerprint ${facts.sha256Hex}`);
}

describe('Certscope in the VS Code extension host', () => {
  /** Files the tests write into the workspace; removed afterwards so other suites see the fixtures only. */
  const created = ['bundle-with-broken-block.pem', 'live.pem'];
  afterEach(closeAllEditors);
  after(async () => {
    for (const name of created) await vscode.workspace.fs.delete(fixture(name)).then(undefined, () => undefined);
  });

  it('is active after its command runs (activation events: onStartupFinished or the command) and registers every contributed command', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed in this VS Code`);
    await vscode.commands.executeCommand(COMMAND, fixture('server.crt'));
    assert.equal(ext.isActive, true);
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = (ext.packageJSON.contributes.commands as Array<{ command: string }>).map((c) => c.command);
    for (const id of contributed) assert.ok(registered.has(id), `${id} is contributed but not registered`);
  });

  it('Inspect on a PEM certificate opens a read-only decoded document with subject, serial and fingerprint', async () => {
    const file = fixture('server.crt');
    const opened = await vscode.commands.executeCommand<vscode.Uri[]>(COMMAND, file);
    assert.equal(opened?.length, 1);
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'no editor is active after Inspect');
    assert.equal(editor.document.uri.scheme, DECODED_SCHEME);
    assert.equal(editor.document.uri.toString(), opened[0]!.toString());
    assert.ok(editor.document.uri.path.startsWith(file.path), `decoded URI ${editor.document.uri.path} does not name the file`);
    assertShowsCertificate(editor.document, opensslFacts(file, 'PEM'));
    // Content-provider documents cannot be edited: an edit is refused.
    const edit = new vscode.WorkspaceEdit();
    edit.insert(editor.document.uri, new vscode.Position(0, 0), 'tampered ');
    await vscode.workspace.applyEdit(edit).then(undefined, () => false);
    assert.equal(editor.document.isDirty, false, 'the decoded document became dirty after an edit');
  });

  it('Inspect on a DER certificate decodes it too', async () => {
    const file = fixture('server.der');
    await vscode.commands.executeCommand(COMMAND, file);
    const doc = vscode.window.activeTextEditor?.document;
    assert.equal(doc?.uri.scheme, DECODED_SCHEME);
    assertShowsCertificate(doc, opensslFacts(file, 'DER'));
  });

  it('Inspect from the palette decodes the file in the active editor', async () => {
    const file = fixture('root-ca.pem');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    await vscode.commands.executeCommand(COMMAND);
    const doc = vscode.window.activeTextEditor?.document;
    assert.equal(doc?.uri.scheme, DECODED_SCHEME);
    assert.ok(doc.uri.path.startsWith(file.path));
    assertShowsCertificate(doc, opensslFacts(file, 'PEM'));
  });

  it('Inspect from the palette decodes a DER file open in the binary viewer (no text editor)', async () => {
    const file = fixture('server.der');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('vscode.openWith', file, 'certscope.derViewer');
    assert.equal(vscode.window.activeTextEditor, undefined, 'the DER viewer is a custom editor, not a text editor');
    await vscode.commands.executeCommand(COMMAND);
    // Read again: the assertion above narrowed the type, but the command has opened an editor since.
    const doc = (vscode.window.activeTextEditor as vscode.TextEditor | undefined)?.document;
    assert.equal(doc?.uri.scheme, DECODED_SCHEME);
    assert.ok(doc.uri.path.startsWith(file.path));
    assertShowsCertificate(doc, opensslFacts(file, 'DER'));
  });

  it('a decoded URI opened directly (e.g. an editor restored after reload) decodes on demand', async () => {
    const file = fixture('root-ca.pem');
    const uri = vscode.Uri.from({ scheme: DECODED_SCHEME, path: `${file.path} (decoded)`, query: file.toString() });
    const doc = await vscode.workspace.openTextDocument(uri);
    assertShowsCertificate(doc, opensslFacts(file, 'PEM'));
  });

  it('Inspect on a garbage file shows a specific error naming the file and opens nothing', async () => {
    const file = fixture('garbage.crt');
    let result: unknown = 'not run';
    const shown = await captureErrorMessages(async () => {
      result = await vscode.commands.executeCommand(COMMAND, file);
    });
    assert.equal(result, undefined);
    assert.equal(shown.length, 1, `expected one error message, got ${JSON.stringify(shown)}`);
    assert.match(shown[0]!, /^Certscope: garbage\.crt: /);
    assert.ok(shown[0]!.length > 'Certscope: garbage.crt: '.length + 10, `message is not specific: ${shown[0]}`);
    const active = vscode.window.activeTextEditor?.document.uri;
    assert.notEqual(active?.scheme, DECODED_SCHEME, 'a decoded document was opened for garbage');
  });

  it('Inspect on a missing file shows an error instead of failing the command', async () => {
    const file = fixture('does-not-exist.pem');
    const shown = await captureErrorMessages(() => vscode.commands.executeCommand(COMMAND, file));
    assert.equal(shown.length, 1, `expected one error message, got ${JSON.stringify(shown)}`);
    assert.match(shown[0]!, /does-not-exist\.pem/);
  });
  it('a PEM bundle with one broken block opens the good blocks and warns about the broken one', async () => {
    const pem = (name: string) => vscode.workspace.fs.readFile(fixture(name)).then((b) => new TextDecoder().decode(b));
    const broken = '-----BEGIN CERTIFICATE-----\nMIIBxx==\n-----END CERTIFICATE-----\n';
    const bundle = fixture('bundle-with-broken-block.pem');
    await vscode.workspace.fs.writeFile(bundle, new TextEncoder().encode((await pem('server.crt')) + broken + (await pem('root-ca.pem'))));
    let opened: vscode.Uri[] | undefined;
    const warnings = await captureMessages('showWarningMessage', async () => {
      opened = await vscode.commands.executeCommand<vscode.Uri[]>(COMMAND, bundle);
    });
    assert.equal(opened?.length, 1, 'the bundle was not opened');
    const doc = vscode.window.activeTextEditor?.document;
    assert.equal(doc?.uri.toString(), opened[0]!.toString());
    assertShowsCertificate(doc, opensslFacts(fixture('server.crt'), 'PEM'));
    assertShowsCertificate(doc, opensslFacts(fixture('root-ca.pem'), 'PEM'));
    assert.equal(warnings.length, 1, `expected one warning, got ${JSON.stringify(warnings)}`);
    // The message points at the broken block: the second one in the file.
    assert.match(warnings[0]!, /^Certscope: bundle-with-broken-block\.pem: block 2 \(CERTIFICATE\), line \d+: .+/);
  });

  it('the decoded document follows the source file when it is edited and saved', async () => {
    const live = fixture('live.pem');
    const serverPem = await vscode.workspace.fs.readFile(fixture('server.crt'));
    const rootPem = new TextDecoder().decode(await vscode.workspace.fs.readFile(fixture('root-ca.pem')));
    await vscode.workspace.fs.writeFile(live, serverPem);
    const [decodedUri] = (await vscode.commands.executeCommand<vscode.Uri[]>(COMMAND, live)) ?? [];
    assert.ok(decodedUri);
    assertShowsCertificate(await vscode.workspace.openTextDocument(decodedUri), opensslFacts(live, 'PEM'));

    const source = await vscode.workspace.openTextDocument(live);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(live, new vscode.Range(0, 0, source.lineCount, 0), rootPem);
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    const rootFacts = opensslFacts(fixture('root-ca.pem'), 'PEM');
    // The document may also refresh for other reasons first (the workspace analysis of live.pem
    // changes its revocation line): wait for the refresh that shows the new certificate.
    const updated = changeShowing(decodedUri, rootFacts.serialHex, 20_000);
    assert.equal(await source.save(), true);
    assertShowsCertificate(await updated, rootFacts);
  });
  it('Inspect with no file at hand asks for one, and dismissing the picker is silent', async () => {
    await closeAllEditors();
    let settled = false;
    let result: unknown = 'not run';
    const shown = await captureErrorMessages(async () => {
      const run = Promise.resolve(vscode.commands.executeCommand(COMMAND)).then((r) => { result = r; settled = true; });
      // The file picker is a quick input here: close it until the command returns (bounded).
      for (let i = 0; i < 100 && !settled; i++) {
        await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(settled, 'Inspect did not return after its file picker was dismissed');
      await run;
    });
    assert.equal(result, undefined);
    assert.deepEqual(shown, [], 'dismissing the picker showed an error');
    assert.equal(vscode.window.activeTextEditor, undefined, 'an editor was opened');
  });
});
