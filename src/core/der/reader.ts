// A small, allocation-light DER (and enough BER) reader. The decoders walk certificates, CRLs and
// OCSP messages with it directly: pkijs/asn1js build a heavy object tree per node, which is far too
// slow for 100k-entry CRLs (DESIGN.md §3 item 9). Every read is bounds-checked and throws DerError
// with the byte offset, so callers can turn it into a specific message.

export class DerError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at byte ${offset}`);
    this.name = 'DerError';
  }
}

/** One TLV element. `start`/`end` delimit the contents; `next` is the offset after the element. */
export interface Tlv {
  /** The identifier octet (class + constructed bit + low tag number; 0x1f for high tag numbers). */
  tag: number;
  /** Offset of the identifier octet. */
  offset: number;
  start: number;
  end: number;
  next: number;
}

export const TAG = {
  BOOLEAN: 0x01, INTEGER: 0x02, BIT_STRING: 0x03, OCTET_STRING: 0x04, NULL: 0x05, OID: 0x06,
  ENUMERATED: 0x0a, UTF8: 0x0c, SEQUENCE: 0x30, SET: 0x31, PRINTABLE: 0x13, T61: 0x14, IA5: 0x16,
  UTC_TIME: 0x17, GENERALIZED_TIME: 0x18, VISIBLE: 0x1a, UNIVERSAL: 0x1c, BMP: 0x1e, NUMERIC: 0x12,
} as const;

/** Nesting limit for indefinite-length BER: protects against stack exhaustion on hostile input. */
const MAX_DEPTH = 64;

/** Reads the element at `pos`, which must end at or before `limit`. */
export function readTlv(buf: Uint8Array, pos: number, limit: number = buf.length, depth = 0): Tlv {
  if (pos >= limit) throw new DerError('unexpected end of data', pos);
  const offset = pos;
  const tag = buf[pos++];
  if ((tag & 0x1f) === 0x1f) {
    // High tag number: skip the base-128 tag bytes (never used by X.509 structures we decode).
    let n = 0;
    while (pos < limit && buf[pos] & 0x80) { pos++; if (++n > 4) throw new DerError('tag number too long', offset); }
    pos++;
  }
  if (pos >= limit) throw new DerError('truncated element header', offset);
  let len = buf[pos++];
  if (len === 0x80) {
    // BER indefinite length (seen in some PKCS#7/PKCS#12 files): contents run until 00 00.
    if (!(tag & 0x20)) throw new DerError('indefinite length on a primitive element', offset);
    if (depth > MAX_DEPTH) throw new DerError('nesting too deep', offset);
    const start = pos;
    for (;;) {
      if (pos + 1 < limit && buf[pos] === 0 && buf[pos + 1] === 0) return { tag, offset, start, end: pos, next: pos + 2 };
      pos = readTlv(buf, pos, limit, depth + 1).next;
    }
  }
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n > 4) throw new DerError('length field too long', offset);
    if (pos + n > limit) throw new DerError('truncated length', offset);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[pos++];
  }
  const end = pos + len;
  if (end > limit) throw new DerError(`element needs ${len} bytes, only ${limit - pos} left`, offset);
  return { tag, offset, start: pos, end, next: end };
}

/** Reads an element and checks its tag. */
export function expect(buf: Uint8Array, pos: number, limit: number, tag: number, what: string): Tlv {
  const t = readTlv(buf, pos, limit);
  if (t.tag !== tag) throw new DerError(`${what}: expected tag 0x${hex2(tag)}, found 0x${hex2(t.tag)}`, pos);
  return t;
}

/** The child elements of a constructed element. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let pos = parent.start;
  while (pos < parent.end) {
    const t = readTlv(buf, pos, parent.end);
    out.push(t);
    pos = t.next;
  }
  return out;
}

/** The whole encoding of an element (header included). */
export function raw(buf: Uint8Array, t: Tlv): Uint8Array {
  return buf.subarray(t.offset, t.next);
}

/** OCTET STRING contents; concatenates BER constructed octet strings. */
export function octets(buf: Uint8Array, t: Tlv): Uint8Array {
  if (!(t.tag & 0x20)) return buf.subarray(t.start, t.end);
  const parts = children(buf, t).map((c) => octets(buf, c));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** BIT STRING contents without the unused-bits octet. */
export function bitStringBytes(buf: Uint8Array, t: Tlv): Uint8Array {
  if (t.end <= t.start) throw new DerError('empty BIT STRING', t.offset);
  return buf.subarray(t.start + 1, t.end);
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex2(n: number): string {
  return HEX[n & 0xff];
}

export function toHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += HEX[bytes[i]];
  return s;
}

export function colonHex(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i++) parts.push(HEX[bytes[i]]);
  return parts.join(':');
}

/**
 * INTEGER as normalized lowercase hex (no leading zeros, "0" for zero, "-" prefix for negatives):
 * the serial form used for lookups everywhere in Certscope.
 */
export function integerHex(buf: Uint8Array, t: Tlv): string {
  let i = t.start;
  if (i >= t.end) throw new DerError('empty INTEGER', t.offset);
  if (buf[i] & 0x80) {
    // Negative (two's complement): rare, but some broken serials are.
    let big = 0n;
    for (let j = t.start; j < t.end; j++) big = (big << 8n) | BigInt(buf[j]);
    big -= 1n << BigInt(8 * (t.end - t.start));
    return '-' + (-big).toString(16);
  }
  while (i < t.end - 1 && buf[i] === 0) i++;
  const s = toHex(buf, i, t.end);
  return s[0] === '0' ? s.slice(1) : s;
}

/** Small non-negative INTEGER/ENUMERATED as a number. */
export function integerValue(buf: Uint8Array, t: Tlv): number {
  if (t.end - t.start > 6) throw new DerError('integer too large', t.offset);
  if (t.end <= t.start) throw new DerError('empty INTEGER', t.offset);
  let v = buf[t.start] & 0x80 ? -1 : 0;
  for (let i = t.start; i < t.end; i++) v = v * 256 + buf[i];
  return v;
}

export function booleanValue(buf: Uint8Array, t: Tlv): boolean {
  if (t.end - t.start !== 1) throw new DerError('BOOLEAN must be one byte', t.offset);
  return buf[t.start] !== 0;
}

/** Dotted OID string. */
export function oidString(buf: Uint8Array, t: Tlv): string {
  if (t.end <= t.start) throw new DerError('empty OBJECT IDENTIFIER', t.offset);
  const parts: number[] = [];
  let v = 0;
  for (let i = t.start; i < t.end; i++) {
    v = v * 128 + (buf[i] & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 128) throw new DerError('OID arc too large', t.offset);
    if (!(buf[i] & 0x80)) {
      if (parts.length === 0) {
        const first = v < 40 ? 0 : v < 80 ? 1 : 2;
        parts.push(first, v - first * 40);
      } else parts.push(v);
      v = 0;
    }
  }
  if (buf[t.end - 1] & 0x80) throw new DerError('truncated OBJECT IDENTIFIER', t.offset);
  return parts.join('.');
}

function digits(buf: Uint8Array, pos: number, n: number, t: Tlv): number {
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = buf[pos + i] - 48;
    if (c < 0 || c > 9 || pos + i >= t.end) throw new DerError('bad digit in time', t.offset);
    v = v * 10 + c;
  }
  return v;
}

/** UTCTime or GeneralizedTime (Z or +hhmm offsets, optional fractions) as a Date. */
export function timeValue(buf: Uint8Array, t: Tlv): Date {
  let p = t.start;
  let year: number;
  if (t.tag === TAG.UTC_TIME) {
    year = digits(buf, p, 2, t);
    year += year < 50 ? 2000 : 1900;
    p += 2;
  } else if (t.tag === TAG.GENERALIZED_TIME) {
    year = digits(buf, p, 4, t);
    p += 4;
  } else throw new DerError(`expected a time, found tag 0x${hex2(t.tag)}`, t.offset);
  const month = digits(buf, p, 2, t); const day = digits(buf, p + 2, 2, t);
  const hour = digits(buf, p + 4, 2, t); const min = digits(buf, p + 6, 2, t);
  p += 8;
  let sec = 0; let ms = 0;
  if (p < t.end && buf[p] >= 48 && buf[p] <= 57) { sec = digits(buf, p, 2, t); p += 2; }
  if (p < t.end && (buf[p] === 0x2e || buf[p] === 0x2c)) {
    p++;
    let frac = ''; while (p < t.end && buf[p] >= 48 && buf[p] <= 57) frac += String.fromCharCode(buf[p++]);
    ms = Math.round(Number('0.' + (frac || '0')) * 1000);
  }
  let offsetMin = 0;
  if (p < t.end && buf[p] === 0x5a) p++;
  else if (p < t.end && (buf[p] === 0x2b || buf[p] === 0x2d)) {
    const sign = buf[p] === 0x2b ? 1 : -1;
    offsetMin = sign * (digits(buf, p + 1, 2, t) * 60 + digits(buf, p + 3, 2, t));
    p += 5;
  }
  if (p !== t.end || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) {
    throw new DerError('malformed time', t.offset);
  }
  return new Date(Date.UTC(year, month - 1, day, hour, min, sec, ms) - offsetMin * 60_000);
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
const latin1 = new TextDecoder('latin1');

/** Any ASN.1 string type as a JS string (BMP = UTF-16BE, Universal = UTF-32BE, T61 as Latin-1). */
export function stringValue(buf: Uint8Array, t: Tlv): string {
  const b = buf.subarray(t.start, t.end);
  switch (t.tag) {
    case TAG.BMP: {
      let s = '';
      for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode((b[i] << 8) | b[i + 1]);
      return s;
    }
    case TAG.UNIVERSAL: {
      let s = '';
      for (let i = 0; i + 3 < b.length; i += 4) {
        const cp = ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
        s += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
      }
      return s;
    }
    case TAG.T61:
      return latin1.decode(b);
    default:
      return utf8.decode(b);
  }
}

export function isStringTag(tag: number): boolean {
  return tag === TAG.UTF8 || tag === TAG.PRINTABLE || tag === TAG.T61 || tag === TAG.IA5 || tag === TAG.VISIBLE
    || tag === TAG.UNIVERSAL || tag === TAG.BMP || tag === TAG.NUMERIC || tag === 0x15 /* Videotex */ || tag === 0x19 || tag === 0x1b;
}

/** The subjectPublicKey BIT STRING contents of a SubjectPublicKeyInfo (what OCSP's issuerKeyHash hashes). */
export function spkiKeyBits(spki: Uint8Array): Uint8Array {
  const bits = children(spki, readTlv(spki, 0))[1];
  if (!bits) throw new DerError('SubjectPublicKeyInfo without a subjectPublicKey', 0);
  return bitStringBytes(spki, bits);
}
