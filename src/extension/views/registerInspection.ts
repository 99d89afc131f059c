// Registers the inspection side (helper F's features) in one call from activate(): the Workspace
// PKI tree, Explorer badges, hover, CodeLens, diagnostics + quick fixes, PEM outline and the DER
// viewer. Everything is owned by context.subscriptions. Only cheap objects are built here; the
// workspace scan starts after activation and loads the decoders lazily.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { DER_VIEW_TYPE, DerViewerProvider } from '../editor/derViewer';
import { TEXT_SELECTOR } from '../editor/documentBlocks';
import { PemCodeLensProvider } from '../editor/pemCodeLens';
import { PemFolding } from '../editor/pemFolding';
import { PemHoverProvider } from '../editor/pemHover';
import { PemSymbols } from '../editor/pemSymbols';
import { PkiDiagnostics } from '../editor/pkiDiagnostics';
import { PkiQuickFixes } from '../editor/pkiQuickFixes';
import { CertFileDecorations } from './fileDecorations';
import { createPkiTreeView } from './workspaceTree';

export function registerInspection(context: vscode.ExtensionContext, services: Services): void {
  const { pki, log } = services;
  const decorations = new CertFileDecorations(pki, log);
  const codeLens = new PemCodeLensProvider(pki);
  const diagnostics = new PkiDiagnostics(pki, log);
  context.subscriptions.push(
    pki,
    ...createPkiTreeView(pki),
    decorations,
    vscode.window.registerFileDecorationProvider(decorations),
    vscode.languages.registerHoverProvider(TEXT_SELECTOR, new PemHoverProvider(pki, log)),
    codeLens,
    vscode.languages.registerCodeLensProvider(TEXT_SELECTOR, codeLens),
    diagnostics,
    vscode.languages.registerCodeActionsProvider(TEXT_SELECTOR, new PkiQuickFixes(diagnostics), { providedCodeActionKinds: PkiQuickFixes.kinds }),
    vscode.languages.registerDocumentSymbolProvider({ language: 'pem' }, new PemSymbols(pki)),
    vscode.languages.registerFoldingRangeProvider({ language: 'pem' }, new PemFolding()),
    vscode.window.registerCustomEditorProvider(DER_VIEW_TYPE, new DerViewerProvider(services), {
      supportsMultipleEditorsPerDocument: true,
    }),
  );
  // Index after activation returns, so activation itself stays cheap.
  setTimeout(() => void pki.start().catch((e: unknown) => log.error('workspace PKI scan failed', e)), 0);
}
