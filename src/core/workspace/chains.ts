// Groups certificates into trust chains: root -> intermediates -> leaves. Issuers are found by
// name (DER-exact) and, when both sides carry them, by AKI keyId = SKI, which separates re-keyed
// CAs with the same name. The same certificate in several files is one node with several locations.
// No signature checks here (that is path validation, src/core/verify): this is for display.
import type { CertificateModel } from '../model';
import { EVERY, runSync, sortSteps, type Steps } from './slices';
import type { CertRef } from './types';
import { certDisplayName } from '../present/certName';
import { pushTo } from '../multiMap';

export interface ChainNode {
  /** SHA-256 fingerprint: the node's identity. */
  id: string;
  cert: CertificateModel;
  /** Every place this certificate occurs; the first one is the primary. */
  refs: CertRef[];
  parent?: string;
  children: string[];
}

export interface ChainForest {
  nodes: Map<string, ChainNode>;
  /** Self-signed (or self-issued) certificates at the top of a chain. */
  roots: string[];
  /** Top certificates whose issuer is not in the workspace. */
  orphans: string[];
}

/** `itemsInFile` (optional) ranks locations: a file holding only this certificate comes first. */
export function buildChains(certs: CertRef[], itemsInFile?: (file: string) => number): ChainForest {
  return runSync(buildChainsSteps(certs, itemsInFile));
}

export function* buildChainsSteps(certs: CertRef[], itemsInFile?: (file: string) => number): Steps<ChainForest> {
  const nodes = new Map<string, ChainNode>();
  let tick = 0;
  for (const ref of certs) {
    if ((++tick & (EVERY - 1)) === 0) yield;
    const id = ref.cert.fingerprints.sha256;
    const n = nodes.get(id);
    if (n) n.refs.push(ref);
    else nodes.set(id, { id, cert: ref.cert, refs: [ref], children: [] });
  }
  // The primary location (click target, Explorer badge shown on the row) is the certificate's own
  // file rather than a bundle that also contains it.
  const perFile = new Map<string, number>();
  for (const ref of certs) perFile.set(ref.loc.file, (perFile.get(ref.loc.file) ?? 0) + 1);
  if (itemsInFile) for (const file of perFile.keys()) perFile.set(file, Math.max(perFile.get(file)!, itemsInFile(file)));
  yield;
  for (const n of nodes.values()) {
    if ((++tick & (EVERY - 1)) === 0) yield;
    if (n.refs.length > 1) n.refs.sort((a, b) => perFile.get(a.loc.file)! - perFile.get(b.loc.file)! || (a.loc.file < b.loc.file ? -1 : 1));
  }
  const bySubject = new Map<string, ChainNode[]>();
  for (const n of nodes.values()) {
    pushTo(bySubject, n.cert.subject.derHex, n);
  }
  for (const n of nodes.values()) {
    if ((++tick & (EVERY - 1)) === 0) yield;
    if (isSelfIssued(n.cert)) continue;
    const issuer = findIssuer(n.cert, bySubject.get(n.cert.issuer.derHex) ?? []);
    if (issuer && issuer.id !== n.id) n.parent = issuer.id;
  }
  yield* breakCycles(nodes);
  const roots: string[] = [];
  const orphans: string[] = [];
  const ordered = yield* sortSteps([...nodes.values()], byName);
  for (const n of ordered) {
    if ((++tick & (EVERY - 1)) === 0) yield;
    if (n.parent) nodes.get(n.parent)!.children.push(n.id);
    else if (isSelfIssued(n.cert)) roots.push(n.id);
    else orphans.push(n.id);
  }
  return { nodes, roots, orphans };
}

export function isSelfIssued(cert: CertificateModel): boolean {
  return cert.selfSigned || cert.subject.derHex === cert.issuer.derHex;
}

/** True when `issuer` plausibly issued `cert` (name match, and key ids when both are present). */
export function issues(issuer: CertificateModel, cert: CertificateModel): boolean {
  if (issuer.subject.derHex !== cert.issuer.derHex) return false;
  const aki = cert.extensions.authorityKeyId?.keyIdHex;
  const ski = issuer.extensions.subjectKeyIdHex;
  return !(aki && ski && aki.toLowerCase() !== ski.toLowerCase());
}

function findIssuer(cert: CertificateModel, candidates: ChainNode[]): ChainNode | undefined {
  const matching = candidates.filter((c) => issues(c.cert, cert));
  // Prefer a CA that is valid longest (a renewed CA with the same key and name).
  return matching.sort((a, b) => Number(b.cert.isCA) - Number(a.cert.isCA)
    || b.cert.notAfter.getTime() - a.cert.notAfter.getTime())[0];
}

// Cross-signed CAs can point at each other; cut the edge where a walk comes back to itself.
function* breakCycles(nodes: Map<string, ChainNode>): Steps<void> {
  let tick = 0;
  for (const start of nodes.values()) {
    if ((++tick & (EVERY - 1)) === 0) yield;
    const seen = new Set<string>([start.id]);
    let cur = start;
    while (cur.parent) {
      if (seen.has(cur.parent)) { cur.parent = undefined; break; }
      seen.add(cur.parent);
      cur = nodes.get(cur.parent)!;
    }
  }
}

// One collator for all comparisons: String.localeCompare builds one per call (slow for 5,000 nodes).
// Created on first use: building a collator loads ICU data (~10 ms), not something module load should pay.
let collator: Intl.Collator | undefined;

function byName(a: ChainNode, b: ChainNode): number {
  collator ??= new Intl.Collator('en', { numeric: true });
  return collator.compare(certDisplayName(a.cert), certDisplayName(b.cert)) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

