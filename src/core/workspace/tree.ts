// The "Workspace PKI" tree as plain data (VS Code-free, unit-testable): groups, chains of
// certificates (root -> intermediates -> leaves), CRLs with entries, OCSP responses with
// statuses, CSRs, keys with their certificate, and unreadable files. The extension maps each node
// to a TreeItem one-to-one. Nodes are created on demand (a 100k-entry CRL expands lazily, capped).
import { basename } from 'node:path';
import type { CertificateModel } from '../model';
import { hoverMarkdown, type HoverContext } from '../present/hover';
import { keyDescription, shortName, summarize } from '../present/summary';
import type { WorkspaceAnalysis } from './analysis';
import type { ChainNode } from './chains';
import { formatDay } from '../dates';
import type { CertState } from '../revocation/certStatus';
import { isStale } from '../revocation/status';
import { serialKey } from '../serial';
import type { CertRef, KeyRef, Location } from './types';

export type NodeKind = 'group' | 'cert' | 'crl' | 'crlEntry' | 'ocsp' | 'ocspEntry' | 'csr' | 'key' | 'locked' | 'error' | 'more';

export interface PkiNode {
  /** Stable across refreshes, so VS Code keeps expansion and selection. */
  id: string;
  parentId?: string;
  kind: NodeKind;
  label: string;
  description: string;
  /** Codicon id and optional theme colour id. */
  icon: string;
  iconColor?: string;
  /** Structured, for menus: "cert:leaf:expired", "crl:stale", "key:unpaired", "group:chains". */
  contextValue: string;
  /** Where to open it (file key and line range). */
  location?: Location & { startLine: number };
  fingerprint?: string;
  expandable: boolean;
  /** Number of children known at build time (lazily expanded CRLs: undefined). */
  childCount?: number;
}

/** Shown per CRL before a "… N more" node, so a huge CRL never floods the tree. */
export const MAX_CRL_ENTRIES = 500;

const STATE_ICON: Record<CertState, [string, string | undefined]> = {
  valid: ['', undefined],
  expiringSoon: ['warning', 'list.warningForeground'],
  expired: ['error', 'list.errorForeground'],
  notYetValid: ['clock', 'list.warningForeground'],
  revoked: ['circle-slash', 'list.errorForeground'],
  issuerRevoked: ['circle-slash', 'list.errorForeground'],
};

export class PkiTree {
  private readonly nodes = new Map<string, PkiNode>();
  private readonly childIds = new Map<string, string[]>();
  private readonly rootIds: string[] = [];
  private readonly hoverCtx: HoverContext;
  /** Tooltips are markdown built on demand (resolveTreeItem): building 5,000 up front costs ~0.5 s. */
  private readonly tooltips = new Map<string, string | (() => string)>();

  constructor(private readonly a: WorkspaceAnalysis, private readonly fileLabel: (key: string) => string = (k) => basename(k)) {
    this.hoverCtx = {
      now: a.options.now,
      expiringDays: a.options.expiringDays,
      status: (c) => a.status(c),
      keyFilesFor: (h) => a.pairing.keysForSpki(h).map((k) => fileLabel(k.loc.file)),
      fileLabel,
    };
    this.build();
  }

  roots(): PkiNode[] { return this.rootIds.map((id) => this.nodes.get(id)!); }
  get(id: string): PkiNode | undefined { return this.nodes.get(id); }
  parent(node: PkiNode): PkiNode | undefined { return node.parentId ? this.nodes.get(node.parentId) : undefined; }

  children(node: PkiNode): PkiNode[] {
    let ids = this.childIds.get(node.id);
    if (!ids && node.kind === 'crl') ids = this.expandCrl(node);
    return (ids ?? []).map((id) => this.nodes.get(id)!);
  }

  /** Markdown tooltip of a node, computed once when first asked for. */
  tooltip(node: PkiNode): string {
    const t = this.tooltips.get(node.id);
    if (typeof t !== 'function') return t ?? '';
    const text = t();
    this.tooltips.set(node.id, text);
    return text;
  }

