// Read-only custom editor for binary PKI files (.der, .cer, .crl, .p7b, .p12/.pfx, OCSP): shows the
// same decoded text as "Certscope: Inspect" in a script-less webview. A PEM text file with one
// of these extensions is handed back to the text editor. PKCS#12 asks for the password (kept in
// memory only, never logged).
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { Services } from '../services';

export const DER_VIEW_TYPE = 'certscope.derViewer';

export class DerViewerProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(private readonly services: Services) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(doc: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    panel.webview.options = { enableScripts: false, localResourceRoots: [] };
    const name = doc.uri.path.slice(doc.uri.path.lastIndexOf('/') + 1);
    try {
      if (await isPemText(doc.uri)) {
        // e.g. a PEM .crt/.cer: the text editor (with hover, CodeLens, outline) is the better view.
        panel.webview.html = page(name, 'This file is PEM text; opening it in the text editor…');
        await vscode.commands.executeCommand('vscode.openWith', doc.uri, 'default');
        panel.dispose();
        return;
      }
      const docs = this.services.decodedDocuments;
      const rendered = await docs.renderAskingPassword(doc.uri);
      if (!rendered) {
        panel.webview.html = page(name, 'This PKCS#12 store needs its password: reopen the file to enter it.');
        return;
      }
      panel.webview.html = page(name, rendered.text);
      // Redraw when the source or the workspace's CRLs change, like the decoded text documents.
      const sub = docs.onDidChange((u) => {
        const text = u.toString() === rendered.uri.toString() ? docs.textOf(u) : undefined;
        if (text !== undefined) panel.webview.html = page(name, text);
      });
      panel.onDidDispose(() => sub.dispose());
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.services.log.warn(`decoded view of ${doc.uri.toString()}: ${message}`);
      panel.webview.html = page(name, `Certscope could not decode this file.\n\n${message}`);
    }
  }
}

async function isPemText(uri: vscode.Uri): Promise<boolean> {
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.size > 5 * 1024 * 1024) return false; // the decoder reports the size problem
  const bytes = await vscode.workspace.fs.readFile(uri);
  const head = Buffer.from(bytes.subarray(0, 64 * 1024)).toString('latin1');
  return head.includes('-----BEGIN ');
}

function page(title: string, text: string): string {
  const nonce = randomBytes(16).toString('base64');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}';">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">body{padding:0 16px;color:var(--vscode-editor-foreground);background:var(--vscode-editor-background)}
pre{font-family:var(--vscode-editor-font-family);font-size:var(--vscode-editor-font-size);white-space:pre-wrap;word-break:break-all}</style>
</head><body><pre>${escapeHtml(text)}</pre></body></html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
