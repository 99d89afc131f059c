// The "Certificate Authorities" view: each CA of the workspace (a folder with index.txt and
// ca.crt/openssl.cnf), its issued certificates with their status from index.txt (inline Revoke
// on valid ones), and its current CRL (number, nextUpdate, entries). Rebuilt, debounced, when an
// index.txt or a CRL changes on disk (also when `openssl ca` changed it), and after our commands.
import * as vscode from 'vscode';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serialKey, type CertificateAuthority } from '../../core/ca';
import { decodeCrl } from '../../core/decode/crl';
import { findPemBlocks } from '../../core/pem';
import { forMarkdown, forTerminal } from '../../core/present/safeText';
import type { Log } from '../log';
import type { BrokerController } from '../broker/controller';
import { findWorkspaceCas, issuedFiles } from '../commands/ca/workspaceCas';
import type { CaCertNode, CaCrlEntryNode, CaCrlNode, CaNode, CaTreeNode, CertStatus } from './caTreeModel';

export const CA_VIEW_ID = 'certscope.certificateAuthorities';
const MAX_CRL_ENTRIES_SHOWN = 500;

interface Built {
  roots: CaNode[];
  children: Map<string, CaTreeNode[]>;
  parents: Map<string, CaTreeNode>;
}

export class CaTreeProvider implements vscode.TreeDataProvider<CaTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<CaTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private built?: Promise<Built>;
  private timer?: NodeJS.Timeout;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly log: Log, private readonly controller: BrokerController) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/{index.txt,crl.pem,ca.crt}');
    const soon = (): void => this.refreshSoon();
    this.disposables.push(watcher, watcher.onDidChange(soon), watcher.onDidCreate(soon), watcher.onDidDelete(soon));
    // The CRL node shows the URL while the CRL is published.
    this.disposables.push(controller.onDidChange(() => {
      const published = controller.snapshot().crls.length;
      if (published !== this.publishedCount) {
        this.publishedCount = published;
        this.refresh();
      }
    }));
  }

  private publishedCount = 0;

  refresh(): void {
    this.built = undefined;
    this.changed.fire(undefined);
  }

  private refreshSoon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), 300);
  }

  /** The whole model (tests read it to check what the view shows). */
  async model(): Promise<Built> {
    this.built ??= this.build();
    return this.built;
  }

  async getChildren(element?: CaTreeNode): Promise<CaTreeNode[]> {
    const b = await this.model();
    return element ? b.children.get(element.id) ?? [] : b.roots;
  }

  async getParent(element: CaTreeNode): Promise<CaTreeNode | undefined> {
    return (await this.model()).parents.get(element.id);
  }

  getTreeItem(n: CaTreeNode): vscode.TreeItem {
    switch (n.kind) {
      case 'ca': {
        const item = new vscode.TreeItem(n.name, vscode.TreeItemCollapsibleState.Expanded);
        item.id = n.id;
        item.description = n.error ? 'cannot open' : vscode.workspace.asRelativePath(n.dir);
        item.iconPath = new vscode.ThemeIcon(n.error ? 'error' : 'workspace-trusted');
        item.tooltip = n.error ? forTerminal(n.error) : `${forTerminal(n.subject ?? '')}\nvalid until ${n.notAfter?.toISOString().slice(0, 10)}\n${forTerminal(n.dir)}`;
        item.contextValue = n.error ? 'ca:error' : 'ca';
        item.resourceUri = vscode.Uri.file(n.dir);
        return item;
      }
      case 'caGroup': {
        const item = new vscode.TreeItem('Issued certificates', n.count ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        item.id = n.id;
        item.description = String(n.count);
        item.iconPath = new vscode.ThemeIcon('list-unordered');
        item.contextValue = 'ca:group';
        return item;
      }
      case 'caCert': {
        const item = new vscode.TreeItem(cn(n.subject), vscode.TreeItemCollapsibleState.None);
        item.id = n.id;
        item.description = forTerminal(statusText(n));
        item.iconPath = new vscode.ThemeIcon(STATUS_ICON[n.status], new vscode.ThemeColor(STATUS_COLOR[n.status]));
        // index.txt is workspace content: every field is escaped (no links, HTML, table or line breaks).
        item.tooltip = new vscode.MarkdownString([
          `**${forMarkdown(n.subject)}**`, '', `serial ${forMarkdown(n.serialHex)}`, `status: ${forMarkdown(statusText(n))}`, `expires ${n.expires.toISOString()}`,
          ...(n.certPath ? ['', forMarkdown(vscode.workspace.asRelativePath(n.certPath))] : []),
        ].join('  \n'));
        item.contextValue = `ca:cert:${n.status}`;
        if (n.certPath) item.command = { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.file(n.certPath)] };
        return item;
      }
      case 'caCrl': {
        const item = new vscode.TreeItem(crlLabel(n.crlNumber), n.entries ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = n.id;
        item.description = n.error ?? `${n.entries} revoked · next update ${n.nextUpdate ? fmt(n.nextUpdate) : 'none'}${n.stale ? ' (STALE)' : ''}${n.url ? ` · ${n.url}` : ''}`;
        item.iconPath = new vscode.ThemeIcon(n.error || n.stale ? 'warning' : 'shield');
        item.tooltip = n.error ? forTerminal(n.error) : `CRL number ${n.crlNumber ?? '-'}\nthisUpdate ${n.thisUpdate?.toISOString()}\nnextUpdate ${n.nextUpdate?.toISOString() ?? '-'}\n${n.entries} entries${n.url ? `\npublished at ${forTerminal(n.url)}` : ''}`;
        item.contextValue = n.url ? 'ca:crl:published' : 'ca:crl';
        if (n.path) item.resourceUri = vscode.Uri.file(n.path);
        return item;
      }
      case 'caCrlEntry': {
        const item = new vscode.TreeItem(n.serialHex, vscode.TreeItemCollapsibleState.None);
        item.id = n.id;
        item.description = `${fmt(n.date)}${n.reason ? ` · ${n.reason}` : ''}`;
        item.iconPath = new vscode.ThemeIcon('circle-slash');
        item.contextValue = 'ca:crlEntry';
        return item;
      }
    }
  }

  private async build(): Promise<Built> {
    const b: Built = { roots: [], children: new Map(), parents: new Map() };
    const add = (parent: CaTreeNode, kids: CaTreeNode[]): void => {
      b.children.set(parent.id, kids);
      for (const k of kids) b.parents.set(k.id, parent);
    };
    for (const w of await findWorkspaceCas()) {
      const node: CaNode = { kind: 'ca', id: `ca:${w.dir}`, dir: w.dir, name: w.name, error: w.error };
      b.roots.push(node);
      if (!w.ca) continue;
      try {
        node.subject = w.ca.subject;
        node.notAfter = w.ca.info.notAfter;
        const certs = certNodes(w.ca);
        // A distinct id once the group has certificates: VS Code keeps the collapsed state of an id.
        const group = { kind: 'caGroup' as const, id: `group:${w.dir}${certs.length ? '#open' : ''}`, caDir: w.dir, count: certs.length };
        add(group, certs);
        const crl = crlNode(w.ca, this.controller.publishedCrl(w.dir)?.derUrl);
        add(crl.node, crl.entries);
        add(node, [group, crl.node]);
      } catch (err) {
        node.error = (err as Error).message;
        this.log.warn(`CA view: ${w.dir}: ${node.error}`);
      }
    }
    return b;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }
}

