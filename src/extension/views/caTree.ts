// The "Certificate Authorities" view: each CA of the workspace (a folder with index.txt and
// ca.crt/openssl.cnf), its issued certificates with their status from index.txt and the workspace's
// revocation answer (inline Revoke on valid ones), and its current CRL: the newest CRL this CA
// signed anywhere in the workspace, whatever its name (src/core/revocation). Rebuilt, debounced,
// when an index.txt or a CRL changes on disk (also when `openssl ca` changed it), and after our commands.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CertificateAuthority } from '../../core/ca';
import { colonSerial, serialKey } from '../../core/serial';
import type { CertificateModel } from '../../core/model';
import type { RevocationService, isStale as IsStale } from '../../core/revocation/status';
import { formatDate } from '../../core/dates';
import { crlName, crlNumberText, describeRevocation } from '../../core/revocation/evidence';
import { forTerminal } from '../../core/present/safeText';
import type { Log } from '../log';
import type { PkiWorkspace } from './pkiWorkspace';
import type { BrokerController } from '../broker/controller';
import { findWorkspaceCas, issuedFiles } from '../commands/ca/workspaceCas';
import { caCertTooltip, type CaCertNode, type CaCrlEntryNode, type CaCrlNode, type CaNode, type CaTreeNode, type CertStatus } from './caTreeModel';
import { commonNameIn } from '../../core/present/certName';

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

  constructor(private readonly log: Log, private readonly controller: BrokerController, private readonly pki: PkiWorkspace) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/{index.txt,crl.pem,ca.crt}');
    const soon = (): void => this.refreshSoon();
    // A CRL written anywhere in the workspace (any name, any folder) can be a CA's current CRL.
    this.disposables.push(watcher, watcher.onDidChange(soon), watcher.onDidCreate(soon), watcher.onDidDelete(soon), pki.onDidChange(soon));
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
        item.tooltip = n.error ? forTerminal(n.error) : `${forTerminal(n.subject ?? '')}\nvalid until ${n.notAfter ? formatDate(n.notAfter) : '?'}\n${forTerminal(n.dir)}`;
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
        const item = new vscode.TreeItem(forTerminal(commonNameIn(n.subject)), vscode.TreeItemCollapsibleState.None);
        item.id = n.id;
        item.description = forTerminal(statusText(n));
        item.iconPath = new vscode.ThemeIcon(STATUS_ICON[n.status], new vscode.ThemeColor(STATUS_COLOR[n.status]));
        item.tooltip = new vscode.MarkdownString(caCertTooltip(n, statusText(n), n.certPath ? vscode.workspace.asRelativePath(n.certPath) : undefined));
        item.contextValue = `ca:cert:${n.status}`;
        if (n.certPath) item.command = { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.file(n.certPath)] };
        return item;
      }
      case 'caCrl': {
        const item = new vscode.TreeItem(crlName(n.crlNumber), n.entries ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = n.id;
        item.description = n.error ?? `${n.pathLabel ? `${n.pathLabel} · ` : ''}${n.entries} revoked · next update ${n.nextUpdate ? formatDate(n.nextUpdate) : 'none'}${n.stale ? ' (STALE)' : ''}${n.url ? ` · ${n.url}` : ''}`;
        item.iconPath = new vscode.ThemeIcon(n.error || n.stale ? 'warning' : 'shield');
        item.tooltip = n.error ? forTerminal(n.error) : `${forTerminal(n.pathLabel ?? '')}\nCRL number ${n.crlNumber ? crlNumberText(n.crlNumber) : '-'}\nthis update ${n.thisUpdate ? formatDate(n.thisUpdate) : '-'}\nnext update ${n.nextUpdate ? formatDate(n.nextUpdate) : '-'}\n${n.entries} entries${n.url ? `\npublished at ${forTerminal(n.url)}` : ''}`;
        item.contextValue = n.url ? 'ca:crl:published' : 'ca:crl';
        if (n.path) item.resourceUri = vscode.Uri.file(n.path);
        return item;
      }
      case 'caCrlEntry': {
        const item = new vscode.TreeItem(colonSerial(n.serialHex), vscode.TreeItemCollapsibleState.None);
        item.id = n.id;
        item.description = `${formatDate(n.date)}${n.reason ? ` · ${n.reason}` : ''}`;
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
    const cas = await findWorkspaceCas();
    const { caCrlFiles } = await import('../../core/revocation/discovery');
    await this.pki.reload(cas.flatMap((w) => caCrlFiles(w.dir)));
    const a = this.pki.analysis();
    const { decodeCertificate } = await import('../../core/decode/certificate');
    const { isStale } = await import('../../core/revocation/status');
    for (const w of cas) {
      const node: CaNode = { kind: 'ca', id: `ca:${w.dir}`, dir: w.dir, name: w.name, error: w.error };
      b.roots.push(node);
      if (!w.ca) continue;
      try {
        node.subject = w.ca.subject;
        node.notAfter = w.ca.info.notAfter;
        const caCert = decodeCertificate(w.ca.certDer);
        const label = (k: string): string => this.pki.fileLabel(k);
        const certs = certNodes(w.ca, caCert, a?.revocation, label);
        // A distinct id once the group has certificates: VS Code keeps the collapsed state of an id.
        const group = { kind: 'caGroup' as const, id: `group:${w.dir}${certs.length ? '#open' : ''}`, caDir: w.dir, count: certs.length };
        add(group, certs);
        const crl = crlNode(w.ca, caCert, a?.revocation, label, isStale, this.controller.publishedCrl(w.dir)?.derUrl);
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
  const note = n.note ? ` · ${n.note}` : '';
  switch (n.status) {
    case 'valid': return `valid until ${formatDate(n.expires)}`;
    case 'expired': return `expired ${formatDate(n.expires)}`;
    case 'hold': return `on hold since ${n.revokedAt ? formatDate(n.revokedAt) : '?'}${note}`;
    case 'revoked': return `revoked ${n.revokedAt ? formatDate(n.revokedAt) : ''}${n.reason ? ` (${n.reason})` : ''}${note}`;
  }
}


function certNodes(ca: CertificateAuthority, caCert: CertificateModel, service: RevocationService | undefined, label: (k: string) => string): CaCertNode[] {
  const bySerial = new Map(issuedFiles(ca).map((f) => [serialKey(f.serialHex), f.certPath]));
  const now = Date.now();
  return ca.list().map((e): CaCertNode => {
    // index.txt is the CA's own record; the CRLs are what relying parties see. Where they differ, say so.
    const answer = service?.serialStatus(caCert, e.serialHex);
    const inCrl = answer?.verdict === 'revoked';
    const hold = (e.status === 'R' && e.revoked?.reason === 'certificateHold') || (inCrl && answer.reason === 'certificateHold');
    const status: CertStatus = hold ? 'hold' : e.status === 'R' || inCrl ? 'revoked' : e.status === 'E' || e.expires.getTime() < now ? 'expired' : 'valid';
    const note = e.status === 'R' && answer && !inCrl ? `not yet in a CRL (${answer.source ? 'the newest CRL does not list it' : 'no CRL from this CA'}): publish a CRL`
      : e.status !== 'R' && inCrl ? 'revoked per the CRL although index.txt says valid' : undefined;
    const byserial = join(ca.paths.newCertsDir, `${e.serialHex}.pem`);
    return {
      kind: 'caCert', id: `cert:${ca.paths.dir}:${e.serialHex}`, caDir: ca.paths.dir, serialHex: e.serialHex, subject: e.subject, status,
      expires: e.expires, reason: e.revoked?.reason ?? (inCrl ? answer.reason : undefined), revokedAt: e.revoked?.date ?? (inCrl ? answer.revokedAt : undefined),
      certPath: bySerial.get(serialKey(e.serialHex)) ?? (existsSync(byserial) ? byserial : undefined),
      ...(note ? { note } : {}),
      ...(answer ? { evidence: describeRevocation(answer, label) } : {}),
    };
  }).reverse();
}

/** The CA's current CRL: the newest one it signed anywhere in the workspace (name and folder do not matter). */
function crlNode(ca: CertificateAuthority, caCert: CertificateModel, service: RevocationService | undefined, label: (k: string) => string, isStale: typeof IsStale, url?: string): { node: CaCrlNode; entries: CaCrlEntryNode[] } {
  const id = `crl:${ca.paths.dir}`;
  const ref = service?.crlsIssuedBy(caCert).find((c) => c.crl.deltaCrlIndicator === undefined);
  if (!ref) {
    const why = service ? 'no CRL signed by this CA in the workspace (Publish CRL writes one)' : 'the workspace index is not ready yet';
    return { node: { kind: 'caCrl', id, caDir: ca.paths.dir, entries: 0, stale: false, error: why }, entries: [] };
  }
  const m = ref.crl;
  const node: CaCrlNode = {
    kind: 'caCrl', id, caDir: ca.paths.dir, path: ref.loc.file, pathLabel: label(ref.loc.file), crlNumber: m.crlNumber, thisUpdate: m.thisUpdate, nextUpdate: m.nextUpdate,
    entries: m.entryCount, stale: isStale(m.nextUpdate, new Date()), url,
  };
  const entries = m.entries.slice(0, MAX_CRL_ENTRIES_SHOWN).map((e) => ({
    kind: 'caCrlEntry' as const, id: `${id}:${e.serialHex}`, caDir: ca.paths.dir, serialHex: e.serialHex, date: e.revocationDate, reason: e.reason,
  }));
  return { node, entries };
}
