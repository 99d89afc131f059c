// The "Local Broker" view (subjects, client ids, topics and errors are peer data: escaped with t): state and listeners, connected clients (CN, MQTT and TLS version), recent
// rejections with the reason and the alert sent, CRL sources, staple state, the OCSP responder and
// published CRLs. Elements are plain data rebuilt from the controller's snapshot, debounced, on
// every broker event.
import { forTerminal as t } from '../../core/present/safeText';
import * as vscode from 'vscode';
import type { BrokerController, BrokerSnapshot } from '../broker/controller';
import { crlName } from '../../core/revocation/evidence';
import { formatClock } from '../../core/dates';
import { commonNameIn } from '../../core/present/certName';

export interface BrokerNode {
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  icon: string;
  color?: string;
  contextValue?: string;
  children?: BrokerNode[];
}

export class BrokerTreeProvider implements vscode.TreeDataProvider<BrokerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private nodes?: BrokerNode[];
  private parents = new Map<string, BrokerNode>();
  private timer?: NodeJS.Timeout;
  private readonly sub: vscode.Disposable;

  constructor(private readonly controller: BrokerController) {
    this.sub = controller.onDidChange(() => {
      if (this.timer) return;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.refresh();
      }, 150);
    });
  }

  refresh(): void {
    this.nodes = undefined;
    this.changed.fire(undefined);
  }

  /** The current elements (tests check what the view shows through this). */
  roots(): BrokerNode[] {
    if (!this.nodes) {
      this.nodes = buildBrokerNodes(this.controller.snapshot());
      this.parents = new Map();
      const walk = (n: BrokerNode): void => {
        for (const c of n.children ?? []) {
          this.parents.set(c.id, n);
          walk(c);
        }
      };
      this.nodes.forEach(walk);
    }
    return this.nodes;
  }

  getChildren(element?: BrokerNode): BrokerNode[] {
    return element ? element.children ?? [] : this.roots();
  }

  getParent(element: BrokerNode): BrokerNode | undefined {
    this.roots();
    return this.parents.get(element.id);
  }

  getTreeItem(n: BrokerNode): vscode.TreeItem {
    const state = n.children === undefined ? vscode.TreeItemCollapsibleState.None
      : n.children.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(n.label, state);
    // VS Code remembers a node's collapsed state by id: an empty group that gets its first child
    // would stay collapsed. A distinct id for the non-empty group makes it open expanded.
    item.id = n.children?.length ? `${n.id}#open` : n.id;
    item.description = n.description;
    item.tooltip = n.tooltip;
    item.iconPath = new vscode.ThemeIcon(n.icon, n.color ? new vscode.ThemeColor(n.color) : undefined);
    item.contextValue = n.contextValue;
    return item;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.sub.dispose();
    this.changed.dispose();
  }
}

function time(d?: Date): string {
  return d ? `${formatClock(d)} UTC` : '-';
}

