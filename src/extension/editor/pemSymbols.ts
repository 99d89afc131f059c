// Outline for PEM files: one symbol per block with its one-line summary, e.g.
// "Certificate · CN=broker" with detail "expires in 23 days". Folding comes from
// language-configuration.json markers (BEGIN/END).
import * as vscode from 'vscode';
import type { PkiWorkspace } from '../views/pkiWorkspace';
import { decodedBlocks, rangeOf, workspaceHoverContext } from './documentBlocks';

const KIND: Record<string, vscode.SymbolKind> = {
  certificate: vscode.SymbolKind.Class, crl: vscode.SymbolKind.Array, privateKey: vscode.SymbolKind.Key,
  publicKey: vscode.SymbolKind.Key, csr: vscode.SymbolKind.Interface, error: vscode.SymbolKind.Null,
};

export class PemSymbols implements vscode.DocumentSymbolProvider {
  constructor(private readonly pki: PkiWorkspace) {}

  async provideDocumentSymbols(doc: vscode.TextDocument): Promise<vscode.DocumentSymbol[]> {
    const items = await decodedBlocks(doc, this.pki);
    const { summarize } = await import('../../core/present/summary');
    const ctx = workspaceHoverContext(this.pki);
    return items.map((item) => {
      const parts = summarize(item.result, ctx).split(' · ');
      const name = parts.slice(0, 2).join(' · ');
      const range = rangeOf(item, doc);
      const sel = new vscode.Range(item.range.startLine, 0, item.range.startLine, doc.lineAt(item.range.startLine).text.length);
      return new vscode.DocumentSymbol(name, parts.slice(2).join(' · '), KIND[item.result.kind] ?? vscode.SymbolKind.Object, range, sel);
    });
  }
}