const STATUS_ICON: Record<CertStatus, string> = { valid: 'pass', revoked: 'error', hold: 'debug-pause', expired: 'clock' };
const STATUS_COLOR: Record<CertStatus, string> = {
  valid: 'testing.iconPassed', revoked: 'errorForeground', hold: 'editorWarning.foreground', expired: 'disabledForeground',
};

function statusText(n: CaCertNode): string {
  switch (n.status) {
    case 'valid': return `valid until ${fmt(n.expires)}`;
    case 'expired': return `expired ${fmt(n.expires)}`;
    case 'hold': return `on hold since ${n.revokedAt ? fmt(n.revokedAt) : '?'}`;
    case 'revoked': return `revoked ${n.revokedAt ? fmt(n.revokedAt) : ''}${n.reason ? ` (${n.reason})` : ''}`;
  }
}

/** The CRL number is decoded as hex; people count CRLs in decimal (as `openssl crl` prints). */
export function crlLabel(hex?: string): string {
  const digits = hex?.replace(/[^0-9a-f]/gi, '');
  return digits ? `CRL #${BigInt('0x' + digits).toString()}` : 'CRL';
}

function cn(subject: string): string {
  return forTerminal(/CN=([^/,\n]+)/.exec(subject)?.[1] ?? subject);
}

