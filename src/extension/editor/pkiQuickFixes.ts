// Quick fixes for Certscope diagnostics: "Reorder bundle" (leaf first, then issuers towards the
// root) and "Remove duplicate certificate" / "Remove root from chain". Edits are computed from the
// live document text by the core (src/core/workspace/bundle.ts).
import * as vscode from 'vscode';
import type { Finding } from '../../core/workspace/lint';
import { DIAGNOSTIC_SOURCE, type PkiDiagnostics } from './pkiDiagnostics';

export class PkiQuickFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly diagnostics: PkiDiagnostics) {}

  async provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const state = this.diagnostics.findingsFor(doc);
    if (!state) return [];
    const { reorderBlocks, removeBlockLines } = await import('../../core/workspace/bundle');
    const actions: vscode.CodeAction[] = [];
    for (const diag of context.diagnostics) {
      if (diag.source !== DIAGNOSTIC_SOURCE) continue;
      const f = state.findings.find((x: Finding) => x.code === diag.code && x.range.startLine === diag.range.start.line && x.fix);
      if (!f?.fix) continue;
      const ranges = state.items.map((i) => i.range);
      if (f.fix.kind === 'reorderBundle') {
        const sorted = [...f.fix.order].sort((a, b) => a - b);
        const picked = sorted.map((i) => ranges[i]);
        const order = f.fix.order.map((i) => sorted.indexOf(i));
        const text = doc.getText();
        const next = reorderBlocks(text, picked, order);
        const action = new vscode.CodeAction('Reorder bundle: leaf first, then issuers towards the root', vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(text.length)), next);
        action.diagnostics = [diag];
        action.isPreferred = true;
        actions.push(action);
      } else {
        const lines = removeBlockLines(ranges, f.fix.item);
        const title = f.code === 'root-in-chain' ? 'Remove the root certificate from this chain' : 'Remove the duplicate certificate';
        const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        const end = lines.endLine < doc.lineCount ? new vscode.Position(lines.endLine, 0) : doc.lineAt(doc.lineCount - 1).range.end;
        action.edit.delete(doc.uri, new vscode.Range(new vscode.Position(lines.startLine, 0), end));
        action.diagnostics = [diag];
        actions.push(action);
      }
    }
    return actions;
  }
}
