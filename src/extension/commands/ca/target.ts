// What a revoke/release command acts on: the clicked file (explorer), a certificate node of the
// "Certificate Authorities" view, args { file | serial, caDir }, the active editor's file, or a
// file picker.
import * as vscode from 'vscode';
import type { CertificateAuthority } from '../../../core/ca';
import { isCaCertNode } from '../../views/caTreeModel';
import { UserError } from '../../errors';
import { argsOf, str } from './args';
import { issuingCaOf, pickCa } from './workspaceCas';

export interface CertTarget {
  ca: CertificateAuthority;
  caName: string;
  /** Certificate file, or serial hex: what CertificateAuthority.revoke() takes. */
  target: string;
  serialHex: string;
  label: string;
}

export async function resolveCertTarget(raw: unknown, title: string): Promise<CertTarget> {
  if (isCaCertNode(raw)) {
    const { ca, name } = await pickCa(raw.caDir, title);
    return { ca, caName: name, target: raw.serialHex, serialHex: raw.serialHex, label: raw.subject };
  }
  const a = argsOf(raw);
  const serial = str(a, 'serial');
  if (serial) {
    const { ca, name } = await pickCa(str(a, 'caDir'), title);
    const entry = ca.find(serial);
    if (!entry) throw new UserError(`serial ${serial} is not in the database of ${name}`);
    return { ca, caName: name, target: entry.serialHex, serialHex: entry.serialHex, label: entry.subject };
  }
  const file = raw instanceof vscode.Uri ? raw.fsPath : str(a, 'file') ?? await chooseFile(title);
  const { ca, name, cert } = await issuingCaOf(file);
  return { ca, caName: name, target: file, serialHex: cert.serialNumber.toUpperCase(), label: `/${cert.subject.split('\n').join('/')}` };
}

async function chooseFile(title: string): Promise<string> {
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.scheme === 'file' && /\.(crt|pem|cer)$/i.test(active.fsPath)) return active.fsPath;
  const picked = await vscode.window.showOpenDialog({
    title, canSelectMany: false, openLabel: 'Choose certificate',
    filters: { Certificates: ['crt', 'pem', 'cer'], 'All files': ['*'] },
  });
  if (!picked?.[0]) throw new vscode.CancellationError();
  return picked[0].fsPath;
}
