// Problems on the CA the local broker runs on: every reason a revocation would not be enforced by
// the broker profile in use, or would lock every client out (src/core/broker/readiness.ts), as
// diagnostics on the CA's files, with quick fixes where one action helps (publish a new CRL, fix
// the OCSP responder URL). Checked when the broker starts, when the CA's index.txt or CRL changes,
// and every few minutes while it runs (the CRL lock-out countdown moves).
import * as vscode from 'vscode';
import { join } from 'node:path';
import { checkReadiness, type ReadinessFinding } from '../../core/broker/readiness';
import type { BrokerProfile } from '../../core/broker/config';
import type { BrokerController } from './controller';

const SOURCE = 'Certscope readiness';
const RECHECK_MS = 5 * 60_000;

function severity(f: ReadinessFinding): vscode.DiagnosticSeverity {
  return f.severity === 'error' ? vscode.DiagnosticSeverity.Error : f.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
}

/** Diagnostics grouped by file: the finding's file, else the CA certificate. */
export function readinessDiagnostics(findings: ReadinessFinding[], caCertPath: string, target: BrokerProfile): Map<string, vscode.Diagnostic[]> {
  const out = new Map<string, vscode.Diagnostic[]>();
  for (const f of findings) {
    const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), `${f.message}${f.fix ? ` Fix: ${f.fix.text}` : ''}`, severity(f));
    d.source = `${SOURCE} (${target})`;
    d.code = f.reason;
    const file = f.file ?? caCertPath;
    out.set(file, [...(out.get(file) ?? []), d]);
  }
  return out;
}

class ReadinessQuickFixes implements vscode.CodeActionProvider {
  constructor(private readonly caDirOf: () => string | undefined) {}

  provideCodeActions(_doc: vscode.TextDocument, _range: vscode.Range, ctx: vscode.CodeActionContext): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    for (const d of ctx.diagnostics) {
      if (!d.source?.startsWith(SOURCE)) continue;
      if (d.code === 'crl-expired' || d.code === 'crl-expires-soon' || d.code === 'cdp-unreachable') {
        const a = new vscode.CodeAction('Publish a new CRL (Certscope: Publish CRL)', vscode.CodeActionKind.QuickFix);
        a.command = { command: 'certscope.ca.publishCrl', title: 'Publish CRL', arguments: [{ caDir: this.caDirOf() }] };
        a.diagnostics = [d];
        a.isPreferred = true;
        out.push(a);
      } else if (d.code === 'ocsp-url-append') {
        const a = new vscode.CodeAction('Set the OCSP responder URL (with a trailing "/")', vscode.CodeActionKind.QuickFix);
        a.command = { command: 'workbench.action.openSettings', title: 'Open Settings', arguments: ['certscope.broker.ocspResponderUrl'] };
        a.diagnostics = [d];
        out.push(a);
      } else if (d.code === 'no-cdp' || d.code === 'https-cdp' || d.code === 'wss-no-crl') {
        const a = new vscode.CodeAction('Choose the broker profile (certscope.broker.profile)', vscode.CodeActionKind.QuickFix);
        a.command = { command: 'workbench.action.openSettings', title: 'Open Settings', arguments: ['certscope.broker.profile'] };
        a.diagnostics = [d];
        out.push(a);
      }
    }
    return out;
  }
}

/** Keeps the Problems of the CA the broker runs on current; disposed with the extension. */
export function registerReadinessProblems(controller: BrokerController, log: vscode.LogOutputChannel): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('certscope-readiness');
  let current: { caDir: string; target: BrokerProfile } | undefined;
  let watcher: vscode.FileSystemWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  let generation = 0;

  const check = async (): Promise<void> => {
    const run = ++generation;
    if (!current) {
      collection.clear();
      return;
    }
    const { caDir, target } = current;
    try {
      const report = await checkReadiness(caDir, { target });
      if (run !== generation) return;
      collection.clear();
      for (const [file, diags] of readinessDiagnostics(report.findings, join(caDir, 'ca.crt'), target)) collection.set(vscode.Uri.file(file), diags);
      if (report.findings.length) log.warn(`readiness of ${report.ca} for ${target}: ${report.findings.map((f) => f.reason).join(', ')} (see Problems)`);
    } catch (err) {
      log.warn(`readiness check of ${caDir} failed: ${(err as Error).message}`);
    }
  };
  const stopWatching = (): void => {
    watcher?.dispose();
    watcher = undefined;
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  const sub = controller.onDidChange(() => {
    const s = controller.snapshot();
    const caDir = s.running ? s.origin?.caDir : undefined;
    const target = s.state?.profile;
    if (caDir === current?.caDir && target === current?.target) return;
    stopWatching();
    current = caDir && target ? { caDir, target } : undefined;
    if (current) {
      watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(current.caDir), '{index.txt,crl.pem,crl.der,certs/*.pem}'));
      const again = (): void => void check();
      watcher.onDidChange(again);
      watcher.onDidCreate(again);
      timer = setInterval(again, RECHECK_MS);
      timer.unref();
    }
    void check();
  });
  const fixes = vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new ReadinessQuickFixes(() => current?.caDir), { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] });
  return { dispose: () => { stopWatching(); sub.dispose(); fixes.dispose(); collection.dispose(); } };
}
