// The one CRL splitter and entry scanner. Big CRLs (100k+ entries) are read by a direct DER scan in
// a fraction of a second (DESIGN.md §3 item 9); decode/crl.ts builds the display model from it,
// verify/parse.ts what RFC 5280 §6.3 revocation checking reads.
import { integerHex, integerValue, readTlv, TAG, timeValue, type Tlv } from '../der/reader';
import { DecodeFailure } from '../decode/errors';
import { readExtensions, type RawExtension } from './extension';
import { EXT, KNOWN } from './extensions/registry';
import type { GeneralName } from './generalName';

export interface CrlParts {
  /** The CRL alone, without bytes after it. */
  der: Uint8Array;
  tbs: Tlv;
  version: number;
  sigAlg: Tlv;
  sigValue: Tlv;
  issuer: Tlv;
  thisUpdate: Date;
  nextUpdate?: Date;
  /** revokedCertificates, for scanEntries. */
  entries?: Tlv;
  extensions: RawExtension[];
}

export function splitCrl(input: Uint8Array): CrlParts {
  const top = readTlv(input, 0);
  if (top.tag !== TAG.SEQUENCE) throw new DecodeFailure(`not a CRL: expected SEQUENCE at byte 0, found 0x${input[0]?.toString(16)}`);
  const der = input.subarray(0, top.next);
  const tbs = readTlv(der, top.start, top.end);
  const sigAlg = readTlv(der, tbs.next, top.end);
  const sigValue = readTlv(der, sigAlg.next, top.end);
  if (tbs.tag !== TAG.SEQUENCE || sigAlg.tag !== TAG.SEQUENCE) throw new DecodeFailure('not a CRL: expected tbsCertList and signatureAlgorithm');
  // Walk tbsCertList field by field (no children() call: the entry list can be megabytes).
  let t = readTlv(der, tbs.start, tbs.end);
  let version = 1;
  if (t.tag === TAG.INTEGER) { version = integerValue(der, t) + 1; t = readTlv(der, t.next, tbs.end); }
  const issuer = readTlv(der, t.next, tbs.end); // after the inner signature algorithm
  const thisT = readTlv(der, issuer.next, tbs.end);
  const parts: CrlParts = { der, tbs, version, sigAlg, sigValue, issuer, thisUpdate: timeValue(der, thisT), extensions: [] };
  for (let pos = thisT.next; pos < tbs.end; pos = t.next) {
    t = readTlv(der, pos, tbs.end);
    if (t.tag === TAG.UTC_TIME || t.tag === TAG.GENERALIZED_TIME) parts.nextUpdate = timeValue(der, t);
    else if (t.tag === TAG.SEQUENCE) parts.entries = t;
    else if (t.tag === 0xa0) parts.extensions = readExtensions(der, readTlv(der, t.start, t.end));
  }
  return parts;
}

/** crlEntryExtensions, decoded through the registry. */
export interface EntryExtensions {
  reason?: number;
  invalidityDate?: Date;
  certificateIssuer?: GeneralName[];
  /** An unknown critical entry extension: the CRL cannot say anything about this entry. */
  unknownCritical?: string;
}

function entryExtensions(der: Uint8Array, ext: Tlv): EntryExtensions {
  const out: EntryExtensions = {};
  for (const e of readExtensions(der, ext)) {
    if (e.oid === EXT.reasonCode.oid) out.reason = EXT.reasonCode.decode(e.value);
    else if (e.oid === EXT.invalidityDate.oid) out.invalidityDate = EXT.invalidityDate.decode(e.value);
    else if (e.oid === EXT.certificateIssuer.oid) out.certificateIssuer = EXT.certificateIssuer.decode(e.value);
    else if (e.critical && !KNOWN.crlEntry.has(e.oid)) out.unknownCritical = e.oid;
  }
  return out;
}

