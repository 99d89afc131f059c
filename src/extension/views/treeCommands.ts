// Commands of the Workspace PKI tree. Tree-node commands receive the clicked PkiNode.
import * as vscode from 'vscode';
import type { PkiNode } from '../../core/workspace/tree';
import { UserError } from '../errors';
import type { Services } from '../services';

function nodeUri(arg: unknown): vscode.Uri {
  const n = arg as Partial<PkiNode> | undefined;
  if (!n?.location?.file) throw new UserError('This tree item has no file.');
  return vscode.Uri.file(n.location.file);
}

/**
 * certscope.tree.refresh: rescans the workspace and resolves to a snapshot (timings, nodes,
 * badges, decode count) that tests read. `{ rescan: false }` only waits for pending updates.
 */
export async function refreshTree(services: Services, options?: unknown): Promise<unknown> {
  if ((options as { rescan?: boolean } | undefined)?.rescan === false) await services.pki.settle();
  else await services.pki.rescan();
  const tree = await services.pki.tree();
  const a = services.pki.analysis();
  const nodes: Array<PkiNode & { tooltip: string }> = [];
  const walk = (list: PkiNode[]): void => {
    for (const n of list) { nodes.push({ ...n, tooltip: tree!.tooltip(n) }); walk(n.kind === 'crl' ? tree!.children(n).slice(0, 20) : tree!.children(n)); }
  };
  if (tree) walk(tree.roots());
  const { fileMarks } = await import('../../core/workspace/fileMarks');
  const marks = a ? Object.fromEntries([...fileMarks(a)].map(([k, m]) => [k, m.badge])) : {};
  return { stats: services.pki.lastScan, loads: services.pki.loads, nodes, marks };
}

/** certscope.tree.inspect: opens the decoded view of the node's file. */
export async function treeInspect(_services: Services, node: unknown): Promise<unknown> {
  return vscode.commands.executeCommand('certscope.inspect.open', nodeUri(node));
}

/** certscope.tree.copyFingerprint: SHA-256 fingerprint as openssl prints it (AA:BB:...). */
export async function treeCopyFingerprint(_services: Services, node: unknown): Promise<string> {
  const fp = (node as Partial<PkiNode> | undefined)?.fingerprint;
  if (!fp) throw new UserError('Only certificates have a fingerprint.');
  return copyFingerprint(fp);
}

export async function copyFingerprint(hex: string): Promise<string> {
  const { colonFingerprint } = await import('../../core/present/hover');
  const text = colonFingerprint(hex);
  await vscode.env.clipboard.writeText(text);
  void vscode.window.setStatusBarMessage(`Certscope: copied SHA-256 fingerprint ${text.slice(0, 23)}…`, 3000);
  return text;
}

/** certscope.tree.revealInExplorer */
export async function treeRevealInExplorer(_services: Services, node: unknown): Promise<void> {
  await vscode.commands.executeCommand('revealInExplorer', nodeUri(node));
}
