// CRLs -> CrlModel by a direct DER scan: 100k+ entries in a fraction of a second, where pkijs
// refuses them or takes half a minute (DESIGN.md §3 item 9). Entries are indexed by normalized
// serial for O(1) revocation lookups.
import { children, integerHex, integerValue, readTlv, TAG, timeValue, toHex, type Tlv } from '../der/reader';
import type { CrlEntry, CrlModel, Extension, RevocationReason } from '../model';
import { extensionName, REASONS } from '../oids';
import { decoding, DecodeFailure } from './errors';
import {
  decodeAuthorityKeyId, decodeIssuingDistributionPoint, extensionEnumerated, extensionGeneralNames, extensionInteger, extensionTime, readExtensions,
} from './extensions';
import { decodeName } from './name';
import { algorithmIdentifier } from './signature';

export function reasonName(code: number): RevocationReason | undefined {
  return REASONS[code] as RevocationReason | undefined;
}

/** Entry extensions (reasonCode, invalidityDate, certificateIssuer): only present on few entries. */
function applyEntryExtensions(der: Uint8Array, ext: Tlv, entry: CrlEntry): void {
  for (const e of readExtensions(der, ext)) {
    if (e.oid === '2.5.29.21') entry.reason = reasonName(extensionEnumerated(e.value));
    else if (e.oid === '2.5.29.24') entry.invalidityDate = extensionTime(e.value);
    else if (e.oid === '2.5.29.29') entry.certificateIssuer = extensionGeneralNames(e.value);
  }
}

function scanEntries(der: Uint8Array, list: Tlv, entries: CrlEntry[], bySerial: Map<string, CrlEntry>): void {
  let pos = list.start;
  const end = list.end;
  while (pos < end) {
    const seq = readTlv(der, pos, end);
    if (seq.tag !== TAG.SEQUENCE) throw new DecodeFailure(`CRL entry at byte ${pos} is not a SEQUENCE`);
    const serial = readTlv(der, seq.start, seq.end);
    if (serial.tag !== TAG.INTEGER) throw new DecodeFailure(`CRL entry at byte ${pos}: expected serial INTEGER`);
    const date = readTlv(der, serial.next, seq.end);
    const entry: CrlEntry = { serialHex: integerHex(der, serial), revocationDate: timeValue(der, date) };
    if (date.next < seq.end) {
      const ext = readTlv(der, date.next, seq.end);
      if (ext.tag === TAG.SEQUENCE) applyEntryExtensions(der, ext, entry);
    }
    entries.push(entry);
    bySerial.set(entry.serialHex, entry);
    pos = seq.next;
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
      if (e.oid === '2.5.29.20') model.crlNumber = extensionInteger(e.value);
      else if (e.oid === '2.5.29.27') model.deltaCrlIndicator = extensionInteger(e.value);
      else if (e.oid === '2.5.29.35') model.authorityKeyIdHex = decodeAuthorityKeyId(e.value).keyIdHex;
      else if (e.oid === '2.5.29.28') model.issuingDistributionPoint = decodeIssuingDistributionPoint(e.value);
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
