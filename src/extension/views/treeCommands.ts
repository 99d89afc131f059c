// Commands of the Workspace PKI tree. Tree-node commands receive the clicked PkiNode.
import * as vscode from 'vscode';
import type { PkiNode, PkiTree } from '../../core/workspace/tree';
import { UserError } from '../errors';
import type { Services } from '../services';
import { TREE_VIEW_ID } from './workspaceTree';
import { pickerTitle } from '../commands/invocation';

function nodeUri(arg: unknown): vscode.Uri {
  const n = arg as Partial<PkiNode> | undefined;
  if (!n?.location?.file) throw new UserError('This tree item has no file.');
  return vscode.Uri.file(n.location.file);
}

interface RefreshOptions {
  /** false: only wait for pending updates. */
  rescan?: boolean;
  /** false: return timings and counts only, not every node (fleet-sized workspaces). */
  walk?: boolean;
  /** Expand this node (by label, or the node with most children for "widest") and time it. */
  expand?: string;
}

/**
 * certscope.tree.refresh: rescans the workspace and resolves to a snapshot (timings, nodes,
 * badges, decode count) that tests and the editor benchmark read. `{ rescan: false }` only waits
 * for pending updates.
 */
export async function refreshTree(services: Services, options?: unknown): Promise<unknown> {
  const o = (options ?? {}) as RefreshOptions;
  if (o.rescan === false) await services.pki.settle();
  else await services.pki.rescan();
  const tree = await services.pki.tree();
  if (o.walk === false) {
    const expanded = tree && o.expand ? await expandAndTime(services, tree, o.expand) : undefined;
    return { stats: services.pki.lastScan, loads: services.pki.loads, abandoned: services.pki.abandoned, roots: tree?.roots().length ?? 0, expanded };
  }
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

/**
 * Expands one node in the real view and resolves when VS Code has fetched and shown its children
 * (reveal with expand waits for the workbench): the time a user waits after a click.
 */
async function expandAndTime(services: Services, tree: PkiTree, which: string): Promise<unknown> {
  const view = services.pki.treeView;
  if (!view) throw new UserError('The Workspace PKI view is not open.');
  let best: PkiNode | undefined;
  let most = -1;
  const visit = (list: PkiNode[]): void => {
    for (const n of list) {
      const kids = tree.children(n);
      if (which === 'widest' ? kids.length > most : n.label === which && !best) { best = n; most = kids.length; }
      visit(kids);
    }
  };
  visit(tree.roots());
  if (!best) throw new UserError(`No tree node named ${which}.`);
  const t0 = performance.now();
  await view.reveal(best, { expand: true, select: false, focus: false });
  return { label: best.label, children: tree.children(best).length, ms: performance.now() - t0 };
}

/** certscope.tree.filter: shows only certificates matching a text (CN, subject, SAN, serial, fingerprint, status). */
export async function treeFilter(services: Services, text?: unknown): Promise<string> {
  const value = typeof text === 'string' ? text : await vscode.window.showInputBox({
    title: pickerTitle(),
    prompt: 'Common name, subject, SAN, serial or fingerprint (hex, colons optional), or a status: expired, expiring soon, revoked, valid',
    value: services.pki.filter,
    placeHolder: 'e.g. device-12, 3A:F0:…, expired',
  });
  if (value === undefined) throw new vscode.CancellationError();
  services.pki.setFilter(value);
  if (value.trim()) await vscode.commands.executeCommand(`${TREE_VIEW_ID}.focus`);
  return services.pki.filter;
}

/** certscope.tree.clearFilter */
export async function treeClearFilter(services: Services): Promise<void> {
  services.pki.setFilter('');
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
