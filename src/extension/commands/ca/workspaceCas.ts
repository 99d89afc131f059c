// Finding development CAs in the workspace and the certificates they issued. A CA is a folder
// holding index.txt (OpenSSL's database) and ca.crt / cacert.pem or an openssl.cnf: the layout
// Certscope writes and the one people make with `openssl ca`. Shared by the CA commands and the
// "Certificate Authorities" view.
import { OID } from '../../../core/oids';
import * as vscode from 'vscode';
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { CertificateAuthority } from '../../../core/ca';
import { ISSUED_FILES } from '../../../core/ca/layout';
import { UserError } from '../../errors';
import { forIconLabel, forTerminal } from '../../../core/present/safeText';
import { pickerTitle } from '../invocation';

export interface WorkspaceCa {
  dir: string;
  /** The CA's CN (or folder name). */
  name: string;
  ca?: CertificateAuthority;
  /** Why the folder could not be opened as a CA. */
  error?: string;
}

const CA_MARKERS = ['ca.crt', 'cacert.pem', 'openssl.cnf'];

export async function findWorkspaceCas(): Promise<WorkspaceCa[]> {
  const indexes = await vscode.workspace.findFiles('**/index.txt', '{**/node_modules/**,**/.git/**}', 200);
  const dirs = [...new Set(indexes.filter((u) => u.scheme === 'file').map((u) => dirname(u.fsPath)))]
    .filter((d) => CA_MARKERS.some((m) => existsSync(join(d, m))))
    .sort();
  return Promise.all(dirs.map(openWorkspaceCa));
}

async function openWorkspaceCa(dir: string): Promise<WorkspaceCa> {
  try {
    const { openCa } = await import('../../../core/ca');
    const ca = openCa(dir);
    return { dir, name: commonName(ca.subject) ?? basename(dir), ca };
  } catch (err) {
    return { dir, name: basename(dir), error: (err as Error).message };
  }
}

function commonName(opensslSubject: string): string | undefined {
  return /\/CN=([^/]+)/.exec(opensslSubject)?.[1];
}

/** The CA named by `caDir`, the only CA in the workspace, or the one the user picks. */
export async function pickCa(caDir: string | undefined, title = pickerTitle()): Promise<{ ca: CertificateAuthority; name: string }> {
  if (caDir) {
    const w = await openWorkspaceCa(caDir);
    if (!w.ca) throw new UserError(w.error ?? `${caDir} is not a CA folder`);
    return { ca: w.ca, name: w.name };
  }
  const usable = (await findWorkspaceCas()).filter((w) => w.ca);
  if (usable.length === 0) throw new UserError('no CA in this workspace: run "Certscope: Create Development CA" first');
  if (usable.length === 1) return { ca: usable[0].ca!, name: usable[0].name };
  const picked = await vscode.window.showQuickPick(
    usable.map((w) => ({ label: forIconLabel(w.name), description: forTerminal(vscode.workspace.asRelativePath(w.dir)), w })), // workspace names: no $(icons), controls or bidi
    { title, placeHolder: 'Choose the certificate authority', ignoreFocusOut: true },
  );
  if (!picked) throw new vscode.CancellationError();
  return { ca: picked.w.ca!, name: picked.w.name };
}

/** The workspace CA that issued the certificate in `file` (signature checked), if any. */
export async function issuingCaOf(file: string): Promise<{ ca: CertificateAuthority; name: string; cert: X509Certificate }> {
  const cert = readCertificate(file);
  for (const w of await findWorkspaceCas()) {
    if (!w.ca) continue;
    const caCert = new X509Certificate(w.ca.certPem);
    if (cert.checkIssued(caCert) && cert.verify(caCert.publicKey)) return { ca: w.ca, name: w.name, cert };
  }
  throw new UserError(`${basename(file)} was not issued by any CA in this workspace (issuer ${cert.issuer.replace(/\n/g, ', ')})`);
}

export function readCertificate(file: string): X509Certificate {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (err) {
    throw new UserError(`cannot read ${basename(file)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(data.toString('latin1'))?.[0];
  try {
    return new X509Certificate(pem ?? data);
  } catch {
    throw new UserError(`${basename(file)} holds no certificate`);
  }
}

export interface IssuedFile {
  name: string;
  certPath: string;
  keyPath?: string;
  fullchainPath?: string;
  serialHex: string;
  serverAuth: boolean;
  clientAuth: boolean;
  subject: string;
}

/** The certificates under the CA's issued/<name>/ folders, newest folder first. */
export function issuedFiles(ca: CertificateAuthority): IssuedFile[] {
  const root = ca.paths.issuedDir;
  if (!existsSync(root)) return [];
  const out: IssuedFile[] = [];
  for (const name of readdirSync(root)) {
    const certPath = join(root, name, ISSUED_FILES.cert);
    if (!existsSync(certPath)) continue;
    try {
      const x = new X509Certificate(readFileSync(certPath));
      const eku = x.keyUsage ?? [];
      const keyPath = join(root, name, ISSUED_FILES.key);
      const fullchainPath = join(root, name, ISSUED_FILES.fullchain);
      out.push({
        name, certPath, serialHex: x.serialNumber.toUpperCase(), subject: x.subject.replace(/\n/g, ', '),
        serverAuth: eku.includes(OID.serverAuth), clientAuth: eku.includes(OID.clientAuth),
        keyPath: existsSync(keyPath) ? keyPath : undefined, fullchainPath: existsSync(fullchainPath) ? fullchainPath : undefined,
      });
    } catch {
      // Not a certificate (hand-edited folder): the CA view lists index.txt entries anyway.
    }
  }
  return out;
}

/** Untrusted workspaces may inspect but never write keys or start servers. */
export function requireTrust(what: string): void {
  if (!vscode.workspace.isTrusted) throw new UserError(`${what} needs a trusted workspace (Workspaces: Manage Workspace Trust)`);
}
