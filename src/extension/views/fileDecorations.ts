// Explorer badges for certificate files: "R" (revoked by a workspace CRL) and "E" (expired) in the
// error colour, "S" (expiring soon) in the warning colour. Computed from the shared analysis.
import * as vscode from 'vscode';
import type { FileMark } from '../../core/workspace/fileMarks';
import { readConfig } from '../config';
import type { PkiWorkspace } from './pkiWorkspace';

const COLOR: Record<FileMark['state'], string> = {
  revoked: 'list.errorForeground', expired: 'list.errorForeground', expiringSoon: 'list.warningForeground',
};

export class CertFileDecorations implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri[] | undefined>();
  readonly onDidChangeFileDecorations = this.changed.event;
  private marks = new Map<string, FileMark>();
  private readonly sub: vscode.Disposable;

  constructor(private readonly pki: PkiWorkspace) {
    this.sub = pki.onDidChange(() => void this.recompute());
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== 'file' || !readConfig(uri).inspectFileDecorations) return undefined;
    const m = this.marks.get(uri.fsPath);
    return m && new vscode.FileDecoration(m.badge, m.tooltip, new vscode.ThemeColor(COLOR[m.state]));
  }

  private async recompute(): Promise<void> {
    const a = this.pki.analysis();
    const { fileMarks } = await import('../../core/workspace/fileMarks');
    const next = a ? fileMarks(a) : new Map<string, FileMark>();
    const touched = new Set([...this.marks.keys(), ...next.keys()]);
    this.marks = next;
    this.changed.fire([...touched].map((p) => vscode.Uri.file(p)));
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}