  /** All certificate nodes for a fingerprint (used by reveal from an editor). */
  certNode(fingerprint: string): PkiNode | undefined { return this.nodes.get(`cert:${fingerprint}`); }

  private add(spec: Omit<PkiNode, 'expandable'> & { expandable?: boolean; tooltip: string | (() => string) }, parentId?: string): PkiNode {
    const { tooltip, ...node } = spec;
    const n: PkiNode = { expandable: false, ...node, ...(parentId ? { parentId } : {}) };
    this.tooltips.set(n.id, tooltip);
    this.nodes.set(n.id, n);
    if (parentId) {
      const list = this.childIds.get(parentId);
      if (list) list.push(n.id); else this.childIds.set(parentId, [n.id]);
      const parent = this.nodes.get(parentId)!;
      parent.expandable = true;
      parent.childCount = (parent.childCount ?? 0) + 1;
    } else this.rootIds.push(n.id);
    return n;
  }

  private group(id: string, label: string, count: number, tooltip: string, icon: string): string | undefined {
    if (count === 0) return undefined;
    this.add({ id: `group:${id}`, kind: 'group', label, description: String(count), tooltip, icon, contextValue: `group:${id}` });
    return `group:${id}`;
  }

  private build(): void {
    const a = this.a;
    const f = a.forest;
    const chains = this.group('chains', 'Trust chains', f.roots.length, 'Self-signed roots with the certificates they issued.', 'type-hierarchy');
    for (const id of f.roots) this.addCert(f.nodes.get(id)!, chains!);
    const orphans = this.group('orphans', 'Issuer not found', f.orphans.length, 'Certificates whose issuer is not in the workspace.', 'question');
    for (const id of f.orphans) this.addCert(f.nodes.get(id)!, orphans!);

    const crls = this.group('crls', 'CRLs', a.crls.length, 'Certificate revocation lists.', 'circle-slash');
    for (const c of a.crls) {
      const stale = isStale(c.crl.nextUpdate, a.options.now);
      this.add({
        id: `crl:${locId(c.loc)}`, kind: 'crl', label: shortName(c.crl.issuer),
        description: `${this.fileLabel(c.loc.file)} · ${c.crl.entryCount} revoked${stale ? ' · stale' : ''}`,
        tooltip: () => hoverMarkdown({ range: c.range, label: 'X509 CRL', result: c.crl }, this.hoverCtx),
        icon: stale ? 'error' : 'circle-slash', iconColor: stale ? 'list.errorForeground' : undefined,
        contextValue: stale ? 'crl:stale' : 'crl', location: { ...c.loc, startLine: c.range.startLine },
        expandable: c.crl.entryCount > 0,
      }, crls);
    }

    const ocsp = this.group('ocsp', 'OCSP responses', a.ocsp.length, 'OCSP responses found in the workspace.', 'pulse');
    for (const o of a.ocsp) {
      const id = `ocsp:${locId(o.loc)}`;
      this.add({
        id, kind: 'ocsp', label: this.fileLabel(o.loc.file), description: summarize(o.ocsp, this.hoverCtx).replace(/^OCSP response · /, ''),
        tooltip: () => hoverMarkdown({ range: o.range, label: 'OCSP RESPONSE', result: o.ocsp }, this.hoverCtx),
        icon: 'pulse', contextValue: 'ocsp', location: { ...o.loc, startLine: o.range.startLine },
      }, ocsp);
      o.ocsp.basic?.responses.forEach((r, i) => {
        const st = r.certStatus;
        const subject = this.certBySerial(r.certId.serialHex);
        this.add({
          id: `${id}/${i}`, kind: 'ocspEntry', label: subject ? shortName(subject.cert.subject) : `serial ${r.certId.serialHex}`,
          description: st.status === 'revoked' ? `revoked ${formatDay(st.revocationTime)}${st.reason ? ` (${st.reason})` : ''}` : st.status,
          tooltip: `this update ${formatDay(r.thisUpdate)}${r.nextUpdate ? `, next update ${formatDay(r.nextUpdate)}` : ''}`,
          icon: st.status === 'good' ? 'pass' : st.status === 'revoked' ? 'circle-slash' : 'question',
          iconColor: st.status === 'revoked' ? 'list.errorForeground' : undefined,
          contextValue: `ocspEntry:${st.status}`,
        }, id);
      });
    }

    const csrs = this.group('csrs', 'Certificate requests', a.csrs.length, 'CSRs (PKCS#10).', 'mail');
    for (const c of a.csrs) {
      this.add({
        id: `csr:${locId(c.loc)}`, kind: 'csr', label: shortName(c.csr.subject),
        description: `${this.fileLabel(c.loc.file)} · ${keyDescription(c.csr.publicKey)}`,
        tooltip: () => hoverMarkdown({ range: c.range, label: 'CERTIFICATE REQUEST', result: c.csr }, this.hoverCtx),
        icon: 'mail', contextValue: 'csr', location: { ...c.loc, startLine: c.range.startLine },
      }, csrs);
    }

    const privateKeys = a.keys.filter((k) => k.key.kind === 'privateKey');
    const keys = this.group('keys', 'Private keys', privateKeys.length, 'Private keys, paired with certificates by public key.', 'key');
    for (const k of privateKeys) this.addKey(k, keys!, `key:${locId(k.loc)}`);

    const locked = this.group('locked', 'Password-protected', a.locked.length, 'PKCS#12 stores: open one (Inspect) to enter its password.', 'lock');
    for (const l of a.locked) {
      this.add({
        id: `locked:${locId(l.loc)}`, kind: 'locked', label: this.fileLabel(l.loc.file), description: 'PKCS#12 · password needed',
        tooltip: `**PKCS#12 store**\n\n${l.message}. Click to open it and enter the password (kept in memory only).`,
        icon: 'lock', contextValue: 'locked', location: { ...l.loc, startLine: 0 },
      }, locked);
    }

    const errors = this.group('errors', 'Problems', a.errors.length, 'Files or blocks that could not be decoded.', 'error');
    for (const e of a.errors) {
      this.add({
        id: `error:${locId(e.loc)}`, kind: 'error', label: this.fileLabel(e.loc.file),
        description: e.message, tooltip: `**${e.label === 'file' ? 'Unreadable file' : `Malformed ${e.label}`}**\n\n${e.message}`,
        icon: 'error', iconColor: 'list.errorForeground', contextValue: 'error',
        location: { ...e.loc, item: Math.max(0, e.loc.item), startLine: e.range?.startLine ?? 0 },
      }, errors);
    }
  }

