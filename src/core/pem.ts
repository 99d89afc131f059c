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
const ANY_END = /-----END ([A-Z0-9 #._-]{1,64})-----/;
const BASE64_LINE = /^[A-Za-z0-9+/=]*$/;
const HEADER = /^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$/;
/** Longest text before a marker read as its indentation/comment prefix (longer: it is other text). */
const MAX_PREFIX = 256;

/**
 * Blocks returned for one text at most. Each block holds its DER, so a file of a million tiny
 * blocks would otherwise take gigabytes; the block after the last one reports the cut.
 */
export const MAX_PEM_BLOCKS = 10_000;

/**
 * Offset -> 0-based line, computed incrementally as the scan moves forward (no array of every line
 * start, which would be the largest allocation for a file of empty lines). Lines end at LF, CRLF or
 * a lone CR. Moving backwards is supported but only ever short (within one block).
 */
class LineCounter {
  private pos = 0;
  private line = 0;
  private start = 0;
  /** The first line feed at or after `pos` (Infinity: none), cached so that no search repeats. */
  private nextLf = -1;
  private readonly loneCr: boolean;

  constructor(private readonly text: string) {
    this.loneCr = text.includes('\r') && /\r(?!\n)/.test(text);
  }

  private isBreak(i: number): boolean {
    const c = this.text.charCodeAt(i);
    return c === 10 || (c === 13 && this.text.charCodeAt(i + 1) !== 10);
  }

  /** Line of `offset`; also sets lineStart to the start of that line. */
  lineOf(offset: number): number {
    const t = this.text;
    if (offset >= this.pos && !this.loneCr) {
      if (this.nextLf < this.pos) this.nextLf = t.indexOf('\n', this.pos);
      if (this.nextLf < 0) this.nextLf = Infinity;
      while (this.nextLf < offset) {
        this.line++;
        this.start = this.nextLf + 1;
        this.nextLf = t.indexOf('\n', this.start);
        if (this.nextLf < 0) this.nextLf = Infinity;
      }
    } else if (offset >= this.pos) {
      for (let i = this.pos; i < offset; i++) if (this.isBreak(i)) { this.line++; this.start = i + 1; }
    } else {
      for (let i = this.pos - 1; i >= offset; i--) if (this.isBreak(i)) this.line--;
      this.start = 0;
      for (let i = offset - 1; i >= 0; i--) if (this.isBreak(i)) { this.start = i + 1; break; }
      this.nextLf = -1;
    }
    this.pos = offset;
    return this.line;
  }

  /** Start offset of the line of the last lineOf() call. */
  get lineStart(): number {
    return this.start;
  }
}

/**
 * Which quote (if any) is open before a BEGIN marker on its line: the marker then sits in a string
 * literal. Counted incrementally along a line, so many markers on one long line (minified JSON)
 * cost one pass over it.
 */
class QuoteTracker {
  private lineStart = -1;
  private scanned = 0;
  private readonly counts = new Map<string, number>([['"', 0], ["'", 0], ['`', 0]]);

  constructor(private readonly text: string) {}

  openQuote(lineStart: number, offset: number): string | undefined {
    if (lineStart !== this.lineStart || offset < this.scanned) {
      this.lineStart = lineStart;
      this.scanned = lineStart;
      for (const q of this.counts.keys()) this.counts.set(q, 0);
    }
    const t = this.text;
    for (let i = this.scanned; i < offset; i++) {
      const c = t[i];
      if ((c === '"' || c === "'" || c === '`') && (i === lineStart || t[i - 1] !== '\\')) this.counts.set(c, this.counts.get(c)! + 1);
    }
    this.scanned = offset;
    for (const [q, n] of this.counts) if (n % 2 === 1) return q;
    return undefined;
  }
}

interface LogicalLine { text: string; offset: number }

/**
 * Splits the text between the markers into logical lines. Inside a quoted string (the BEGIN marker
 * sits after an opening quote) only the characters inside quotes count, and \n escapes end lines.
 */
function logicalLines(text: string, from: number, to: number, quote: string | undefined): LogicalLine[] {
  const lines: LogicalLine[] = [];
  // Real line breaks, and escaped ones as in JSON strings and .env values ("\r\n" counts once).
  // Searched in the body only, so the scan never runs past the END marker.
  const body = text.slice(from, to);
  const breaks = /\r\n|\r|\n|\\r\\n|\\n|\\r/g;
  let inside = true;
  let last = 0;
  const push = (end: number): void => {
    let seg = body.slice(last, end);
    if (quote !== undefined && seg.includes(quote)) {
      // Keep only what is inside the string literal: the quotes toggle, also across lines.
      const parts = seg.split(quote);
      seg = '';
      for (let k = 0; k < parts.length; k++) {
        if (k > 0) inside = !inside;
        if (inside) seg += parts[k];
      }
    } else if (quote !== undefined && !inside) seg = '';
    lines.push({ text: seg, offset: from + last });
  };
  for (let m = breaks.exec(body); m; m = breaks.exec(body)) {
    push(m.index);
    last = m.index + m[0].length;
  }
  push(body.length);
  return lines;
}

/**
 * Finds the PEM blocks of a text in one forward pass (linear in the text's length): each BEGIN
 * looks for its END only up to the next BEGIN. At most `maxBlocks` blocks are returned; when there
 * are more, one extra block (with an error) says where reading stopped.
 */
export function findPemBlocks(text: string, maxBlocks: number = MAX_PEM_BLOCKS): PemBlock[] {
  const lines = new LineCounter(text);
  const quotes = new QuoteTracker(text);
  const blocks: PemBlock[] = [];
  const begin = new RegExp(BEGIN.source, 'g');
  let next = begin.exec(text);
  let endCursor = -1; // next "-----END " at or after the current block's marker (Infinity: none left)
  while (next) {
    const m = next;
    const index = m.index;
    const label = m[1];
    const markerEnd = index + m[0].length;
    const startLine = lines.lineOf(index);
    if (blocks.length >= maxBlocks) {
      blocks.push({
        label, headers: {}, errorLine: startLine,
        error: `too many PEM blocks: only the first ${maxBlocks.toLocaleString('en-US')} are read, the rest of the text is skipped`,
        range: { block: blocks.length, startLine, endLine: startLine + 1, startOffset: index, endOffset: text.length },
      });
      break;
    }
    const lineStart = lines.lineStart;
    next = begin.exec(text);
    const nextBegin = next ? next.index : text.length;
    // The first END of this label between the marker and the next BEGIN; every END position is
    // visited once over the whole scan.
    const endMarker = `-----END ${label}-----`;
    if (endCursor !== Infinity && endCursor < markerEnd) { endCursor = text.indexOf('-----END ', markerEnd); if (endCursor < 0) endCursor = Infinity; }
    let endIndex = -1;
    while (endCursor < nextBegin) {
      if (text.startsWith(endMarker, endCursor)) { endIndex = endCursor; break; }
      endCursor = text.indexOf('-----END ', endCursor + 1);
      if (endCursor < 0) endCursor = Infinity;
    }
    const block: PemBlock = { label, headers: {}, range: { block: blocks.length, startLine, endLine: startLine + 1, startOffset: index, endOffset: markerEnd } };
    blocks.push(block);
    if (endIndex < 0) {
      const anyEnd = text.slice(markerEnd, nextBegin).match(ANY_END);
      block.error = anyEnd ? `BEGIN ${label} ends with END ${anyEnd[1]}` : `missing "-----END ${label}-----" line (truncated block)`;
      const stop = anyEnd?.index !== undefined ? markerEnd + anyEnd.index + anyEnd[0].length : nextBegin;
      block.range.endOffset = stop;
      block.range.endLine = lines.lineOf(Math.max(index, stop - 1)) + 1;
      block.errorLine = block.range.endLine - 1;
      continue;
    }
    block.range.endOffset = endIndex + endMarker.length;
    const quote = quotes.openQuote(lineStart, index);
    // The indentation or comment prefix repeated on each line ("    ", "# ", " * "); a longer
    // text before the marker is not a prefix, its last characters stand for it (bounded work).
    const prefixTrim = text.slice(Math.max(lineStart, index - MAX_PREFIX), index).trim();
    if (quote || prefixTrim || !fastBody(block, text.slice(markerEnd, endIndex))) {
      parseBody(block, logicalLines(text, markerEnd, endIndex, quote), prefixTrim, quote, lines);
    }
    block.range.endLine = lines.lineOf(endIndex) + 1;
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
  // (Two linear checks rather than one pattern: "[...\s]*={0,2}\s*$" backtracks quadratically on
  // long whitespace runs.)
  if (/[^A-Za-z0-9+/=\s]/.test(body)) return false;
  const pad = body.indexOf('=');
  if (pad >= 0 && /[^=\s]/.test(body.slice(pad))) return false;
  const der = new Uint8Array(Buffer.from(body, 'base64'));
  if (der.length === 0) return false;
  const need = derLength(der);
  if (need === undefined || need !== der.length) return false;
  block.der = der;
  return true;
}

function parseBody(block: PemBlock, lines: LogicalLine[], prefixTrim: string, quote: string | undefined, counter: LineCounter): void {
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
    const lineNo = counter.lineOf(line.offset);
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
