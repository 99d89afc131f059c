// Certificates and keys pasted as base64 on one line: Kubernetes Secret/ConfigMap `data:` values
// (base64 of a PEM or DER `tls.crt`, `ca.crt`, `tls.key`), the same in Helm values files and
// `kubectl get secret -o json`, and base64 DER in .env or JSON values. PEM blocks (also "\n"-escaped
// in JSON strings and inside C string literals) are found by pem.ts; this finds what is base64 on
// top, decodes it with the same decoders and places each object on the line of its value, so hover,
// CodeLens, the tree and Problems point at the YAML/JSON line.
// Bounded on hostile input: one linear regex pass, at most MAX_VALUES candidates per text, and only
// values that start like base64 of "-----BEGIN" or of a DER SEQUENCE are decoded.
import { decodeBytes, decodeText } from '../decode/index';
import type { DecodedItem } from '../model';
import { looksLikeDer } from '../pem';
import { mayHoldEmbedded, PEM_B64 } from './embeddedSniff';


/** Candidates decoded per text; a file with more base64 values than this keeps the first ones. */
export const MAX_VALUES = 1000;
/** Shortest value considered: a certificate or key is several hundred base64 characters. */
const MIN_CHARS = 80;
/** Base64 of "-----BEGIN", or the start of a DER SEQUENCE with a 1- to 3-byte long length. */
const VALUE = /(?<![A-Za-z0-9+/])(?:LS0tLS1CRUdJTi|MI[IJG])[A-Za-z0-9+/]{77,}={0,2}(?![A-Za-z0-9+/=])/g;

interface Options { fileName?: string }

/**
 * Decoded objects from base64 values in `text`, each with the range of its value (line and
 * offsets). Values at offsets for which `covered` says yes (inside a PEM block) are ignored.
 */
export function findEmbedded(text: string, options: Options = {}, covered?: (offset: number) => boolean): DecodedItem[] {
  if (!mayHoldEmbedded(text)) return [];
  const out: DecodedItem[] = [];
  let line = 0;
  let lineStart = 0;
  let seen = 0;
  VALUE.lastIndex = 0;
  for (let m = VALUE.exec(text); m && seen < MAX_VALUES; m = VALUE.exec(text)) {
    seen++;
    // Advance the line counter to the match (linear over the whole text).
    for (let nl = text.indexOf('\n', lineStart); nl >= 0 && nl < m.index; nl = text.indexOf('\n', lineStart)) { line++; lineStart = nl + 1; }
    if (covered?.(m.index)) continue;
    const value = m[0];
    if (value.length < MIN_CHARS || (value.length % 4 !== 0 && !value.endsWith('='))) continue;
    const bytes = new Uint8Array(Buffer.from(value, 'base64'));
    const range = { block: 0, startLine: line, endLine: line + 1, startOffset: m.index, endOffset: m.index + value.length };
    if (value.startsWith(PEM_B64)) {
      // base64 of PEM text (what `kubectl create secret tls` stores): decode its blocks, place them on this line.
      for (const item of decodeText(Buffer.from(bytes).toString('latin1'), options)) out.push({ ...item, range: { ...range } });
    } else if (looksLikeDer(bytes)) {
      const [item] = decodeBytes(bytes, options);
      if (item && item.result.kind !== 'error') out.push({ ...item, label: 'BASE64', range });
    }
  }
  return out;
}

/**
 * Everything in a text: PEM blocks (pem.ts, via decodeText) plus base64 values, in file order,
 * with block numbers renumbered so each item keeps a unique index.
 */
export function decodeTextWithEmbedded(text: string, options: Options = {}): DecodedItem[] {
  const pem = text.includes('-----BEGIN ') ? decodeText(text, options) : [];
  return merge(pem, text, options);
}

/**
 * A file's bytes (decodeBytes) plus base64 values when the file is text. A text file whose only
 * content is embedded base64 (a Kubernetes Secret) no longer counts as "no PKI content".
 */
export function decodeFileWithEmbedded(bytes: Uint8Array, options: Options = {}): DecodedItem[] {
  const items = decodeBytes(bytes, options);
  if (looksLikeDer(bytes) || items.some((i) => i.label === 'BASE64')) return items;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  if (!mayHoldEmbedded(text)) return items;
  const kept = items.filter((i) => !(i.result.kind === 'error' && (i.label === 'NONE' || i.label === 'EMPTY')));
  const merged = merge(kept, text, options);
  return merged.length > 0 ? merged : items;
}

function merge(pem: DecodedItem[], text: string, options: Options): DecodedItem[] {
  const spans = pem.map((i) => [i.range.startOffset, i.range.endOffset] as const);
  const embedded = findEmbedded(text, options, (at) => spans.some(([a, b]) => at >= a && at < b));
  if (embedded.length === 0) return pem;
  return [...pem, ...embedded].sort((a, b) => a.range.startOffset - b.range.startOffset)
    .map((item, block) => ({ ...item, range: { ...item.range, block } }));
}
