// The "Workspace PKI" tree as plain data (VS Code-free, unit-testable): groups, chains of
// certificates (root -> intermediates -> leaves), CRLs with entries, OCSP responses with
// statuses, CSRs, keys with their certificate, and unreadable files. The extension maps each node
// to a TreeItem one-to-one. Nodes are created on demand (a 100k-entry CRL expands lazily, capped).
import { basename, dirname } from 'node:path';
import type { CertificateModel } from '../model';
import { hoverMarkdown, type HoverContext } from '../present/hover';
import { forMarkdown as esc, forTerminal } from '../present/safeText';
import { keyDescription, shortName, summarize } from '../present/summary';
import type { WorkspaceAnalysis } from './analysis';
import { caBundleFiles } from './bundle';
import type { ChainNode } from './chains';
import { formatDay } from '../dates';
import type { CertState } from '../revocation/certStatus';
import { isStale } from '../revocation/status';
import { colonSerial, serialKey } from '../serial';
import type { CertRef, ErrorRef, KeyRef, Location } from './types';
import { certDisplayName } from '../present/certName';
import { pushTo } from '../multiMap';

type NodeKind = 'group' | 'cert' | 'crl' | 'crlEntry' | 'ocsp' | 'ocspEntry' | 'csr' | 'key' | 'locked' | 'error' | 'more';

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
const MAX_CRL_ENTRIES = 500;

/**
 * No node lists more certificates than this: larger sets are grouped by status, then expiry
 * month, then folder, then alphabetical slices, each group with its count. Expanding any node
 * stays fast in the editor (thousands of rows cost seconds to send and render).
 */
export const GROUP_ABOVE = 100;
/** Problems listed under one file's node (plus one "more" row). */
const MAX_ERRORS_PER_FILE = GROUP_ABOVE - 1;

export interface TreeOptions {
  /** Shows only certificates matching this text (CN, subject, SAN, serial, fingerprint or status). */
  filter?: string;
}

