// A CodeLens above each PEM block: "Certificate · CN=broker · expires in 23 days" followed by
// Inspect, Verify chain and Copy fingerprint for certificates.
import * as vscode from 'vscode';
import { readConfig } from '../config';
import type { PkiWorkspace } from '../views/pkiWorkspace';
import { decodedBlocks, workspaceHoverContext } from './documentBlocks';
import { forIconLabel } from '../../core/present/safeText';

export class PemCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly pki: PkiWorkspace) {
    // Workspace changes (a new CRL) change the summaries ("revoked ...").
    this.sub = pki.onDidChange(() => this.changed.fire());
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!readConfig(doc.uri).inspectCodeLens) return [];
    const items = await decodedBlocks(doc, this.pki);
    if (items.length === 0) return [];
    const { summarize } = await import('../../core/present/summary');
    const ctx = workspaceHoverContext(this.pki);
    const lenses: vscode.CodeLens[] = [];
    for (const item of items) {
      const range = new vscode.Range(item.range.startLine, 0, item.range.startLine, 0);
      const r = item.result;
      // The summary itself opens the decoded view too (a lens needs a command to show).
      lenses.push(new vscode.CodeLens(range, { title: forIconLabel(summarize(r, ctx)), command: 'certscope.inspect.open', arguments: [doc.uri] })); // names cannot plant $(icons)
      lenses.push(new vscode.CodeLens(range, { title: 'Inspect', command: 'certscope.inspect.open', arguments: [doc.uri] }));
      if (r.kind === 'certificate') {
        lenses.push(new vscode.CodeLens(range, {
          title: 'Verify chain', command: 'certscope.inspect.verifyChain', arguments: [doc.uri, item.range.block],
        }));
        lenses.push(new vscode.CodeLens(range, {
          title: 'Copy fingerprint', command: 'certscope.inspect.copyFingerprint', arguments: [r.fingerprints.sha256],
        }));
      }
    }
    return lenses;
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}
