// Problems on the CAs of the workspace: every reason a revocation would not be enforced by the
// broker profile (the setting, or the running broker's for its CA), or would lock every client out
// (src/core/broker/readiness.ts), as diagnostics on the CA's files, with quick fixes where one
// action helps (publish a new CRL, the OCSP responder URL or profile setting). Checked at startup,
// when a CA's index.txt or CRL changes, when the broker starts or stops, and every few minutes
// (the CRL lock-out countdown moves).
import * as vscode from 'vscode';
import { dirname } from 'node:path';
import type { ReadinessFinding } from '../../core/broker/readiness';
import type { BrokerProfile } from '../../core/broker/config';
import type { BrokerController } from './controller';
import { findWorkspaceCas } from '../commands/ca/workspaceCas';
import { localCdpOf } from '../../core/ca/localCdp';

const SOURCE = 'Certscope readiness';
const RECHECK_MS = 5 * 60_000;

function severity(f: ReadinessFinding): vscode.DiagnosticSeverity {
  return f.severity === 'error' ? vscode.DiagnosticSeverity.Error : f.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
}

/** Diagnostics grouped by file: the finding's file, else the CA certificate (caCertPath). */
function readinessDiagnostics(findings: ReadinessFinding[], caCertPath: string, target: BrokerProfile): Map<string, vscode.Diagnostic[]> {
  const out = new Map<string, vscode.Diagnostic[]>();
  for (const f of findings) {
    const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), `${f.message}${f.fix ? ` Fix: ${f.fix.text}` : ''}`, severity(f));
    d.source = `${SOURCE} (${target})`;
    d.code = f.reason;
    // Names the CA, so a quick fix acts on that CA whatever file the problem is on.
    d.relatedInformation = [new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(caCertPath), new vscode.Range(0, 0, 0, 0)), 'the CA')];
    const file = f.file ?? caCertPath;
    out.set(file, [...(out.get(file) ?? []), d]);
  }
  return out;
}

class ReadinessQuickFixes implements vscode.CodeActionProvider {
  provideCodeActions(_doc: vscode.TextDocument, _range: vscode.Range, ctx: vscode.CodeActionContext): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    for (const d of ctx.diagnostics) {
      if (!d.source?.startsWith(SOURCE)) continue;
      if (d.code === 'crl-expired' || d.code === 'crl-expires-soon' || d.code === 'cdp-unreachable') {
        const a = new vscode.CodeAction('Publish a new CRL (Certscope: Publish CRL)', vscode.CodeActionKind.QuickFix);
        const ca = d.relatedInformation?.[0]?.location.uri.fsPath;
        a.command = { command: 'certscope.ca.publishCrl', title: 'Publish CRL', arguments: [{ caDir: ca ? dirname(ca) : undefined }] };
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

/**
 * The CA's own distribution point on this machine (Create Development CA wrote it) is not served
 * until the local broker starts (which serves it) or Publish CRL: information, not an error.
 */
function servedByCertscope(f: ReadinessFinding): ReadinessFinding {
  return {
    ...f, severity: 'info',
    message: `the CRL distribution point ${f.url} is not served right now: "Start Local TLS Broker" serves it (Certscope's CRL server, certscope.ca.crlServerPort), as does "Publish CRL"; a broker elsewhere needs the CRL at that URL`,
    fix: undefined,
  };
}

/**
 * Keeps the readiness Problems of every CA in the workspace current, for the broker profile in the
 * settings (the running broker's profile for the CA it runs on). Distribution points are fetched
 * only in a trusted workspace. Disposed with the extension.
 */
export function registerReadinessProblems(controller: BrokerController, log: vscode.LogOutputChannel): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('certscope-readiness');
  let running: { caDir: string; target: BrokerProfile } | undefined;
  let generation = 0;
  let debounce: NodeJS.Timeout | undefined;

  const check = async (): Promise<void> => {
    const run = ++generation;
    const setting = vscode.workspace.getConfiguration('certscope').get<BrokerProfile>('broker.profile', 'emqx5');
    const found = (await findWorkspaceCas()).filter((w) => w.ca);
    const cas = found.map((w) => w.dir);
    const ownCdps = new Map(found.map((w) => [w.dir, new Set(w.ca!.crlUrls.filter((u) => localCdpOf(u)))]));
    if (running && !cas.includes(running.caDir)) cas.push(running.caDir);
    const all = new Map<string, vscode.Diagnostic[]>();
    for (const caDir of cas) {
      const target = running?.caDir === caDir ? running.target : setting;
      try {
        const { checkReadiness } = await import('../../core/broker/readiness');
        const report = await checkReadiness(caDir, { target, offline: !vscode.workspace.isTrusted });
        if (run !== generation) return;
        const findings = report.findings.map((f) => (f.reason === 'cdp-unreachable' && f.url && ownCdps.get(caDir)?.has(f.url) ? servedByCertscope(f) : f));
        for (const [file, diags] of readinessDiagnostics(findings, report.certificate, target)) all.set(file, [...(all.get(file) ?? []), ...diags]);
        if (report.findings.length) log.info(`readiness of ${report.ca} for ${target}: ${report.findings.map((f) => f.reason).join(', ')} (see Problems)`);
      } catch (err) {
        log.warn(`readiness check of ${caDir} failed: ${(err as Error).message}`);
      }
    }
    if (run !== generation) return;
    collection.clear();
    for (const [file, diags] of all) collection.set(vscode.Uri.file(file), diags);
  };
  const soon = (ms = 500): void => {
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(() => void check(), ms);
  };
  const sub = controller.onDidChange(() => {
    const s = controller.snapshot();
    const caDir = s.running ? s.origin?.caDir : undefined;
    const target = s.state?.profile;
    const next = caDir && target ? { caDir, target } : undefined;
    if (next?.caDir === running?.caDir && next?.target === running?.target) return;
    running = next;
    soon(0);
  });
  // The CRL lock-out countdown moves; CA folders change.
  const timer = setInterval(() => soon(0), RECHECK_MS);
  timer.unref();
  const watcher = vscode.workspace.createFileSystemWatcher('**/{index.txt,crl.pem,crl.der}');
  const changed = (): void => soon();
  const fixes = vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new ReadinessQuickFixes(), { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] });
  const config = vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('certscope.broker.profile')) soon(); });
  soon(2000);
  return vscode.Disposable.from(
    watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), watcher.onDidDelete(changed), sub, fixes, config, collection,
    { dispose: () => { clearInterval(timer); if (debounce) clearTimeout(debounce); } },
  );
}