const STATE_ORDER: CertState[] = ['revoked', 'issuerRevoked', 'expired', 'expiringSoon', 'notYetValid', 'valid'];
const STATE_LABEL: Record<CertState, string> = {
  revoked: 'Revoked', issuerRevoked: 'Issuer revoked', expired: 'Expired', expiringSoon: 'Expiring soon', notYetValid: 'Not yet valid', valid: 'Valid',
};

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
  private readonly folderLabels = new Map<string, string>();
  private readonly pending = new Map<string, () => void>();

  /** Certificate state (grouping key). */
  stateOf(c: CertificateModel): CertState { return this.a.status(c).state; }

  /** Folder of a file as the user sees it (relative label), cached per folder. */
  folderOf(file: string): string {
    const dir = dirname(file);
    let label = this.folderLabels.get(dir);
    if (label === undefined) {
      const rel = dirname(this.fileLabel(file));
      label = rel === '.' ? '(top folder)' : rel;
      this.folderLabels.set(dir, label);
    }
    return label;
  }

  constructor(
    private readonly a: WorkspaceAnalysis,
    private readonly fileLabel: (key: string) => string = (k) => basename(k),
    private readonly options: TreeOptions = {},
  ) {
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
    const later = this.pending.get(node.id);
    if (later) { this.pending.delete(node.id); later(); }
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

  /** The node of a certificate (for reveal from an editor); builds the pending levels if needed. */
  certNode(fingerprint: string): PkiNode | undefined {
    const id = `cert:${fingerprint}`;
    const queue = this.roots();
    while (!this.nodes.has(id) && queue.length > 0) queue.push(...this.children(queue.shift()!));
    return this.nodes.get(id);
  }

  /**
   * Children built on first expansion: a fleet of 50,000 certificates costs nodes only for the
   * levels a user opens. `childCount` of such a parent is the raw number of certificates and keys
   * below it (before grouping), which is what the view's "open small CAs" rule needs.
   */
  private later(parentId: string, build: () => void): void {
    this.pending.set(parentId, () => {
      const parent = this.nodes.get(parentId)!;
      const count = parent.childCount;
      build();
      parent.childCount = count;
    });
  }

  private add(spec: Omit<PkiNode, 'expandable'> & { expandable?: boolean; tooltip: string | (() => string) }, parentId?: string): PkiNode {
    const { tooltip, ...node } = spec;
    // Labels and descriptions are plain text from the files (names, messages): no controls or bidi.
    node.label = forTerminal(node.label);
    if (node.description !== undefined) node.description = forTerminal(node.description);
    const n: PkiNode = { expandable: false, ...node, ...(parentId ? { parentId } : {}) };
    this.tooltips.set(n.id, tooltip);
    this.nodes.set(n.id, n);
    if (parentId) {
      pushTo(this.childIds, parentId, n.id);
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
    const query = this.options.filter?.trim();
    if (query) { this.buildFiltered(query); return; }
    // Roots that only live in a CA bundle (a system or vendor trust store) are one node per bundle,
    // not a hundred chains mixed in with the workspace's own.
    const bundles = caBundleFiles(a.certs);
    const inBundle = (id: string): string | undefined => {
      const n = f.nodes.get(id)!;
      return n.children.length === 0 && n.refs.every((r) => bundles.has(r.loc.file)) ? n.refs[0].loc.file : undefined;
    };
    const ownRoots = f.roots.filter((id) => !inBundle(id));
    const ownOrphans = f.orphans.filter((id) => !inBundle(id));
    const chains = this.group('chains', 'Trust chains', ownRoots.length, 'Self-signed roots with the certificates they issued.', 'type-hierarchy');
    if (chains) this.addCerts(ownRoots.map((id) => f.nodes.get(id)!), chains);
    const orphans = this.group('orphans', 'Issuer not found', ownOrphans.length, 'Certificates whose issuer is not in the workspace.', 'question');
    if (orphans) this.addCerts(ownOrphans.map((id) => f.nodes.get(id)!), orphans);
    const bundled = new Map<string, ChainNode[]>();
    for (const id of [...f.roots, ...f.orphans]) {
      const file = inBundle(id);
      if (!file) continue;
      pushTo(bundled, file, f.nodes.get(id)!);
    }
    const bundleGroup = this.group('bundles', 'CA bundles', bundled.size, 'Files with many unrelated trusted roots (system or vendor CA bundles).', 'library');
    for (const [file, list] of bundled) {
      const id = `bundle:${file}`;
      const expired = list.filter((n) => a.status(n.cert).state === 'expired').length;
      this.add({
        id, kind: 'group', label: this.fileLabel(file),
        description: `${list.length} certificates${expired ? ` · ${expired} expired` : ''}`,
        tooltip: `**CA bundle** ${esc(this.fileLabel(file))}\n\n${list.length} certificates, each with its own status.`,
        icon: 'library', contextValue: 'group:bundle', location: { file, item: 0, startLine: 0 },
        expandable: true, childCount: list.length,
      }, bundleGroup);
      this.later(id, () => this.addCerts(list, id));
    }

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
          id: `${id}/${i}`, kind: 'ocspEntry', label: subject ? shortName(subject.cert.subject) : `serial ${colonSerial(r.certId.serialHex)}`,
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
        tooltip: `**PKCS#12 store**\n\n${esc(l.message)}. Click to open it and enter the password (kept in memory only).`,
        icon: 'lock', contextValue: 'locked', location: { ...l.loc, startLine: 0 },
      }, locked);
    }

    const errors = this.group('errors', 'Problems', a.errors.length, 'Files or blocks that could not be decoded.', 'error');
    if (errors) this.addErrors(a.errors, errors);
  }

  /**
   * Problems: one node per file (a hostile file with thousands of broken blocks is one node with a
   * count and its first problems), files in slices when there are many: no node gets thousands of rows.
   */
  private addErrors(list: ErrorRef[], parentId: string): void {
    const byFile = new Map<string, ErrorRef[]>();
    for (const e of list) {
      const b = byFile.get(e.loc.file);
      if (b) b.push(e); else byFile.set(e.loc.file, [e]);
    }
    const files = [...byFile.values()];
    const perSlice = Math.ceil(files.length / GROUP_ABOVE);
    files.forEach((errs, i) => {
      let parent = parentId;
      if (files.length > GROUP_ABOVE) {
        const first = Math.floor(i / perSlice) * perSlice;
        parent = `${parentId}/slice:${first}`;
        if (!this.nodes.has(parent)) {
          const last = Math.min(files.length, first + perSlice);
          this.add({ id: parent, kind: 'group', label: `files ${first + 1}–${last}`, description: String(last - first), tooltip: `${last - first} files with problems`, icon: 'list-flat', contextValue: 'group:partition' }, parentId);
        }
      }
      if (errs.length === 1) { this.addError(errs[0], parent); return; }
      const file = errs[0].loc.file;
      const id = `errors:${file}`;
      this.add({
        id, kind: 'error', label: this.fileLabel(file), description: `${errs.length} problems`,
        tooltip: `**${errs.length} problems in ${esc(this.fileLabel(file))}**\n\nThe first ${Math.min(errs.length, MAX_ERRORS_PER_FILE)} are listed; Inspect shows them all.`,
        icon: 'error', iconColor: 'list.errorForeground', contextValue: 'error',
        location: { file, item: 0, startLine: errs[0].range?.startLine ?? 0 },
      }, parent);
      for (const e of errs.slice(0, MAX_ERRORS_PER_FILE)) this.addError(e, id);
      if (errs.length > MAX_ERRORS_PER_FILE) {
        this.add({
          id: `${id}/more`, kind: 'more', label: `… ${errs.length - MAX_ERRORS_PER_FILE} more problems`,
          description: 'use Inspect to see all', tooltip: 'The tree shows the first problems of a file only.', icon: 'ellipsis', contextValue: 'more',
        }, id);
      }
    });
  }

  private addError(e: ErrorRef, parentId: string): void {
    this.add({
      id: `error:${locId(e.loc)}`, kind: 'error', label: this.fileLabel(e.loc.file),
      description: e.message, tooltip: `**${e.label === 'file' ? 'Unreadable file' : `Malformed ${esc(e.label)}`}**\n\n${esc(e.message)}`,
      icon: 'error', iconColor: 'list.errorForeground', contextValue: 'error',
      location: { ...e.loc, item: Math.max(0, e.loc.item), startLine: e.range?.startLine ?? 0 },
    }, parentId);
  }

  private addCert(n: ChainNode, parentId: string, flat = false): void {
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
    const below = keys.length + (flat ? 0 : n.children.length);
    this.add({
      id, kind: 'cert', label: certDisplayName(c), description: flags.join(' · '),
      tooltip: () => hoverMarkdown({ range: primary.range, label: 'CERTIFICATE', result: c }, this.hoverCtx)
        + (n.refs.length > 1 ? `\n\nFound in: ${n.refs.map((r) => this.fileLabel(r.loc.file)).join(', ')}` : ''),
      icon, iconColor: color,
      contextValue: `cert:${role}${s.state === 'valid' ? '' : `:${s.state}`}`,
      location: { ...primary.loc, startLine: primary.range.startLine },
      fingerprint: c.fingerprints.sha256,
      expandable: below > 0, ...(below > 0 ? { childCount: below } : {}),
    }, parentId);
    if (below === 0) return;
    this.later(id, () => {
      for (const k of keys) this.addKey(k, id, `${id}/key:${locId(k.loc)}`);
      if (!flat) this.addCerts(n.children.map((child) => this.a.forest.nodes.get(child)!), id);
    });
  }

  /** Adds certificates under a parent, grouped when there are more than GROUP_ABOVE. */
  private addCerts(list: ChainNode[], parentId: string, level = 0, flat = false): void {
    if (list.length <= GROUP_ABOVE || level >= LEVELS.length) {
      for (const n of list) this.addCert(n, parentId, flat);
      return;
    }
    const keyOf = LEVELS[level];
    const buckets = new Map<string, ChainNode[]>();
    list.forEach((n, i) => {
      const k = keyOf(n, this, i, list.length);
      const b = buckets.get(k);
      if (b) b.push(n); else buckets.set(k, [n]);
    });
    // A level that does not split the set (or splits it into too many parts) is skipped.
    if (buckets.size === 1 || buckets.size > GROUP_ABOVE) { this.addCerts(list, parentId, level + 1, flat); return; }
    const keys = [...buckets.keys()];
    if (level === 0) keys.sort((x, y) => STATE_ORDER.indexOf(x as CertState) - STATE_ORDER.indexOf(y as CertState));
    else if (level < 3) keys.sort();
    for (const k of keys) {
      const members = buckets.get(k)!;
      const id = `${parentId}/g${level}:${k}`;
      const state = level === 0 ? k as CertState : undefined;
      const [stateIcon, color] = state ? STATE_ICON[state] : ['', undefined];
      const label = level === 0 ? STATE_LABEL[state!]
        : level === 1 ? `${k < formatDay(this.a.options.now).slice(0, 7) ? 'Expired' : 'Expires'} ${k}`
          : level === 2 ? `${k}/`
            : `${certDisplayName(members[0].cert)} … ${certDisplayName(members[members.length - 1].cert)}`;
      this.add({
        id, kind: 'group', label, description: String(members.length),
        tooltip: `${members.length} certificates`, icon: stateIcon || (level === 2 ? 'folder' : level === 3 ? 'list-flat' : 'pass'),
        iconColor: color, contextValue: `group:partition${state ? `:${state}` : ''}`,
        expandable: true, childCount: members.length,
      }, parentId);
      this.later(id, () => this.addCerts(members, id, level + 1, flat));
    }
  }

  /** The filtered view: one group with every matching certificate (flat, grouped when large). */
  private buildFiltered(query: string): void {
    const matches = [...this.a.forest.nodes.values()].filter((n) => certMatches(n.cert, this.a.status(n.cert).state, query))
      .sort((x, y) => compareNames(certDisplayName(x.cert), certDisplayName(y.cert)));
    this.add({
      id: `group:filter`, kind: 'group', label: `Matching "${query.slice(0, 60)}"`, description: String(matches.length),
      tooltip: 'Certificates whose CN, subject, SAN, serial, fingerprint or status contains the filter text.',
      icon: 'filter', contextValue: 'group:filter',
    });
    this.addCerts(matches, 'group:filter', 0, true);
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
        id: `${node.id}/${e.serialHex}`, kind: 'crlEntry', label: `serial ${colonSerial(e.serialHex)}`,
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
    return cert ? `Revokes ${esc(shortName(cert.cert.subject))} (${esc(this.fileLabel(cert.loc.file))})` : 'No certificate with this serial in the workspace.';
  }
}

