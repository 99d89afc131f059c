// "Workspace PKI" tree: one TreeDataProvider over the core's plain PkiNode elements, created with
// createTreeView (getParent implemented, so reveal works). Refreshes are debounced by the
// PkiWorkspace service; while the view is hidden nothing is rendered.
import * as vscode from 'vscode';
import type { PkiNode, PkiTree } from '../../core/workspace/tree';
import type { PkiWorkspace } from './pkiWorkspace';

export const TREE_VIEW_ID = 'certscope.workspacePki';
/** CAs with at most this many children start expanded: small PKIs show whole chains at once. */
const EXPAND_UP_TO = 20;
const REFRESH_DEBOUNCE_MS = 150;

class PkiTreeProvider implements vscode.TreeDataProvider<PkiNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<PkiNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subs: vscode.Disposable[];
  /**
   * The tree each element came from. VS Code matches elements by object identity, so getParent
   * and resolveTreeItem must answer from that tree, not from a newer one built after a change.
   */
  private readonly origin = new WeakMap<PkiNode, PkiTree>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly pki: PkiWorkspace) {
    // Coalesce bursts of index changes into one tree refresh.
    const refresh = (): void => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => { this.timer = undefined; this.changed.fire(undefined); }, REFRESH_DEBOUNCE_MS);
    };
    this.subs = [pki.onDidChange(refresh), pki.onDidChangeFilter(refresh)];
  }

  getTreeItem(n: PkiNode): vscode.TreeItem {
    // Top-level groups and small CAs open by themselves; the groups that split large sets
    // (status, month, folder, CA bundles) wait for a click, so nothing large is fetched unasked.
    const opens = (n.kind === 'group' && !n.parentId) || (n.kind === 'cert' && (n.childCount ?? 0) <= EXPAND_UP_TO);
    const collapsible = !n.expandable ? vscode.TreeItemCollapsibleState.None
      : opens ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(n.label, collapsible);
    item.id = n.id;
    item.description = n.description;
    item.iconPath = new vscode.ThemeIcon(n.icon, n.iconColor ? new vscode.ThemeColor(n.iconColor) : undefined);
    item.contextValue = n.contextValue;
    // ":key" marks certificates with a paired private key (menu "Test Connection with This Certificate").
    if (n.kind === 'cert' && this.origin.get(n)?.children(n).some((c) => c.kind === 'key')) item.contextValue += ':key';
    if (n.location) {
      // A certificate row carries its own fingerprint, so its decoration is its own status, not the
      // worst status of the file it lives in (one expired root must not paint a whole bundle red).
      item.resourceUri = n.fingerprint ? certResourceUri(n.location.file, n.fingerprint) : vscode.Uri.file(n.location.file);
      // Click opens the decoded view of the file (certscope.inspect.open, owned by the Inspect command).
      item.command = { command: 'certscope.inspect.open', title: 'Inspect', arguments: [vscode.Uri.file(n.location.file)] };
    }
    return item;
  }

  async getChildren(n?: PkiNode): Promise<PkiNode[]> {
    await this.pki.start();
    const tree = (n && this.origin.get(n)) ?? (await this.pki.tree());
    if (!tree) return [];
    const children = n ? tree.children(n) : tree.roots();
    for (const c of children) this.origin.set(c, tree);
    return children;
  }

  /** Tooltips are built when VS Code asks for them (on hover), not for every node up front. */
  async resolveTreeItem(item: vscode.TreeItem, n: PkiNode): Promise<vscode.TreeItem> {
    const tree = this.origin.get(n);
    if (tree) item.tooltip = new vscode.MarkdownString(tree.tooltip(n), true);
    return item;
  }

  getParent(n: PkiNode): PkiNode | undefined {
    const tree = this.origin.get(n) ?? this.pki.peekTree();
    const parent = tree?.parent(n);
    if (tree && parent) this.origin.set(parent, tree); // reveal() walks up from here
    return parent;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }
}

/** The URI a certificate row decorates: its file, with the fingerprint in the fragment. */
function certResourceUri(file: string, fingerprint: string): vscode.Uri {
  return vscode.Uri.file(file).with({ fragment: `${CERT_FRAGMENT}${fingerprint}` });
}
export const CERT_FRAGMENT = 'certscope-cert=';

export function createPkiTreeView(pki: PkiWorkspace): vscode.Disposable[] {
  const provider = new PkiTreeProvider(pki);
  const view = vscode.window.createTreeView(TREE_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  pki.treeView = view;
  const updateMessage = (): void => {
    const a = pki.analysis();
    view.message = a && a.files.size === 0 ? 'No certificates, keys or CRLs found in this workspace (see the certscope.inspect.include setting).' : undefined;
    const filter = pki.filter;
    view.description = filter ? `filter: ${filter}` : undefined;
    void vscode.commands.executeCommand('setContext', 'certscope.treeFiltered', Boolean(filter));
  };
  return [provider, view, pki.onDidChange(updateMessage), pki.onDidChangeFilter(updateMessage), { dispose: () => { pki.treeView = undefined; } }];
}