function buildBrokerNodes(s: BrokerSnapshot): BrokerNode[] {
  const out: BrokerNode[] = [];
  const st = s.state;
  if (!s.running || !st) {
    out.push({ id: 'state', label: 'Stopped', description: 'run "Certscope: Start Local TLS Broker"', icon: 'circle-slash', contextValue: 'broker:stopped' });
  } else {
    const mqtts = st.listeners.find((l) => l.transport === 'mqtts');
    out.push({
      id: 'state', label: 'Running', description: mqtts ? `mqtts://${mqtts.address}:${mqtts.port}` : '', icon: 'broadcast', color: 'testing.iconPassed',
      contextValue: 'broker:running',
      tooltip: `accepted ${st.stats.accepted}, rejected ${st.stats.rejected}, handshake failures ${st.stats.handshakeFailures}, messages ${st.stats.messagesIn}`,
    });
    out.push({
      id: 'listeners', label: 'Listeners', icon: 'plug', description: String(st.listeners.length),
      children: st.listeners.map((l) => ({ id: `listener:${l.transport}`, label: `${l.transport}://${l.address}:${l.port}`, icon: 'radio-tower' })),
    });
    out.push({
      id: 'clients', label: 'Connected clients', icon: 'person', description: String(s.clients.length),
      children: s.clients.map((c) => ({
        id: `client:${c.clientId}:${c.remotePort}`, label: t(commonNameIn(c.clientCert?.subject) ?? c.clientId),
        description: `${c.revokedWhileConnected ? 'revoked, still connected · ' : ''}MQTT ${c.mqttVersion ?? '?'} · ${c.tlsVersion} · ${t(c.clientId)} · ${c.messagesIn} msg`,
        icon: c.revokedWhileConnected ? 'warning' : 'vm-connect', color: c.revokedWhileConnected ? 'editorWarning.foreground' : undefined,
        tooltip: `${c.revokedWhileConnected ? `REVOKED, STILL CONNECTED: ${t(c.revokedWhileConnected)}\n` : ''}${t(c.clientCert?.subject ?? 'no client certificate')}\nserial ${t(c.clientCert?.serial ?? '-')}\n${c.remoteAddress}:${c.remotePort} ${c.cipher}\nsubscriptions: ${t(c.subscriptions.join(', ') || 'none')}`,
      })),
    });
  }
  out.push({
    id: 'rejections', label: 'Recent rejections', icon: 'error', description: String(s.rejections.length),
    children: s.rejections.map((r, i) => ({
      id: `rejection:${r.time.getTime()}:${r.remotePort}:${i}`,
      label: t(commonNameIn(r.clientCert?.subject) ?? 'no certificate'),
      description: `${t(r.reason ?? r.verifyError ?? 'rejected')}${r.alert ? ` · alert ${r.alert.name}` : ''}`,
      icon: 'circle-slash', color: 'errorForeground', contextValue: 'broker:rejection',
      tooltip: `${time(r.time)} ${r.remoteAddress}:${r.remotePort} ${r.tlsVersion}\n${t(r.clientCert?.subject ?? '')} serial ${t(r.clientCert?.serial ?? '-')}\n${t(r.reason ?? '')}${r.alert ? `\nalert ${r.alert.name} (${r.alert.code}) ${r.alert.sent ? 'sent' : 'not sent'}` : ''}`,
    })),
  });
  if (st) {
    out.push({
      id: 'crl', label: 'CRL check', icon: 'shield', description: `${st.profile} · ${st.crl.enabled ? `${st.crl.activeCrls} CRL(s) active` : 'off'}`,
      children: st.crl.distributionPoints.map((dp): BrokerNode => ({
        id: `cdp:${dp.url}`, label: t(dp.url),
        description: dp.crl
          ? `${crlName(dp.crl.crlNumber)} · ${dp.crl.entries} revoked · next ${time(dp.crl.nextUpdate)}${dp.crl.stale ? ' STALE' : ''} · ${dp.fetches} fetch(es), ${dp.hits} hit(s)${dp.lastError ? ` · last fetch failed: ${t(dp.lastError)}` : ''}`
          : `failing: ${t(dp.lastError ?? 'not fetched')}`,
        icon: dp.ok ? 'link' : 'warning', color: dp.ok ? undefined : 'editorWarning.foreground',
        tooltip: `CRL distribution point (EMQX 5 global cache)\n${t(dp.url)}\nfetched ${time(dp.fetchedAt)}, fetches ${dp.fetches}, cache hits ${dp.hits}${dp.lastError ? `\nlast error: ${t(dp.lastError)}` : ''}`,
      })).concat(st.crl.sources.map((src): BrokerNode => ({
        id: `crlsrc:${src.source}`, label: src.source.split('/').slice(-2).join('/'),
        description: src.ok
          ? src.crls.map((c) => `${crlName(c.crlNumber)} · ${c.entries} revoked · next ${time(c.nextUpdate)}${c.stale ? ' STALE' : ''}`).join('; ')
          : `failing: ${t(src.lastError ?? 'not loaded')}`,
        icon: src.ok ? 'file' : 'warning', color: src.ok ? undefined : 'editorWarning.foreground',
        tooltip: `${t(src.source)}\nlast load ${time(src.lastSuccess)}, loads ${src.loads}${src.lastError ? `\nlast error: ${t(src.lastError)}` : ''}`,
      })).concat([...st.crl.missingFor, ...st.crl.staleFor].map((who) => ({
        id: `crlproblem:${who}`, label: t(who), description: st.crl.missingFor.includes(who) ? 'no CRL: its clients are refused' : 'CRL expired: its clients are refused',
        icon: 'warning', color: 'editorWarning.foreground', tooltip: t(who),
      })))),
    });
    out.push({
      id: 'staple', label: 'OCSP stapling', icon: 'verified', description: st.staples.length ? undefined : 'off',
      children: st.staples.map((p) => ({
        id: `staple:${p.fingerprint}`, label: t(commonNameIn(p.subject) ?? p.serialHex),
        description: p.stapling ? `${p.status ?? '?'} · next update ${time(p.nextUpdate)}` : `no staple${p.lastError ? `: ${t(p.lastError)}` : ''}`,
        icon: p.stapling && p.status === 'good' ? 'pass' : 'warning',
        tooltip: `${t(p.subject)}\nresponder ${t(p.url ?? '-')}\nlast fetch ${time(p.lastFetch)}, fetches ${p.fetches}, failures ${p.failures}`,
      })),
    });
  }
  out.push(s.ocsp
    ? { id: 'ocsp', label: 'OCSP responder', description: `${s.ocsp.url} · ${s.ocsp.caName} · ${s.ocsp.requests} request(s)`, icon: 'server-process', contextValue: 'ocsp:running' }
    : { id: 'ocsp', label: 'OCSP responder', description: 'stopped', icon: 'server-process', contextValue: 'ocsp:stopped' });
  if (s.crls.length) {
    out.push({
      id: 'published', label: 'Published CRLs', icon: 'cloud-upload', description: String(s.crls.length),
      children: s.crls.map((c) => ({ id: `pub:${c.caDir}`, label: c.caName, description: c.derUrl, icon: 'link' })),
    });
  }
  return out;
}
