// Problems-panel diagnostics from the core lint rules: for every indexed PKI file (from disk) and
// for every open document containing PEM blocks (from the live text, debounced while typing).
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { DecodedItem } from '../../core/model';
import type { Finding } from '../../core/workspace/lint';
import { readConfig } from '../config';
import { inBackground, type Log } from '../log';
import type { PkiWorkspace } from '../views/pkiWorkspace';
import { decodedBlocks } from './documentBlocks';

const TYPING_DEBOUNCE_MS = 400;
/** Files linted per message to the workbench, and the longest stretch without yielding. */
const BATCH = 500;
const SLICE_MS = 20;
export const DIAGNOSTIC_SOURCE = 'certscope';

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

export class PkiDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('certscope');
  /** Findings of open documents by URI and version, for the quick fixes. */
  private readonly open = new Map<string, { version: number; findings: Finding[]; items: DecodedItem[] }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly subs: vscode.Disposable[];

  constructor(private readonly pki: PkiWorkspace, private readonly log: Log) {
    this.subs = [
      this.collection,
      pki.onDidChange((e) => inBackground(this.log, 'diagnostics', this.refreshAll(e.changed))),
      vscode.workspace.onDidOpenTextDocument((d) => inBackground(this.log, 'diagnostics', this.lintDocument(d))),
      vscode.workspace.onDidChangeTextDocument((e) => this.debounce(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.closed(d)),
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('certscope.diagnostics')) inBackground(this.log, 'diagnostics', this.refreshAll()); }),
    ];
    for (const d of vscode.workspace.textDocuments) inBackground(this.log, 'diagnostics', this.lintDocument(d));
  }

  findingsFor(doc: vscode.TextDocument): { findings: Finding[]; items: DecodedItem[] } | undefined {
    const e = this.open.get(doc.uri.toString());
    return e && e.version === doc.version ? e : undefined;
  }

  /** Lints the live text of a document (PEM anywhere: .pem, YAML, .env ...). */
  async lintDocument(doc: vscode.TextDocument): Promise<void> {
    if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled') return;
    if (!readConfig(doc.uri).diagnosticsEnabled) { this.collection.delete(doc.uri); return; }
    const indexed = doc.uri.scheme === 'file' ? this.pki.analysis()?.files.get(doc.uri.fsPath) : undefined;
    const items = await decodedBlocks(doc, this.pki);
    if (items.length === 0 && !indexed) { this.collection.delete(doc.uri); this.open.delete(doc.uri.toString()); return; }
    // A binary (DER) file opened as text decodes to nothing useful: keep the findings from disk.
    if (items.length === 0 && indexed) { await this.setFromIndex(doc.uri); return; }
    const findings = await this.lint({ key: doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString(), size: 0, mtimeMs: 0, items });
    this.open.set(doc.uri.toString(), { version: doc.version, findings, items });
    this.collection.set(doc.uri, findings.map((f) => toDiagnostic(f, doc)));
  }

  private async lint(file: { key: string; size: number; mtimeMs: number; items: DecodedItem[]; error?: string }): Promise<Finding[]> {
    const [{ lintFile }, { analyze }] = await Promise.all([import('../../core/workspace/lint'), import('../../core/workspace/analysis')]);
    const a = this.pki.analysis() ?? analyze([file], { now: new Date(), expiringDays: readConfig().diagnosticsExpiringDays });
    return lintFile(file, a);
  }

  /**
   * Re-lints indexed files. After an incremental change only the changed files and their folder
   * neighbours (key/certificate pairs) are re-linted, unless a CRL may have changed, which can
   * revoke certificates anywhere.
   */
  private async refreshAll(changed?: string[]): Promise<void> {
    const a = this.pki.analysis();
    if (!a) return;
    const openUris = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
    const t0 = performance.now();
    // Files that left the index lose their diagnostics (unless open).
    this.collection.forEach((uri) => {
      if (!openUris.has(uri.toString()) && !a.files.has(uri.fsPath)) this.collection.delete(uri);
    });
    const crlTouched = !changed || changed.some((k) => /\.(crl|p7b|p7c)$/i.test(k)
      || (a.files.get(k)?.items.some((i) => i.result.kind === 'crl' || i.result.kind === 'pkcs7') ?? false));
    const dirs = new Set((changed ?? []).map((k) => dirname(k)));
    const keys = crlTouched ? [...a.files.keys()] : [...a.files.keys()].filter((k) => dirs.has(dirname(k)));
    // Batched (one message to the workbench per batch, not one per file) and sliced: the host
    // yields between slices, so linting 50,000 files never blocks hovers or other extensions.
    const { lintFile } = await import('../../core/workspace/lint');
    const batch: Array<[vscode.Uri, vscode.Diagnostic[]]> = [];
    let slice = performance.now();
    for (const key of keys) {
      const uri = vscode.Uri.file(key);
      if (openUris.has(uri.toString())) continue;
      if (!readConfig(uri).diagnosticsEnabled) this.collection.delete(uri);
      else batch.push([uri, lintFile(a.files.get(key)!, a).map((f) => toDiagnostic(f))]);
      if (batch.length >= BATCH || performance.now() - slice > SLICE_MS) {
        this.collection.set(batch.splice(0));
        await new Promise((r) => setImmediate(r));
        if (this.pki.analysis() !== a) return; // a newer change re-lints anyway
        slice = performance.now();
      }
    }
    if (batch.length) this.collection.set(batch);
    for (const d of vscode.workspace.textDocuments) await this.lintDocument(d);
    this.log.debug(`diagnostics: ${keys.length} of ${a.files.size} files in ${(performance.now() - t0).toFixed(0)} ms`);
  }

  private async setFromIndex(uri: vscode.Uri): Promise<void> {
    const a = this.pki.analysis();
    const file = a?.files.get(uri.fsPath);
    if (!a || !file || !readConfig(uri).diagnosticsEnabled) { this.collection.delete(uri); return; }
    const { lintFile } = await import('../../core/workspace/lint');
    const findings = lintFile(file, a);
    this.collection.set(uri, findings.map((f) => toDiagnostic(f)));
  }

  private debounce(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.set(key, setTimeout(() => { this.timers.delete(key); inBackground(this.log, 'diagnostics', this.lintDocument(doc)); }, TYPING_DEBOUNCE_MS));
  }

  private closed(doc: vscode.TextDocument): void {
    this.open.delete(doc.uri.toString());
    if (doc.uri.scheme === 'file' && this.pki.analysis()?.files.has(doc.uri.fsPath)) void this.setFromIndex(doc.uri);
    else this.collection.delete(doc.uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const s of this.subs) s.dispose();
  }
}

function toDiagnostic(f: Finding, doc?: vscode.TextDocument): vscode.Diagnostic {
  const endLine = Math.max(f.range.startLine, f.range.endLine - 1);
  const endChar = doc ? doc.lineAt(Math.min(endLine, doc.lineCount - 1)).text.length : 10_000;
  const d = new vscode.Diagnostic(new vscode.Range(f.range.startLine, 0, endLine, endChar), f.message, SEVERITY[f.severity]);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = f.code;
  return d;
}
