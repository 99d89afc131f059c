// CRLs -> CrlModel by a direct DER scan: 100k+ entries in a fraction of a second, where pkijs
// refuses them or takes half a minute (DESIGN.md §3 item 9). Entries are indexed by normalized
// serial for O(1) revocation lookups.
import { OID } from '../oids';
import { children, integerHex, integerValue, readTlv, TAG, timeValue, toHex, type Tlv } from '../der/reader';
import type { CrlEntry, CrlModel, Extension } from '../model';
import { extensionName, reasonName } from '../oids';
import { decoding, DecodeFailure } from './errors';
import {
  decodeAuthorityKeyId, decodeIssuingDistributionPoint, extensionEnumerated, extensionGeneralNames, extensionInteger, extensionTime, readExtensions,
} from './extensions';
import { decodeName } from './name';
import { algorithmIdentifier } from './signature';


/** Entry extensions (reasonCode, invalidityDate, certificateIssuer): only present on few entries. */
function applyEntryExtensions(der: Uint8Array, ext: Tlv, entry: CrlEntry): void {
  for (const e of readExtensions(der, ext)) {
    if (e.oid === OID.reasonCode) entry.reason = reasonName(extensionEnumerated(e.value));
    else if (e.oid === OID.invalidityDate) entry.invalidityDate = extensionTime(e.value);
    else if (e.oid === OID.certificateIssuer) entry.certificateIssuer = extensionGeneralNames(e.value);
  }
}

/** The common case, an entry whose only extension is a reasonCode: 30 0a 06 03 55 1d 15 04 03 0a 01 XX. */
const REASON_ONLY = [0x30, 0x0a, 0x06, 0x03, 0x55, 0x1d, 0x15, 0x04, 0x03, 0x0a, 0x01];

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
 * the only allocations per entry are the entry itself, its serial string and (rarely) a Date.
 */
function scanEntries(der: Uint8Array, list: Tlv, entries: CrlEntry[], bySerial: Map<string, CrlEntry>): void {
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
    const entry: CrlEntry = { serialHex: integerHex(der, serial), revocationDate };
    if (date.end < seqEnd) {
      const ext = readTlv(der, date.end, seqEnd);
      if (ext.tag !== TAG.SEQUENCE) { /* not extensions: ignore */ }
      else if (ext.end - ext.start === REASON_ONLY.length + 1 && sameAs(der, ext.start, REASON_ONLY)) entry.reason = reasonName(der[ext.end - 1]);
      else applyEntryExtensions(der, ext, entry);
    }
    entries.push(entry);
    bySerial.set(entry.serialHex, entry);
    pos = seqEnd;
  }
}

export function decodeCrl(input: Uint8Array): CrlModel {
  return decoding('CRL', () => {
    const top = readTlv(input, 0);
    if (top.tag !== TAG.SEQUENCE) throw new DecodeFailure(`not a CRL: expected SEQUENCE at byte 0, found 0x${input[0]?.toString(16)}`);
    const der = input.subarray(0, top.next);
    const tbs = readTlv(der, top.start, top.end);
    const sigAlg = readTlv(der, tbs.next, top.end);
    if (tbs.tag !== TAG.SEQUENCE || sigAlg.tag !== TAG.SEQUENCE) throw new DecodeFailure('not a CRL: expected tbsCertList and signatureAlgorithm');
    // Walk tbsCertList field by field (no children() call: the entry list can be megabytes).
    let pos = tbs.start;
    let t = readTlv(der, pos, tbs.end);
    let version = 1;
    if (t.tag === TAG.INTEGER) { version = integerValue(der, t) + 1; pos = t.next; t = readTlv(der, pos, tbs.end); }
    pos = t.next; // inner signature algorithm
    const issuerT = readTlv(der, pos, tbs.end);
    const thisT = readTlv(der, issuerT.next, tbs.end);
    const model: CrlModel = {
      kind: 'crl', version, issuer: decodeName(der, issuerT), signatureAlgorithm: algorithmIdentifier(der, sigAlg),
      thisUpdate: timeValue(der, thisT), extensions: [], entryCount: 0, entries: [], bySerial: new Map(), der,
    };
    const entries: CrlEntry[] = [];
    const bySerial = new Map<string, CrlEntry>();
    pos = thisT.next;
    while (pos < tbs.end) {
      t = readTlv(der, pos, tbs.end);
      if (t.tag === TAG.UTC_TIME || t.tag === TAG.GENERALIZED_TIME) model.nextUpdate = timeValue(der, t);
      else if (t.tag === TAG.SEQUENCE) scanEntries(der, t, entries, bySerial);
      else if (t.tag === 0xa0) model.extensions = crlExtensions(der, readTlv(der, t.start, t.end), model);
      pos = t.next;
    }
    model.entries = entries;
    model.bySerial = bySerial;
    model.entryCount = entries.length;
    return model;
  });
}

function crlExtensions(der: Uint8Array, seq: Tlv, model: CrlModel): Extension[] {
  return readExtensions(der, seq).map((e) => {
    const out: Extension = { oid: e.oid, name: extensionName(e.oid), critical: e.critical, valueHex: toHex(e.value) };
    try {
      if (e.oid === OID.crlNumber) model.crlNumber = extensionInteger(e.value);
      else if (e.oid === OID.deltaCrlIndicator) model.deltaCrlIndicator = extensionInteger(e.value);
      else if (e.oid === OID.authorityKeyIdentifier) model.authorityKeyIdHex = decodeAuthorityKeyId(e.value).keyIdHex;
      else if (e.oid === OID.issuingDistributionPoint) model.issuingDistributionPoint = decodeIssuingDistributionPoint(e.value);
    } catch (err) {
      out.error = err instanceof Error ? err.message : String(err);
    }
    return out;
  });
}

/** Children helper kept for callers that need the raw signature parts of a CRL. */
export function crlParts(der: Uint8Array): { tbs: Tlv; sigAlg: Tlv; sigValue: Tlv } {
  const [tbs, sigAlg, sigValue] = children(der, readTlv(der, 0));
  return { tbs, sigAlg, sigValue };
}
