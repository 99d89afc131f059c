// CodeLens / palette commands on the PEM block at a position: Verify chain and Copy fingerprint.
// From a CodeLens they receive (uri, blockIndex) or the fingerprint; from the palette they use the
// active editor's cursor.
import * as vscode from 'vscode';
import type { CertificateModel } from '../../core/model';
import type { ChainCheck } from '../../core/workspace/chainCheck';
import { UserError } from '../errors';
import type { Services } from '../services';
import { copyFingerprint } from '../views/treeCommands';
import { decodedBlocks } from './documentBlocks';
import { forNotification } from '../../core/present/safeText';

async function certificateAt(services: Services, uriArg: unknown, blockArg: unknown): Promise<CertificateModel> {
  const editor = vscode.window.activeTextEditor;
  const uri = uriArg instanceof vscode.Uri ? uriArg : editor?.document.uri;
  if (!uri) throw new UserError('Open a file with a PEM certificate first.');
  const doc = await vscode.workspace.openTextDocument(uri);
  const items = await decodedBlocks(doc, services.pki);
  const line = editor && editor.document.uri.toString() === uri.toString() ? editor.selection.active.line : 0;
  const item = typeof blockArg === 'number'
    ? items.find((i) => i.range.block === blockArg)
    : items.find((i) => line >= i.range.startLine && line < i.range.endLine) ?? items.find((i) => i.result.kind === 'certificate');
  if (!item || item.result.kind !== 'certificate') throw new UserError('No certificate at the cursor.');
  return item.result;
}

/** certscope.inspect.verifyChain: resolves to the check (tests read it), shows a notification. */
export async function verifyChain(services: Services, uri?: unknown, block?: unknown): Promise<Pick<ChainCheck, 'ok' | 'summary'>> {
  const cert = await certificateAt(services, uri, block);
  await services.pki.start();
  const [{ checkChainInWorkspace }, { verifyInWorkspace }, { analyze }] = await Promise.all([
    import('../../core/workspace/chainCheck'), import('../../core/revocation/verify'), import('../../core/workspace/analysis'),
  ]);
  const a = services.pki.analysis() ?? analyze([], { now: new Date(), expiringDays: 30 });
  let result: Pick<ChainCheck, 'ok' | 'summary'>;
  try {
    // RFC 5280 path validation with workspace roots as anchors, revocation from the workspace's answer.
    result = await verifyInWorkspace(cert, a, (k) => services.pki.fileLabel(k));
  } catch (err) {
    services.log.warn(`verify chain: path validation failed to run (${String(err)}); showing the workspace chain instead`);
    result = checkChainInWorkspace(cert, a);
  }
  services.log.info(`verify chain: ${result.summary}`);
  if (result.ok) void vscode.window.showInformationMessage(`Certscope: ${forNotification(result.summary)}`);
  else void vscode.window.showWarningMessage(`Certscope: ${forNotification(result.summary)}`);
  return result;
}

/** certscope.inspect.copyFingerprint: argument is the fingerprint (CodeLens) or none (cursor). */
export async function copyBlockFingerprint(services: Services, arg?: unknown, block?: unknown): Promise<string> {
  if (typeof arg === 'string') return copyFingerprint(arg);
  return copyFingerprint((await certificateAt(services, arg, block)).fingerprints.sha256);
}
