// The broker's server certificate when it is not under the CA's issued/ folder (an openssl-made
// CA): a file given as the `serverCert` argument or chosen in an open dialog, its key found beside
// it (by public key), given as `serverKey`, or chosen; both checked (core/broker/serverFiles.ts).
import * as vscode from 'vscode';
import { basename, isAbsolute, resolve } from 'node:path';
import type { CertificateAuthority } from '../../core/ca';
import { keyBeside, readServerCertificate, requireKeyFits, ServerFilesError } from '../../core/broker/serverFiles';
import { UserError } from '../errors';
import { pickerTitle } from '../commands/invocation';

export async function serverFilesOutsideIssued(
  ca: CertificateAuthority, caName: string, certArg?: string, keyArg?: string, why?: string,
): Promise<{ cert: string; key: string }> {
  try {
    const certFile = certArg ? workspacePath(certArg) : await chooseFile(`${why ?? `the server certificate issued by ${caName}`}`, 'Use as server certificate', { Certificates: ['crt', 'pem', 'cer'] });
    const cert = readServerCertificate(certFile, ca.certPem, caName);
    const keyFile = keyArg ? workspacePath(keyArg) : keyBeside(certFile, cert)
      ?? await chooseFile(`no private key of ${basename(certFile)} beside it: choose its key`, 'Use as its private key', { Keys: ['key', 'pem'] });
    requireKeyFits(keyFile, cert, certFile);
    return { cert: certFile, key: keyFile };
  } catch (err) {
    if (err instanceof ServerFilesError) throw new UserError(err.message);
    throw err;
  }
}

/** A path argument, relative to the first workspace folder. */
export function workspacePath(p: string): string {
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return isAbsolute(p) || !base ? p : resolve(base, p);
}

async function chooseFile(what: string, openLabel: string, filters: Record<string, string[]>): Promise<string> {
  const picked = await vscode.window.showOpenDialog({
    title: `${pickerTitle()}: ${what}`, openLabel, canSelectMany: false,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri, filters: { ...filters, 'All files': ['*'] },
  });
  if (!picked?.[0]) throw new vscode.CancellationError();
  return picked[0].fsPath;
}