  private addCert(n: ChainNode, parentId: string): void {
    const c = n.cert;
    const s = this.a.status(c);
    const role = c.isCA ? (n.parent ? 'intermediate' : c.selfSigned ? 'root' : 'intermediate') : 'leaf';
    const [stateIcon, color] = STATE_ICON[s.state];
    const icon = stateIcon || (role === 'root' ? 'verified' : role === 'intermediate' ? 'shield' : 'file');
    const keys = this.a.pairing.keysForSpki(c.publicKey.spkiSha256);
    const flags = [
      role === 'root' ? 'root CA' : role === 'intermediate' ? 'CA' : c.selfSigned ? 'self-signed' : '',
      s.text,
      keys.length ? 'has key' : '',
      n.refs.length > 1 ? `${n.refs.length} files` : this.fileLabel(n.refs[0].loc.file),
    ].filter(Boolean);
    const primary = n.refs[0];
    const id = `cert:${n.id}`;
    this.add({
      id, kind: 'cert', label: displayName(c), description: flags.join(' · '),
      tooltip: () => hoverMarkdown({ range: primary.range, label: 'CERTIFICATE', result: c }, this.hoverCtx)
        + (n.refs.length > 1 ? `\n\nFound in: ${n.refs.map((r) => this.fileLabel(r.loc.file)).join(', ')}` : ''),
      icon, iconColor: color,
      contextValue: `cert:${role}${s.state === 'valid' ? '' : `:${s.state}`}`,
      location: { ...primary.loc, startLine: primary.range.startLine },
      fingerprint: c.fingerprints.sha256,
    }, parentId);
    for (const k of keys) this.addKey(k, id, `${id}/key:${locId(k.loc)}`);
    for (const child of n.children) this.addCert(this.a.forest.nodes.get(child)!, id);
  }

