// Bundle order: servers and brokers (nginx, EMQX, mosquitto's certfile) expect the leaf first,
// then each issuer towards the root. These helpers find the right order and rewrite the text.
import type { CertificateModel, SourceRange } from '../model';
import { issues, isSelfIssued } from './chains';
import type { CertRef } from './types';

/** A file with at least this many self-signed roots is a CA bundle (a system or vendor trust store). */
const BUNDLE_MIN_ROOTS = 10;

/** The CA bundles among the files: shown as one node each, and an expired root in one is normal. */
export function caBundleFiles(certs: Iterable<CertRef>): Set<string> {
  const roots = new Map<string, number>();
  for (const c of certs) if (isSelfIssued(c.cert)) roots.set(c.loc.file, (roots.get(c.loc.file) ?? 0) + 1);
  return new Set([...roots].filter(([, n]) => n >= BUNDLE_MIN_ROOTS).map(([file]) => file));
}

/**
 * The order the certificates should have (indices into `certs`), or undefined when the current
 * order is already right. Unrelated certificates (a plain CA bundle) keep their order.
 */
export function expectedBundleOrder(certs: CertificateModel[]): number[] | undefined {
  const n = certs.length;
  if (n < 2) return undefined;
  const issuerOf = certs.map((c, i) => {
    if (c.subject.derHex === c.issuer.derHex) return -1;
    return certs.findIndex((cand, j) => j !== i && issues(cand, c));
  });
  const isIssuer = new Set(issuerOf.filter((j) => j >= 0));
  const order: number[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    if (isIssuer.has(i)) continue;
    for (let cur = i; cur >= 0 && !seen.has(cur); cur = issuerOf[cur]) { seen.add(cur); order.push(cur); }
  }
  for (let i = 0; i < n; i++) if (!seen.has(i)) order.push(i); // cycles of cross-signed CAs
  return order.every((v, i) => v === i) ? undefined : order;
}

/**
 * Rewrites `text` so the blocks at `ranges` appear in `order`. Each block moves together with the
 * lines between it and the previous block (comments such as "# Intermediate CA"); text before the
 * first block and after the last stays where it is.
 */
export function reorderBlocks(text: string, ranges: SourceRange[], order: number[]): string {
  const lines = text.split(/(?<=\n)/);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const seg = (i: number): string => {
    const from = i === 0 ? ranges[0].startLine : ranges[i - 1].endLine;
    let s = lines.slice(from, ranges[i].endLine).join('');
    if (!s.endsWith('\n')) s += eol;
    return s;
  };
  const last = ranges[ranges.length - 1];
  const prefix = lines.slice(0, ranges[0].startLine).join('');
  const suffix = lines.slice(last.endLine).join('');
  let body = order.map(seg).join('');
  const hadFinalNewline = lines.slice(ranges[0].startLine, last.endLine).join('').endsWith('\n');
  if (!hadFinalNewline && suffix === '') body = body.replace(/\r?\n$/, '');
  return prefix + body + suffix;
}

/** Removes the block at `range` together with the lines between it and the previous block. */
export function removeBlockLines(ranges: SourceRange[], index: number): { startLine: number; endLine: number } {
  const startLine = index === 0 ? ranges[0].startLine : ranges[index - 1].endLine;
  return { startLine, endLine: ranges[index].endLine };
}