/** The common case, an entry whose only extension is a reasonCode: 30 0a 06 03 55 1d 15 04 03 0a 01 XX. */
const REASON_ONLY = [0x30, 0x0a, 0x06, 0x03, 0x55, 0x1d, 0x15, 0x04, 0x03, 0x0a, 0x01];
/** One shared, frozen result per reason code: the fast path allocates nothing. */
const REASON_ONLY_RESULT: ReadonlyArray<Readonly<EntryExtensions>> = Array.from({ length: 256 }, (_, reason) => Object.freeze({ reason }));

function sameAs(der: Uint8Array, at: number, bytes: number[]): boolean {
  for (let i = 0; i < bytes.length; i++) if (der[at + i] !== bytes[i]) return false;
  return true;
}

function sameBytes(der: Uint8Array, a: number, b: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (der[a + i] !== der[b + i]) return false;
  return true;
}

/** Offset after the length field read by lengthAt (a module-level slot: no tuple per call). */
let after = 0;

/** Short- or long-form DER length at `p`; sets `after` to the offset after the length field. */
function lengthAt(der: Uint8Array, p: number, limit: number): number {
  if (p >= limit) throw new DecodeFailure(`CRL entry list truncated at byte ${p}`);
  let len = der[p++];
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > limit) throw new DecodeFailure(`bad length in CRL entry at byte ${p - 1}`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[p++];
  }
  after = p;
  return len;
}

/**
 * The hot loop of big CRLs: entries are read with inline header parsing and one reused Tlv, so
 * the only allocations per entry are the caller's, the serial string and (rarely) a Date.
 */
export function scanEntries(der: Uint8Array, list: Tlv, onEntry: (serialHex: string, revocationDate: Date, ext: Readonly<EntryExtensions> | undefined) => void): void {
  let lastDate: Date | undefined; let lastStart = 0; let lastLen = 0; let lastTag = 0;
  const serial: Tlv = { tag: TAG.INTEGER, offset: 0, start: 0, end: 0, next: 0 };
  const date: Tlv = { tag: 0, offset: 0, start: 0, end: 0, next: 0 };
  const end = list.end;
  let pos = list.start;
  while (pos < end) {
    if (der[pos] !== TAG.SEQUENCE) throw new DecodeFailure(`CRL entry at byte ${pos} is not a SEQUENCE`);
    let len = lengthAt(der, pos + 1, end);
    let p = after;
    const seqEnd = p + len;
    if (seqEnd > end) throw new DecodeFailure(`CRL entry at byte ${pos} runs past the entry list`);
    if (der[p] !== TAG.INTEGER) throw new DecodeFailure(`CRL entry at byte ${pos}: expected serial INTEGER`);
    serial.offset = p;
    len = lengthAt(der, p + 1, seqEnd);
    p = after;
    serial.start = p; serial.end = serial.next = p + len;
    if (serial.end > seqEnd) throw new DecodeFailure(`CRL entry at byte ${pos}: serial runs past the entry`);
    p = serial.end;
    date.offset = p; date.tag = der[p];
    len = lengthAt(der, p + 1, seqEnd);
    p = after;
    date.start = p; date.end = date.next = p + len;
    if (date.end > seqEnd) throw new DecodeFailure(`CRL entry at byte ${pos}: revocationDate runs past the entry`);
    // Many entries share a revocation time: reuse the parsed Date when the bytes repeat.
    let revocationDate: Date;
    if (lastDate && len === lastLen && date.tag === lastTag && sameBytes(der, date.start, lastStart, len)) {
      revocationDate = lastDate;
    } else {
      revocationDate = timeValue(der, date);
      lastDate = revocationDate; lastStart = date.start; lastLen = len; lastTag = date.tag;
    }
    let ext: Readonly<EntryExtensions> | undefined;
    if (date.end < seqEnd) {
      const extT = readTlv(der, date.end, seqEnd);
      if (extT.tag !== TAG.SEQUENCE) { /* not extensions: ignore */ }
      else if (extT.end - extT.start === REASON_ONLY.length + 1 && sameAs(der, extT.start, REASON_ONLY)) ext = REASON_ONLY_RESULT[der[extT.end - 1]];
      else ext = entryExtensions(der, extT);
    }
    onEntry(integerHex(der, serial), revocationDate, ext);
    pos = seqEnd;
  }
}
