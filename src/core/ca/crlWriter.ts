// Writes X.509 v2 CRLs directly in DER and signs them with crypto.sign. pkijs needs ~25 s and
// 2 GB for 100,000 entries (DESIGN.md §3 pitfall 9); this builds each entry as a few small
// buffers and concatenates once.
import type { RevocationReason } from '../model';
import {
  bitString, enumerated, explicit, generalizedTime, implicitPrimitive, integer, octetString, oid, seq, time, tlv,
} from '../der/writer';
import type { Signer } from './keys';
import { REASON_CODES } from './indexDb';
import { truncate } from './certBuilder';

export interface CrlEntrySpec {
  serialHex: string;
  date: Date;
  reason?: RevocationReason;
  /** keyCompromise/cACompromise time (invalidityDate extension). */
  invalidityDate?: Date;
  holdInstruction?: string;
}

export interface CrlSpec {
  issuerDer: Uint8Array;
  signer: Signer;
  thisUpdate: Date;
  nextUpdate: Date;
  crlNumber: bigint;
  authorityKeyId?: Uint8Array;
  entries: Iterable<CrlEntrySpec>;
}

const reasonExtCache = new Map<RevocationReason, Buffer>();

function reasonExt(reason: RevocationReason): Buffer {
  let e = reasonExtCache.get(reason);
  if (!e) {
    e = seq(oid('2.5.29.21'), octetString(enumerated(REASON_CODES[reason])));
    reasonExtCache.set(reason, e);
  }
  return e;
}

function serialBytes(hex: string): Buffer {
  const h = hex.replace(/[:\s]/g, '');
  return Buffer.from(h.length % 2 ? '0' + h : h, 'hex');
}

export function encodeCrlEntry(e: CrlEntrySpec): Buffer {
  const exts: Buffer[] = [];
  // RFC 5280 5.3.1: "unspecified" should be expressed by leaving the reason out.
  if (e.reason && e.reason !== 'unspecified') exts.push(reasonExt(e.reason));
  if (e.reason === 'certificateHold' && e.holdInstruction) exts.push(seq(oid('2.5.29.23'), octetString(oid(e.holdInstruction))));
  if (e.invalidityDate) exts.push(seq(oid('2.5.29.24'), octetString(generalizedTime(truncate(e.invalidityDate)))));
  const parts = [integer(serialBytes(e.serialHex)), time(truncate(e.date))];
  if (exts.length) parts.push(seq(...exts));
  return seq(...parts);
}

/** Returns the signed CRL in DER. */
export function buildCrl(spec: CrlSpec): Buffer {
  const entries: Buffer[] = [];
  for (const e of spec.entries) entries.push(encodeCrlEntry(e));
  const crlExts: Buffer[] = [];
  if (spec.authorityKeyId) crlExts.push(seq(oid('2.5.29.35'), octetString(seq(implicitPrimitive(0, spec.authorityKeyId)))));
  crlExts.push(seq(oid('2.5.29.20'), octetString(integer(spec.crlNumber))));
  const tbsParts = [
    integer(1), // v2
    spec.signer.algorithmId,
    Buffer.from(spec.issuerDer),
    time(truncate(spec.thisUpdate)),
    time(truncate(spec.nextUpdate)),
  ];
  // An empty revokedCertificates must be absent, not an empty SEQUENCE (pitfall 6).
  if (entries.length) tbsParts.push(tlv(0x30, entries));
  tbsParts.push(explicit(0, seq(...crlExts)));
  const tbs = seq(...tbsParts);
  return seq(tbs, spec.signer.algorithmId, bitString(spec.signer.sign(tbs)));
}
