// The readiness Problems on a CA and their quick fixes, in the real extension host: a CRL past its
// nextUpdate (every client of the CA would be refused) shows as an error on crl.pem with the quick
// fix "Publish a new CRL"; running that code action's command writes a fresh CRL (openssl reads its
// nextUpdate) and the problem goes away. An OCSP responder URL without a trailing "/" offers the
// setting to change, and the setting a quick fix opens exists in the manifest.
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { openCa } from '../../src/core/ca/index';
import { quietly, run, until, workspaceRoot } from './loop-helpers';

const SOURCE = 'Certscope readiness';

function readinessProblems(file: string, code: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(vscode.Uri.file(file)).filter((d) => d.source?.startsWith(SOURCE) && d.code === code);
}

async function quickFixes(file: string, d: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  // Code actions are asked of an open document (the workbench has no model of a closed file).
  await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const all = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', vscode.Uri.file(file), d.range, vscode.CodeActionKind.QuickFix.value);
  // The actions come back without their diagnostics: the caller picks ours by title.
  return all;
}

describe('readiness Problems and their quick fixes (extension host)', function () {
  this.timeout(90_000);
  const dir = join(workspaceRoot(), `it-readiness-${process.pid}`);
  const crlPath = join(dir, 'crl.pem');

  before(async () => {
    const created = await quietly('certscope.ca.create', { dir, cn: 'IT Readiness CA', key: 'p256' });
    assert.deepEqual(created.errors, []);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a CRL past its nextUpdate: an error on crl.pem; "Publish a new CRL" writes a fresh one and the error goes', async () => {
    // Signed ten days ago for one hour: past its nextUpdate now.
    await openCa(dir).writeCrl({ now: new Date(Date.now() - 10 * 86_400_000), nextUpdateHours: 1 });
    const [problem] = await until('the crl-expired problem on crl.pem', async () => {
      const found = readinessProblems(crlPath, 'crl-expired');
      return found.length ? found : undefined;
    }, 30_000);
    assert.equal(problem.severity, vscode.DiagnosticSeverity.Error);
    assert.match(problem.message, /expired .* ago .*refuses every client of CN=IT Readiness CA/);

    const [fix] = (await quickFixes(crlPath, problem)).filter((a) => /Publish a new CRL/.test(a.title));
    assert.ok(fix?.command, 'no "Publish a new CRL" quick fix');
    assert.equal(fix.command.command, 'certscope.ca.publishCrl');
    assert.deepEqual(fix.command.arguments, [{ caDir: dir }], 'the fix acts on the CA the problem names');
    const before = Date.now();
    const ran = await quietly(fix.command.command, ...(fix.command.arguments ?? []));
    assert.deepEqual(ran.errors, []);

    const next = await run('openssl', ['crl', '-in', crlPath, '-noout', '-nextupdate']);
    assert.equal(next.code, 0, next.out);
    const nextUpdate = new Date(next.out.trim().replace(/^nextUpdate=/, ''));
    assert.ok(nextUpdate.getTime() > before + 3_600_000, `openssl reads nextUpdate ${next.out.trim()}: not a fresh CRL`);
    await until('the crl-expired problem to go', async () => (readinessProblems(crlPath, 'crl-expired').length ? undefined : true), 30_000);
  });

  it('an OCSP responder URL without a trailing "/": the quick fix opens a setting the manifest contributes', async () => {
    const issued = await openCa(dir).issue({ profile: 'server', name: 'broker-ocsp', dns: ['localhost'], ocspUrls: ['http://127.0.0.1:9877'] });
    // The CA's index.txt changed: the watcher re-checks.
    const [file, problem] = await until('the ocsp-url-append problem', async () => {
      for (const f of [issued.paths.cert, issued.paths.byserial, join(dir, 'ca.crt'), join(dir, 'index.txt')]) {
        const [d] = readinessProblems(f, 'ocsp-url-append');
        if (d) return [f, d] as const;
      }
      return undefined;
    }, 30_000);
    assert.match(problem.message, /http:\/\/127\.0\.0\.1:9877/);
    const [fix] = (await quickFixes(file, problem)).filter((a) => /OCSP responder URL/.test(a.title));
    assert.ok(fix?.command, 'no quick fix for ocsp-url-append');
    assert.equal(fix.command.command, 'workbench.action.openSettings');
    const setting = String(fix.command.arguments?.[0]);
    const [section, ...rest] = setting.split('.');
    const inspected = vscode.workspace.getConfiguration(section).inspect(rest.join('.'));
    assert.ok(inspected && inspected.defaultValue !== undefined, `the quick fix opens ${setting}, which the manifest does not contribute`);
  });
});
