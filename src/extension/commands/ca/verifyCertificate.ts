// "Certscope: Verify Certificate Against Its CA" (certscope.ca.verify): RFC 5280 path validation of
// a certificate file with the workspace's CAs as trust anchors and the revocation answer the tree,
// hover and Problems show (src/core/revocation): CRLs found anywhere in the workspace, whatever
// their name, plus the CA folder's own (openssl.cnf crl / crl_dir). Target: explorer file, CA view
// node, args { file }, active editor. Resolves to the path validation result.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { VerifyResult } from '../../../core/verify';
import type { Services } from '../../services';
import { isCaCertNode } from '../../views/caTreeModel';
import { argsOf, str } from './args';
import { findWorkspaceCas, readCertificate } from './workspaceCas';
import { UserError } from '../../errors';
import { forNotification, forTerminal } from '../../../core/present/safeText';

export async function verifyAgainstCa(services: Services, raw?: unknown): Promise<VerifyResult> {
  let file: string | undefined;
  if (raw instanceof vscode.Uri) file = raw.fsPath;
  else if (isCaCertNode(raw)) file = raw.certPath ?? join(raw.caDir, 'certs', `${raw.serialHex}.pem`);
  else file = str(argsOf(raw), 'file') ?? vscode.window.activeTextEditor?.document.uri.fsPath;
  if (!file) throw new UserError('open or select a certificate file to verify');
  if (!existsSync(file)) throw new UserError(`${basename(file)} does not exist`);
  const x509 = readCertificate(file);
  const [{ decodeCertificate }, { verifyInWorkspace }, { caCrlFiles }, { describeRevocation }] = await Promise.all([
    import('../../../core/decode/certificate'), import('../../../core/revocation/verify'),
    import('../../../core/revocation/discovery'), import('../../../core/revocation/evidence'),
  ]);
  const cert = decodeCertificate(new Uint8Array(x509.raw));
  // The CRL a command (or openssl) just wrote must count now, not after the file watcher's debounce.
  const cas = await findWorkspaceCas();
  await services.pki.reload([file, ...cas.flatMap((w) => caCrlFiles(w.dir))]);
  const a = services.pki.analysis();
  if (!a) throw new UserError('the workspace PKI index is not ready yet');
  const label = (k: string): string => services.pki.fileLabel(k);
  const v = await verifyInWorkspace(cert, a, label);
  const who = `${basename(file)} (${x509.subject.replace(/\n/g, ', ')})`;
  const anchor = v.result.path[v.result.path.length - 1];
  const leaf = v.statuses[0];
  const message = v.ok
    ? `${who} is valid: chain to ${anchor?.subject ?? 'a workspace CA'} verified, ${leaf ? describeRevocation(leaf.revocation, label) : 'revocation not checked'}.`
    : `${who} is NOT valid: ${v.result.failure?.message ?? 'unknown failure'}`;
  services.log.info(`verify: ${forTerminal(message)}`);
  if (v.ok) void vscode.window.showInformationMessage(`Certscope: ${forNotification(message)}`);
  else void vscode.window.showWarningMessage(`Certscope: ${forNotification(message)}`);
  return v.result;
}