function fmt(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function certNodes(ca: CertificateAuthority): CaCertNode[] {
  const bySerial = new Map(issuedFiles(ca).map((f) => [serialKey(f.serialHex), f.certPath]));
  const now = Date.now();
  return ca.list().map((e): CaCertNode => {
    const hold = e.status === 'R' && e.revoked?.reason === 'certificateHold';
    const status: CertStatus = hold ? 'hold' : e.status === 'R' ? 'revoked' : e.status === 'E' || e.expires.getTime() < now ? 'expired' : 'valid';
    const byserial = join(ca.paths.newCertsDir, `${e.serialHex}.pem`);
    return {
      kind: 'caCert', id: `cert:${ca.paths.dir}:${e.serialHex}`, caDir: ca.paths.dir, serialHex: e.serialHex, subject: e.subject, status,
      expires: e.expires, reason: e.revoked?.reason, revokedAt: e.revoked?.date,
      certPath: bySerial.get(serialKey(e.serialHex)) ?? (existsSync(byserial) ? byserial : undefined),
    };
  }).reverse();
}

function crlNode(ca: CertificateAuthority, url?: string): { node: CaCrlNode; entries: CaCrlEntryNode[] } {
  const id = `crl:${ca.paths.dir}`;
  const path = existsSync(ca.paths.crlDer) ? ca.paths.crlDer : existsSync(ca.paths.crlPem) ? ca.paths.crlPem : undefined;
  if (!path) return { node: { kind: 'caCrl', id, caDir: ca.paths.dir, entries: 0, stale: false, error: 'no CRL written yet (Publish CRL writes one)' }, entries: [] };
  try {
    const bytes = readFileSync(path);
    const der = path.endsWith('.der') ? bytes : findPemBlocks(bytes.toString('latin1')).find((p) => p.der)?.der;
    if (!der) throw new Error('no CRL block');
    const m = decodeCrl(der as Uint8Array);
    const node: CaCrlNode = {
      kind: 'caCrl', id, caDir: ca.paths.dir, path: ca.paths.crlPem, crlNumber: m.crlNumber, thisUpdate: m.thisUpdate, nextUpdate: m.nextUpdate,
      entries: m.entryCount, stale: m.nextUpdate ? m.nextUpdate.getTime() < Date.now() : false, url,
    };
    const entries = m.entries.slice(0, MAX_CRL_ENTRIES_SHOWN).map((e) => ({
      kind: 'caCrlEntry' as const, id: `${id}:${e.serialHex}`, caDir: ca.paths.dir, serialHex: e.serialHex.toUpperCase(), date: e.revocationDate, reason: e.reason,
    }));
    return { node, entries };
  } catch (err) {
    return { node: { kind: 'caCrl', id, caDir: ca.paths.dir, entries: 0, stale: false, error: `cannot read the CRL: ${(err as Error).message}` }, entries: [] };
  }
}
