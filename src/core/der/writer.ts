// A small DER writer: each function returns the complete encoding of one element as a Buffer.
// Used for certificates and CRLs the CA signs with crypto.sign. Building bytes directly avoids the
// pitfalls of pkijs (DESIGN.md §3: SHA-1 default, UTCTime after 2049, non-DER empty sequences) and
// is fast enough for 100,000-entry CRLs.

export type Part = Uint8Array;

/** Length octets in the shortest (DER) form. */
export function encodeLength(len: number): Buffer {
  if (len < 0x80) return Buffer.from([len]);
  const bytes: number[] = [];
  for (let n = len; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Tag + length + contents. `contents` may be a list of already-encoded children. */
export function tlv(tag: number, contents: Part | readonly Part[]): Buffer {
  const parts = contents instanceof Uint8Array ? [contents] : contents;
  let len = 0;
  for (const p of parts) len += p.length;
  return Buffer.concat([Buffer.from([tag]), encodeLength(len), ...parts], 1 + lengthSize(len) + len);
}

function lengthSize(len: number): number {
  if (len < 0x80) return 1;
  let n = 1;
  for (let v = len; v > 0; v = Math.floor(v / 256)) n++;
  return n;
}

export const seq = (...parts: Part[]): Buffer => tlv(0x30, parts);
export const set = (...parts: Part[]): Buffer => tlv(0x31, parts);

/** SET OF: DER requires the elements sorted by their encodings. */
export function setOf(parts: Part[]): Buffer {
  return tlv(0x31, [...parts].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
}

/**
 * INTEGER from a non-negative bigint/number, or from unsigned big-endian magnitude bytes (e.g. a
 * serial number). Two's complement: a 0x00 is prepended when the top bit is set; redundant leading
 * zeros are stripped (DESIGN.md §3 pitfall 1).
 */
export function integer(value: bigint | number | Uint8Array): Buffer {
  return tlv(0x02, integerContents(value));
}

function integerContents(value: bigint | number | Uint8Array): Buffer {
  let bytes: Buffer;
  if (value instanceof Uint8Array) {
    let i = 0;
    while (i < value.length - 1 && value[i] === 0) i++;
    bytes = Buffer.from(value.subarray(i));
    if (bytes.length === 0) bytes = Buffer.from([0]);
  } else {
    let v = BigInt(value);
    if (v < 0n) throw new RangeError('negative INTEGER not supported');
    const out: number[] = [];
    do { out.unshift(Number(v & 0xffn)); v >>= 8n; } while (v > 0n);
    bytes = Buffer.from(out);
  }
  return bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}

export const enumerated = (n: number): Buffer => tlv(0x0a, integerContents(n));
export const boolean = (b: boolean): Buffer => Buffer.from([0x01, 0x01, b ? 0xff : 0x00]);
export const nullValue = (): Buffer => Buffer.from([0x05, 0x00]);
export const octetString = (b: Uint8Array): Buffer => tlv(0x04, b);

/** BIT STRING of whole bytes (keys, signatures). */
export const bitString = (b: Uint8Array, unusedBits = 0): Buffer => tlv(0x03, [Buffer.from([unusedBits]), b]);

/** BIT STRING of named bits (keyUsage, reasons), DER-minimal: trailing zero bits dropped. */
export function namedBits(bits: number[]): Buffer {
  if (bits.length === 0) return Buffer.from([0x03, 0x01, 0x00]);
  const max = Math.max(...bits);
  const bytes = Buffer.alloc((max >> 3) + 1);
  for (const b of bits) bytes[b >> 3] |= 0x80 >> (b & 7);
  const unused = 7 - (max & 7);
  return bitString(bytes, unused);
}

const oidCache = new Map<string, Buffer>();

export function oid(dotted: string): Buffer {
  const cached = oidCache.get(dotted);
  if (cached) return cached;
  const arcs = dotted.split('.').map((a) => BigInt(a));
  if (arcs.length < 2) throw new RangeError(`bad OID ${dotted}`);
  const body: number[] = [];
  const push = (v: bigint): void => {
    const tmp: number[] = [Number(v & 0x7fn)];
    for (v >>= 7n; v > 0n; v >>= 7n) tmp.unshift(Number(v & 0x7fn) | 0x80);
    body.push(...tmp);
  };
  push(arcs[0] * 40n + arcs[1]);
  for (const a of arcs.slice(2)) push(a);
  const enc = tlv(0x06, Buffer.from(body));
  oidCache.set(dotted, enc);
  return enc;
}

export const utf8String = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
export const printableString = (s: string): Buffer => tlv(0x13, Buffer.from(s, 'latin1'));
export const ia5String = (s: string): Buffer => tlv(0x16, Buffer.from(s, 'latin1'));

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function timeDigits(d: Date, fourDigitYear: boolean): string {
  const y = d.getUTCFullYear();
  return (fourDigitYear ? pad(y, 4) : pad(y % 100))
    + pad(d.getUTCMonth() + 1) + pad(d.getUTCDate()) + pad(d.getUTCHours()) + pad(d.getUTCMinutes()) + pad(d.getUTCSeconds()) + 'Z';
}

/** UTCTime; whole seconds only (fractions break openssl, DESIGN.md §3 pitfall 5). */
const utcTime = (d: Date): Buffer => tlv(0x17, Buffer.from(timeDigits(d, false), 'latin1'));
export const generalizedTime = (d: Date): Buffer => tlv(0x18, Buffer.from(timeDigits(d, true), 'latin1'));

/** RFC 5280 Time: UTCTime for 1950-2049, GeneralizedTime otherwise (pitfall 4). */
export function time(d: Date): Buffer {
  const y = d.getUTCFullYear();
  return y >= 1950 && y < 2050 ? utcTime(d) : generalizedTime(d);
}

/** [n] EXPLICIT: a constructed context tag wrapping complete encodings. */
export const explicit = (n: number, ...parts: Part[]): Buffer => tlv(0xa0 | n, parts);
/** [n] IMPLICIT primitive: context tag with the raw contents. */
export const implicitPrimitive = (n: number, contents: Uint8Array): Buffer => tlv(0x80 | n, contents);
/** [n] IMPLICIT constructed (e.g. fullName [0] GeneralNames): the children of a SEQUENCE. */
export const implicitConstructed = (n: number, ...parts: Part[]): Buffer => tlv(0xa0 | n, parts);

/** PEM armour, 64-character lines. */
export function toPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
