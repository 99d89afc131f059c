// Decoded documents that stay true (issue 11 §3), in the real extension host: a wrong PKCS#12
// password asks again (no "wrong password" document that never updates), cancelling opens
// nothing, and running Inspect again on a changed file updates the document already open.
import { strict as assert } from 'node:assert';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { until } from './loop-helpers';

const COMMAND = 'certscope.inspect.open';

function root(...parts: string[]): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the fixture workspace is not open');
  return join(folder.uri.fsPath, ...parts);
}

/** SHA-256 of the first certificate in a PEM file, as the decoded document prints it. */
function sha256(pemFile: string): string {
  return createHash('sha256').update(new X509Certificate(readFileSync(pemFile)).raw).digest('hex');
}

/** Answers the password prompts in turn with `answers` while `action` runs; records the prompts. */
async function withPasswords<T>(answers: Array<string | undefined>, action: () => Thenable<T>): Promise<{ result: T; asked: vscode.InputBoxOptions[] }> {
  const asked: vscode.InputBoxOptions[] = [];
  const w = vscode.window as unknown as { showInputBox: unknown };
  const original = w.showInputBox;
  w.showInputBox = (o: vscode.InputBoxOptions) => { asked.push(o); return Promise.resolve(answers.shift()); };
  try {
    return { result: await action(), asked };
  } finally {
    w.showInputBox = original;
  }
}

describe('decoded documents stay true', function () {
  this.timeout(60_000);
  before(() => vscode.extensions.getExtension('certscope.certscope')!.activate());
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('cancelling the PKCS#12 password prompt opens no document', async () => {
    const { result, asked } = await withPasswords([undefined], () => vscode.commands.executeCommand<vscode.Uri[]>(COMMAND, vscode.Uri.file(root('pki', 'broker.p12'))));
    assert.equal(asked.length, 1);
    assert.equal(result, undefined);
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.scheme === 'certscope-decoded' && d.uri.path.endsWith('broker.p12 (decoded)')));
  });

  it('a wrong PKCS#12 password asks again; the document then shows the store\'s contents', async () => {
    const { result, asked } = await withPasswords(['wrong', 'fixture'], () => vscode.commands.executeCommand<vscode.Uri[]>(COMMAND, vscode.Uri.file(root('pki', 'broker.p12'))));
    assert.equal(asked.length, 2, 'asked twice');
    assert.equal(asked[1]!.password, true);
    assert.match(asked[1]!.prompt ?? '', /Wrong password/);
    const text = (await vscode.workspace.openTextDocument(result![0]!)).getText();
    assert.match(text, /Opened:\s+yes/);
    assert.match(text, /Certificate 1:/);
    assert.doesNotMatch(text, /wrong password/i);
  });

  it('Inspect again on a file changed on disk updates the document that is already open', async () => {
    const file = root('inspect-again.pem');
    writeFileSync(file, readFileSync(root('server.crt')));
    try {
      const [uri] = (await vscode.commands.executeCommand<vscode.Uri[]>(COMMAND, vscode.Uri.file(file)))!;
      const doc = await vscode.workspace.openTextDocument(uri!);
      assert.ok(doc.getText().includes(sha256(root('server.crt'))));
      writeFileSync(file, readFileSync(root('root-ca.pem')));
      await vscode.commands.executeCommand(COMMAND, vscode.Uri.file(file));
      await until('the open document to show the new certificate', async () => (doc.getText().includes(sha256(root('root-ca.pem'))) ? true : undefined));
    } finally {
      rmSync(file, { force: true });
    }
  });
});