let collator: Intl.Collator | undefined;
function compareNames(x: string, y: string): number {
  collator ??= new Intl.Collator('en', { numeric: true });
  return collator.compare(x, y);
}

/** Grouping levels for large sets: status, expiry month, folder, then alphabetical slices. */
const LEVELS: Array<(n: ChainNode, t: PkiTree, index: number, total: number) => string> = [
  (n, t) => t.stateOf(n.cert),
  (n) => n.cert.notAfter.toISOString().slice(0, 7),
  (n, t) => t.folderOf(n.refs[0].loc.file),
  (_n, _t, i, total) => String(Math.floor(i / Math.ceil(total / GROUP_ABOVE))).padStart(4, '0'),
];

/** Hex without separators, lower case: "AB:cd 01" -> "abcd01". */
function hexKey(s: string): string {
  return s.replace(/[\s:]/g, '').toLowerCase();
}

/** True when the certificate's CN, subject, SANs, serial, fingerprints or status contain `query`. */
function certMatches(c: CertificateModel, state: CertState, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  const hex = hexKey(q);
  if (/^[0-9a-f]{4,}$/.test(hex)
    && [c.serialHex, c.fingerprints.sha256, c.fingerprints.sha1].some((h) => hexKey(h).replace(/^0+/, '').includes(hex.replace(/^0+/, '')))) return true;
  if (state.toLowerCase() === q || STATE_LABEL[state].toLowerCase() === q) return true;
  const names = [c.subject.commonName ?? '', c.subject.rfc4514, ...(c.extensions.subjectAltName?.names ?? []).map((n) => n.value)];
  return names.some((v) => v.toLowerCase().includes(q));
}

function locId(l: Location): string {
  return `${l.file}#${l.item}${l.sub !== undefined ? `.${l.sub}` : ''}`;
}
