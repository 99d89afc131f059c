// Finds PEM blocks anywhere in text: plain .pem files, YAML/.conf/.env values (indented or
// commented), JSON strings with "\n" escapes, string literals in source code, CRLF line ends.
// Each block reports its label, headers, decoded DER (or a specific error) and its source range.
import type { SourceRange } from './model';

export interface PemBlock {
  label: string;
  headers: Record<string, string>;
  der?: Uint8Array;
  error?: string;
  /** 0-based line where the error was found (when error is set). */
  errorLine?: number;
  range: SourceRange;
}

const BEGIN = /-----BEGIN ([A-Z0-9][A-Z0-9 #._-]{0,60})-----/g;
const BASE64_LINE = /^[A-Za-z0-9+/=]*$/;
const HEADER = /^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$/;

/** Line starts of the text, for offset -> line lookups. */
function lineStarts(text: string): number[] {
  const starts = [0];
  if (text.indexOf('\r') < 0 || !/\r(?!\n)/.test(text)) {
    // No lone CR (the usual case): let indexOf find the line feeds.
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    return starts;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
  }
  return starts;
}

function lineOf(starts: number[], offset: number): number {
  let lo = 0; let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid; else hi = mid - 1;
  }
  return lo;
}

interface LogicalLine { text: string; offset: number }

/**
 * Splits the text between the markers into logical lines. Inside a quoted string (the BEGIN marker
 * sits after an opening quote) only the characters inside quotes count, and \n escapes end lines.
 */
function logicalLines(text: string, from: number, to: number, quote: string | undefined): LogicalLine[] {
  const lines: LogicalLine[] = [];
  // Real line breaks, and escaped ones as in JSON strings and .env values ("\r\n" counts once).
  const breaks = /\r\n|\r|\n|\\r\\n|\\n|\\r/g;
  breaks.lastIndex = from;
  let inside = true;
  let last = from;
  const push = (end: number): void => {
    let seg = text.slice(last, end);
    if (quote !== undefined && seg.includes(quote)) {
      // Keep only what is inside the string literal: the quotes toggle, also across lines.
      const parts = seg.split(quote);
      seg = '';
      for (let k = 0; k < parts.length; k++) {
        if (k > 0) inside = !inside;
        if (inside) seg += parts[k];
      }
    } else if (quote !== undefined && !inside) seg = '';
    lines.push({ text: seg, offset: last });
  };
  for (let m = breaks.exec(text); m && m.index < to; m = breaks.exec(text)) {
    push(m.index);
    last = m.index + m[0].length;
  }
  push(to);
  return lines;
}

/** Text before the marker on its line: the indentation or comment prefix repeated on each line. */
function linePrefix(text: string, starts: number[], offset: number): string {
  return text.slice(starts[lineOf(starts, offset)], offset);
}

function openQuote(prefix: string): string | undefined {
  for (const q of ['"', "'", '`']) {
    let n = 0;
    for (let i = 0; i < prefix.length; i++) if (prefix[i] === q && prefix[i - 1] !== '\\') n++;
    if (n % 2 === 1) return q;
  }
  return undefined;
}

export function findPemBlocks(text: string): PemBlock[] {
  const starts = lineStarts(text);
  const blocks: PemBlock[] = [];
  BEGIN.lastIndex = 0;
  const begins: Array<{ index: number; label: string; markerEnd: number }> = [];
  for (let m = BEGIN.exec(text); m; m = BEGIN.exec(text)) begins.push({ index: m.index, label: m[1], markerEnd: m.index + m[0].length });
  for (let b = 0; b < begins.length; b++) {
    const { index, label, markerEnd } = begins[b];
    const nextBegin = b + 1 < begins.length ? begins[b + 1].index : text.length;
    const endMarker = `-----END ${label}-----`;
    const endIndex = text.indexOf(endMarker, markerEnd);
    const startLine = lineOf(starts, index);
    const block: PemBlock = { label, headers: {}, range: { block: blocks.length, startLine, endLine: startLine + 1, startOffset: index, endOffset: markerEnd } };
    blocks.push(block);
    if (endIndex < 0 || endIndex > nextBegin) {
      const anyEnd = text.slice(markerEnd, nextBegin).match(/-----END ([A-Z0-9 #._-]+)-----/);
      block.error = anyEnd ? `BEGIN ${label} ends with END ${anyEnd[1]}` : `missing "-----END ${label}-----" line (truncated block)`;
      const stop = anyEnd?.index !== undefined ? markerEnd + anyEnd.index + anyEnd[0].length : nextBegin;
      block.range.endOffset = stop;
      block.range.endLine = lineOf(starts, Math.max(index, stop - 1)) + 1;
      block.errorLine = block.range.endLine - 1;
      // Still decode what is there, to say whether the base64 itself is fine.
      continue;
    }
    block.range.endOffset = endIndex + endMarker.length;
    block.range.endLine = lineOf(starts, endIndex) + 1;
    const prefix = linePrefix(text, starts, index);
    const quote = openQuote(prefix);
    const prefixTrim = prefix.trim();
    if (!quote && !prefixTrim && fastBody(block, text.slice(markerEnd, endIndex))) continue;
    const lines = logicalLines(text, markerEnd, endIndex, quote);
    parseBody(block, lines, prefixTrim, quote, starts);
  }
  return blocks;
}

/**
 * Plain PEM (no headers, prefixes or quotes): strip whitespace and decode in one go. Returns
 * false to fall back to the line-by-line parser, which also locates errors.
 */
function fastBody(block: PemBlock, body: string): boolean {
  // One native pass validates, Node's base64 decoder skips the whitespace itself; the DER length
  // check below catches truncation (the slow path then says exactly where).
  if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(body)) return false;
  const der = new Uint8Array(Buffer.from(body, 'base64'));
  if (der.length === 0) return false;
  const need = derLength(der);
  if (need === undefined || need !== der.length) return false;
  block.der = der;
  return true;
}

function parseBody(block: PemBlock, lines: LogicalLine[], prefixTrim: string, quote: string | undefined, starts: number[]): void {
  let b64 = '';
  let inHeaders = true;
  let lastLine = block.range.startLine;
  for (const line of lines) {
    let s = line.text.trim();
    // Comment/indent prefixes such as "# ", "// ", " * " repeat on each line; drop them.
    if (!quote && prefixTrim && s.startsWith(prefixTrim)) s = s.slice(prefixTrim.length).trim();
    // Trailing junk from source code around base64 lines ("...\" +", "...,").
    if (!quote) s = s.replace(/\\$/, '').trim();
    if (s === '') { if (Object.keys(block.headers).length > 0) inHeaders = false; continue; }
    const lineNo = lineOf(starts, line.offset);
    if (inHeaders) {
      const h = HEADER.exec(s);
      if (h && !BASE64_LINE.test(s)) { block.headers[h[1]] = h[2]; continue; }
      inHeaders = false;
    }
    if (!BASE64_LINE.test(s)) {
      const bad = [...s].find((c) => !/[A-Za-z0-9+/=]/.test(c)) ?? '?';
      block.error = `invalid character ${JSON.stringify(bad)} in base64`;
      block.errorLine = lineNo;
      return;
    }
    b64 += s;
    lastLine = lineNo;
  }
  if (b64.length === 0) { block.error = 'empty block (no base64 data)'; block.errorLine = lastLine; return; }
  const pad = b64.indexOf('=');
  if (pad >= 0 && !/^=+$/.test(b64.slice(pad))) { block.error = 'base64 padding "=" in the middle of the data'; block.errorLine = lastLine; return; }
  if (b64.length % 4 !== 0) { block.error = 'truncated base64'; block.errorLine = lastLine; return; }
  const der = new Uint8Array(Buffer.from(b64, 'base64'));
  const need = derLength(der);
  if (need !== undefined && need > der.length) {
    block.error = `truncated base64 (the data declares ${need} bytes, only ${der.length} present)`;
    block.errorLine = lastLine;
  }
  block.der = der;
}

/** Total length the top-level DER element declares, or undefined when the header is unreadable. */
export function derLength(der: Uint8Array): number | undefined {
  if (der.length < 2) return undefined;
  let p = 1;
  if ((der[0] & 0x1f) === 0x1f) return undefined;
  let len = der[p++];
  if (len === 0x80) return undefined;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n > 4 || p + n > der.length) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[p++];
  }
  return p + len;
}

/** True when the bytes are one complete DER/BER SEQUENCE (allowing trailing whitespace/NULs). */
export function looksLikeDer(bytes: Uint8Array): boolean {
  if (bytes.length < 2 || bytes[0] !== 0x30) return false;
  if (bytes[1] === 0x80) return true; // BER indefinite length (PKCS#7/#12 from some tools)
  const total = derLength(bytes);
  if (total === undefined || total > bytes.length) return false;
  for (let i = total; i < bytes.length; i++) if (![0, 0x0a, 0x0d, 0x20].includes(bytes[i])) return false;
  return true;
}
