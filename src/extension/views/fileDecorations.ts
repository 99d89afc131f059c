// Explorer badges for certificate files: "R" (revoked by a workspace CRL) and "E" (expired) in the
// error colour, "S" (expiring soon) in the warning colour. Computed from the shared analysis.
import * as vscode from 'vscode';
import type { FileMark } from '../../core/workspace/fileMarks';
import { readConfig } from '../config';
import { inBackground, type Log } from '../log';
import type { PkiWorkspace } from './pkiWorkspace';
import { CERT_FRAGMENT } from './workspaceTree';

const COLOR: Record<FileMark['state'], string> = {
  revoked: 'list.errorForeground', expired: 'list.errorForeground', expiringSoon: 'list.warningForeground',
};

export class CertFileDecorations implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri[] | undefined>();
  readonly onDidChangeFileDecorations = this.changed.event;
  private marks = new Map<string, FileMark>();
  private readonly sub: vscode.Disposable;

  constructor(private readonly pki: PkiWorkspace, log: Log) {
    this.sub = pki.onDidChange(() => inBackground(log, 'Explorer badges', this.recompute()));
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== 'file' || !readConfig(uri).inspectFileDecorations) return undefined;
    if (uri.fragment.startsWith(CERT_FRAGMENT)) return this.certDecoration(uri.fragment.slice(CERT_FRAGMENT.length));
    const m = this.marks.get(uri.fsPath);
    return m && new vscode.FileDecoration(m.badge, m.tooltip, new vscode.ThemeColor(COLOR[m.state]));
  }

  /** A certificate row in the Workspace PKI tree: that certificate's own state. */
  private certDecoration(fingerprint: string): vscode.FileDecoration | undefined {
    const a = this.pki.analysis();
    const node = a?.forest.nodes.get(fingerprint);
    if (!a || !node) return undefined;
    const s = a.status(node.cert);
    const badge = s.state === 'revoked' ? 'R' : s.state === 'expired' ? 'E' : s.state === 'expiringSoon' ? 'S' : undefined;
    return badge && new vscode.FileDecoration(badge, `Certscope: ${s.text}`, new vscode.ThemeColor(COLOR[s.state as FileMark['state']]));
  }

  private async recompute(): Promise<void> {
    const a = this.pki.analysis();
    const [{ fileMarksSteps }, { runSliced }] = await Promise.all([import('../../core/workspace/fileMarks'), import('../../core/workspace/slices')]);
    const next = a ? await runSliced(fileMarksSteps(a)) : new Map<string, FileMark>();
    if (a !== this.pki.analysis()) return; // a newer analysis recomputes
    this.marks = next;
    // "Everything changed": the workbench re-asks only for the rows it shows (file and certificate
    // rows alike), instead of receiving thousands of URIs after each scan.
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}
