// "Certscope: Verify Certificate Against Its CA" (certscope.ca.verify): RFC 5280 path validation
// of a certificate file against the workspace CA that issued it, with that CA's current CRL.
// Target: explorer file, CA view node, args { file }, active editor. Resolves to the result.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { verifyCertificate, loadCertificates, loadCrlFile, type VerifyResult } from '../../../core/verify';
import type { Services } from '../../services';
import { isCaCertNode } from '../../views/caTreeModel';
import { argsOf, str } from './args';
import { issuingCaOf } from './workspaceCas';
import { UserError } from '../../errors';

export async function verifyAgainstCa(services: Services, raw?: unknown): Promise<VerifyResult> {
  let file: string | undefined;
  if (raw instanceof vscode.Uri) file = raw.fsPath;
  else if (isCaCertNode(raw)) file = raw.certPath ?? join(raw.caDir, 'certs', `${raw.serialHex}.pem`);
  else file = str(argsOf(raw), 'file') ?? vscode.window.activeTextEditor?.document.uri.fsPath;
  if (!file) throw new UserError('open or select a certificate file to verify');
  if (!existsSync(file)) throw new UserError(`${basename(file)} does not exist`);
  const { ca, name, cert } = await issuingCaOf(file);
  const chain = loadCertificates(ca.paths.caChain && existsSync(ca.paths.caChain) ? ca.paths.caChain : ca.paths.certificate);
  const anchors = chain.slice(-1);
  const pool = chain.slice(0, -1);
  const crls = existsSync(ca.paths.crlDer) ? loadCrlFile(ca.paths.crlDer) : existsSync(ca.paths.crlPem) ? loadCrlFile(ca.paths.crlPem) : [];
  const result = await verifyCertificate(new Uint8Array(cert.raw), { anchors, pool, crls, revocation: crls.length ? 'leaf' : 'none', requireRevocationStatus: crls.length > 0 });
  const who = `${basename(file)} (${cert.subject.replace(/\n/g, ', ')})`;
  const message = result.valid
    ? `${who} is valid: chain to ${name} verified, ${crls.length ? 'not revoked (CRL checked)' : 'no CRL to check'}.`
    : `${who} is NOT valid: ${result.failure?.message ?? 'unknown failure'}`;
  services.log.info(`verify: ${message}`);
  if (result.valid) void vscode.window.showInformationMessage(`Certscope: ${message}`);
  else void vscode.window.showWarningMessage(`Certscope: ${message}`);
  return result;
}