  private addKey(k: KeyRef, parentId: string, id: string): void {
    const certs = this.a.pairing.certsForKey(k);
    const names = [...new Set(certs.map((c: CertRef) => shortName(c.cert.subject)))];
    const desc = k.key.encrypted ? 'encrypted · cannot pair without password'
      : certs.length ? `${keyDescription(k.key.publicKey)} · matches ${names.join(', ')}` : `${keyDescription(k.key.publicKey)} · no certificate`;
    this.add({
      id, kind: 'key', label: this.fileLabel(k.loc.file), description: desc,
      tooltip: () => hoverMarkdown({ range: k.range, label: 'PRIVATE KEY', result: k.key }, {
        ...this.hoverCtx, certificatesFor: () => certs.map((c) => `${shortName(c.cert.subject)} (${this.fileLabel(c.loc.file)})`),
      }),
      icon: 'key', iconColor: certs.length || k.key.encrypted ? undefined : 'list.warningForeground',
      contextValue: certs.length ? 'key:paired' : 'key:unpaired', location: { ...k.loc, startLine: k.range.startLine },
    }, parentId);
  }

  private expandCrl(node: PkiNode): string[] {
    const ref = this.a.crls.find((c) => `crl:${locId(c.loc)}` === node.id);
    const ids: string[] = [];
    this.childIds.set(node.id, ids);
    if (!ref) return ids;
    const entries = ref.crl.entries;
    for (const e of entries.slice(0, MAX_CRL_ENTRIES)) {
      this.add({
        id: `${node.id}/${e.serialHex}`, kind: 'crlEntry', label: `serial ${e.serialHex}`,
        description: `revoked ${formatDay(e.revocationDate)}${e.reason ? ` · ${e.reason}` : ''}`,
        tooltip: () => this.crlEntryTooltip(ref.crl.issuer.derHex, e.serialHex),
        icon: 'circle-slash', contextValue: 'crlEntry',
      }, node.id);
    }
    if (entries.length > MAX_CRL_ENTRIES) {
      this.add({
        id: `${node.id}/more`, kind: 'more', label: `… ${entries.length - MAX_CRL_ENTRIES} more entries`,
        description: 'use Inspect to see all', tooltip: 'The tree shows the first entries only.', icon: 'ellipsis', contextValue: 'more',
      }, node.id);
    }
    return ids;
  }

  private certsByIssuerSerial?: Map<string, CertRef>;
  private certsBySerial?: Map<string, CertRef>;

  /** The workspace certificate an OCSP single response is about (by serial; OCSP names the issuer only by hash). */
  private certBySerial(serialHex: string): CertRef | undefined {
    this.certsBySerial ??= new Map(this.a.certs.map((c) => [serialKey(c.cert.serialHex), c]));
    return this.certsBySerial.get(serialKey(serialHex));
  }

  private crlEntryTooltip(issuerDer: string, serialHex: string): string {
    if (!this.certsByIssuerSerial) {
      this.certsByIssuerSerial = new Map(this.a.certs.map((c) => [`${c.cert.issuer.derHex}|${serialKey(c.cert.serialHex)}`, c]));
    }
    const cert = this.certsByIssuerSerial.get(`${issuerDer}|${serialKey(serialHex)}`);
    return cert ? `Revokes ${shortName(cert.cert.subject)} (${this.fileLabel(cert.loc.file)})` : 'No certificate with this serial in the workspace.';
  }
}

function displayName(c: CertificateModel): string {
  return c.subject.commonName ?? (c.subject.rfc4514 || '(empty subject)');
}

function locId(l: Location): string {
  return `${l.file}#${l.item}${l.sub !== undefined ? `.${l.sub}` : ''}`;
}
