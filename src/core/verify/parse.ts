// Certificates and CRLs parsed into what RFC 5280 path validation needs (internal to verify/;
// results leave this folder as plain data in types.ts). Built on the shared DER reader.
import { OID } from '../oids';
import { createHash } from 'node:crypto';
import {
  bitStringBytes, booleanValue, children, expect, integerHex, integerValue, octets, oidString, raw, readTlv, TAG, timeValue, toHex,
  type Tlv,
} from '../der/reader';
import { parseGeneralName, parseGeneralNames, parseName, type GeneralName, type Name } from './names';

export interface AlgorithmId {
  oid: string;
  /** DER of the parameters, if any. */
  params?: Uint8Array;
}

export interface RawExtension {
  oid: string;
  critical: boolean;
  value: Uint8Array;
}

export interface GeneralSubtree {
  base: GeneralName;
}

export interface DistributionPoint {
  fullName?: GeneralName[];
  /** nameRelativeToCRLIssuer, as the RDN key (appended to the CRL issuer's name). */
  relativeName?: { rdnKey: string; der: Uint8Array };
  /** Reason bits 1..8 (ReasonFlags), undefined = all reasons. */
  reasons?: number;
  crlIssuer?: GeneralName[];
}

export interface PolicyInfo {
  oid: string;
  /** DER of the qualifiers (kept as-is, as RFC 5280 qualifier sets). */
  qualifiers?: string;
}

export interface ParsedCert {
  der: Uint8Array;
  tbs: Uint8Array;
  sigAlg: AlgorithmId;
  signature: Uint8Array;
  /** Lowercase hex, no leading zeros. */
  serial: string;
  issuer: Name;
  subject: Name;
  notBefore: Date;
  notAfter: Date;
  spki: Uint8Array;
  spkiAlg: AlgorithmId;
  extensions: RawExtension[];
  basicConstraints?: { ca: boolean; pathLen?: number };
  /** Bit i set = KeyUsage bit i (0 digitalSignature ... 5 keyCertSign, 6 cRLSign). */
  keyUsage?: number;
  extKeyUsage?: string[];
  san?: GeneralName[];
  nameConstraints?: { permitted?: GeneralSubtree[]; excluded?: GeneralSubtree[] };
  policies?: PolicyInfo[];
  policyMappings?: Array<{ issuer: string; subject: string }>;
  policyConstraints?: { requireExplicitPolicy?: number; inhibitPolicyMapping?: number };
  inhibitAnyPolicy?: number;
  authorityKeyId?: string;
  subjectKeyId?: string;
  crlDistributionPoints?: DistributionPoint[];
  freshestCrl?: DistributionPoint[];
  ocspUrls: string[];
  caIssuerUrls: string[];
  /** sha256 of the DER, hex: identity in pools. */
  fingerprint: string;
  selfIssued: boolean;
}

export interface ParsedCrlEntry {
  serial: string;
  date: Date;
  /** CRLReason code; undefined when absent. */
  reason?: number;
  /** Issuer of this entry (indirect CRLs: from certificateIssuer, carried forward). */
  issuerKey: string;
  /** An unknown critical entry extension makes the CRL unusable for this entry. */
  unknownCritical: boolean;
}

export interface ParsedCrl {
  der: Uint8Array;
  tbs: Uint8Array;
  sigAlg: AlgorithmId;
  signature: Uint8Array;
  issuer: Name;
  thisUpdate: Date;
  nextUpdate?: Date;
  crlNumber?: bigint;
  deltaBase?: bigint;
  authorityKeyId?: string;
  idp?: {
    fullName?: GeneralName[];
    relativeName?: { rdnKey: string; der: Uint8Array };
    onlyUser: boolean;
    onlyCA: boolean;
    onlyAttr: boolean;
    onlySomeReasons?: number;
    indirect: boolean;
    /** Raw DER, to compare the scope of a delta with its base. */
    derHex: string;
  };
  freshestCrl?: DistributionPoint[];
  /** Unknown critical CRL extension (the CRL must not be used). */
  unknownCritical?: string;
  /** Entries by serial; several when an indirect CRL lists the same serial for different issuers. */
  entries: Map<string, ParsedCrlEntry[]>;
  entryCount: number;
}

export class ParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParseError';
  }
}

function algId(buf: Uint8Array, t: Tlv): AlgorithmId {
  const parts = children(buf, t);
  const out: AlgorithmId = { oid: oidString(buf, parts[0]) };
  if (parts[1]) out.params = raw(buf, parts[1]);
  return out;
}

const KNOWN_CERT_EXTENSIONS = new Set<string>([
  OID.basicConstraints, OID.keyUsage, OID.extKeyUsage, OID.subjectAltName, OID.issuerAltName, OID.nameConstraints, OID.certificatePolicies, OID.policyMappings, OID.policyConstraints,
  OID.inhibitAnyPolicy, OID.authorityKeyIdentifier, OID.subjectKeyIdentifier, OID.crlDistributionPoints, OID.freshestCrl, OID.authorityInfoAccess, OID.subjectInfoAccess,
  OID.tlsFeature, OID.signedCertificateTimestampList, OID.ocspNoCheck, OID.subjectDirectoryAttributes,
]);

export function isKnownCertExtension(oid: string): boolean {
  return KNOWN_CERT_EXTENSIONS.has(oid);
}

function bitsToMask(bytes: Uint8Array): number {
  let m = 0;
  for (let i = 0; i < bytes.length * 8 && i < 31; i++) if (bytes[i >> 3] & (0x80 >> (i & 7))) m |= 1 << i;
  return m;
}

function parseDistributionPoints(buf: Uint8Array, t: Tlv): DistributionPoint[] {
  return children(buf, t).map((dpT) => {
    const dp: DistributionPoint = {};
    for (const f of children(buf, dpT)) {
      if (f.tag === 0xa0) {
        const name = readTlv(buf, f.start, f.end);
        if (name.tag === 0xa0) dp.fullName = parseGeneralNames(buf, name);
        else if (name.tag === 0xa1) dp.relativeName = rdnFromImplicitSet(buf, name);
      } else if (f.tag === 0x81) {
        dp.reasons = bitsToMask(bitStringBytes(buf, f));
      } else if (f.tag === 0xa2) {
        dp.crlIssuer = parseGeneralNames(buf, f);
      }
    }
    return dp;
  });
}

function rdnFromImplicitSet(buf: Uint8Array, t: Tlv): { rdnKey: string; der: Uint8Array } {
  // Re-tag [1] IMPLICIT SET as SET and wrap in a SEQUENCE to reuse parseName.
  const setDer = Buffer.concat([Buffer.from([0x31]), Buffer.from(buf.subarray(t.offset + 1, t.next))]);
  const lenBytes = encodeLen(setDer.length);
  const nameDer = Buffer.concat([Buffer.from([0x30]), lenBytes, setDer]);
  const n = parseName(nameDer, readTlv(nameDer, 0));
  return { rdnKey: n.rdnKeys[0] ?? '', der: setDer };
}

function encodeLen(n: number): Buffer {
  if (n < 128) return Buffer.from([n]);
  const b: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) b.unshift(v & 0xff);
  return Buffer.from([0x80 | b.length, ...b]);
}

function parseSubtrees(buf: Uint8Array, t: Tlv): GeneralSubtree[] {
  return children(buf, t).map((st) => {
    const [base] = children(buf, st);
    return { base: parseGeneralName(buf, base) };
  });
}

function applyCertExtension(c: ParsedCert, e: RawExtension): void {
  const v = e.value;
  const top = readTlv(v, 0);
  switch (e.oid) {
    case OID.basicConstraints: {
      const f = children(v, top);
      let i = 0;
      let ca = false;
      if (f[i] && f[i].tag === TAG.BOOLEAN) ca = booleanValue(v, f[i++]);
      const bc: { ca: boolean; pathLen?: number } = { ca };
      if (f[i] && f[i].tag === TAG.INTEGER) bc.pathLen = integerValue(v, f[i]);
      c.basicConstraints = bc;
      break;
    }
    case OID.keyUsage: c.keyUsage = bitsToMask(bitStringBytes(v, top)); break;
    case OID.extKeyUsage: c.extKeyUsage = children(v, top).map((o) => oidString(v, o)); break;
    case OID.subjectAltName: c.san = parseGeneralNames(v, top); break;
    case OID.nameConstraints: {
      const nc: ParsedCert['nameConstraints'] = {};
      for (const f of children(v, top)) {
        if (f.tag === 0xa0) nc.permitted = parseSubtrees(v, f);
        else if (f.tag === 0xa1) nc.excluded = parseSubtrees(v, f);
      }
      c.nameConstraints = nc;
      break;
    }
    case OID.certificatePolicies:
      c.policies = children(v, top).map((pi) => {
        const [o, q] = children(v, pi);
        return { oid: oidString(v, o), qualifiers: q ? toHex(v, q.offset, q.next) : undefined };
      });
      break;
    case OID.policyMappings:
      c.policyMappings = children(v, top).map((m) => {
        const [a, b] = children(v, m);
        return { issuer: oidString(v, a), subject: oidString(v, b) };
      });
      break;
    case OID.policyConstraints: {
      const pc: NonNullable<ParsedCert['policyConstraints']> = {};
      for (const f of children(v, top)) {
        if (f.tag === 0x80) pc.requireExplicitPolicy = integerValue(v, f);
        else if (f.tag === 0x81) pc.inhibitPolicyMapping = integerValue(v, f);
      }
      c.policyConstraints = pc;
      break;
    }
    case OID.inhibitAnyPolicy: c.inhibitAnyPolicy = integerValue(v, top); break;
    case OID.authorityKeyIdentifier:
      for (const f of children(v, top)) if (f.tag === 0x80) c.authorityKeyId = toHex(v, f.start, f.end);
      break;
    case OID.subjectKeyIdentifier: c.subjectKeyId = toHex(octets(v, top)); break;
    case OID.crlDistributionPoints: c.crlDistributionPoints = parseDistributionPoints(v, top); break;
    case OID.freshestCrl: c.freshestCrl = parseDistributionPoints(v, top); break;
    case OID.authorityInfoAccess:
      for (const ad of children(v, top)) {
        const [m, loc] = children(v, ad);
        if (loc.tag !== 0x86) continue;
        const url = Buffer.from(v.subarray(loc.start, loc.end)).toString('latin1');
        const method = oidString(v, m);
        if (method === OID.accessOcsp) c.ocspUrls.push(url);
        else if (method === OID.accessCaIssuers) c.caIssuerUrls.push(url);
      }
      break;
  }
}

export function parseCertificate(der: Uint8Array): ParsedCert {
  try {
    const top = expect(der, 0, der.length, TAG.SEQUENCE, 'Certificate');
    const [tbsT, sigAlgT, sigT] = children(der, top);
    const f = children(der, tbsT);
    let i = 0;
    if (f[0].tag === 0xa0) i++;
    const serial = integerHex(der, f[i++]);
    i++; // inner signature algorithm
    const issuer = parseName(der, f[i++]);
    const [nb, na] = children(der, f[i++]);
    const subject = parseName(der, f[i++]);
    const spkiT = f[i++];
    const [spkiAlgT] = children(der, spkiT);
    const c: ParsedCert = {
      der: der.subarray(top.offset, top.next),
      tbs: raw(der, tbsT),
      sigAlg: algId(der, sigAlgT),
      signature: bitStringBytes(der, sigT),
      serial, issuer, subject,
      notBefore: timeValue(der, nb), notAfter: timeValue(der, na),
      spki: raw(der, spkiT), spkiAlg: algId(der, spkiAlgT),
      extensions: [], ocspUrls: [], caIssuerUrls: [],
      fingerprint: createHash('sha256').update(der.subarray(top.offset, top.next)).digest('hex'),
      selfIssued: issuer.key === subject.key,
    };
    for (; i < f.length; i++) {
      if (f[i].tag !== 0xa3) continue;
      for (const e of children(der, readTlv(der, f[i].start, f[i].end))) {
        const p = children(der, e);
        const crit = p.length === 3 && booleanValue(der, p[1]);
        const ext = { oid: oidString(der, p[0]), critical: crit, value: octets(der, p[p.length - 1]) };
        c.extensions.push(ext);
        applyCertExtension(c, ext);
      }
    }
    return c;
  } catch (e) {
    throw new ParseError(`not a valid certificate: ${(e as Error).message}`);
  }
}


const KNOWN_CRL_EXTENSIONS = new Set<string>([OID.crlNumber, OID.deltaCrlIndicator, OID.issuingDistributionPoint, OID.authorityKeyIdentifier, OID.freshestCrl, OID.issuerAltName, OID.authorityInfoAccess, '2.5.29.60']);
const KNOWN_ENTRY_EXTENSIONS = new Set<string>([OID.reasonCode, OID.holdInstructionCode, OID.invalidityDate, OID.certificateIssuer]);

export function parseCrl(der: Uint8Array): ParsedCrl {
  try {
    const top = expect(der, 0, der.length, TAG.SEQUENCE, 'CertificateList');
    const [tbsT, sigAlgT, sigT] = children(der, top);
    const f = children(der, tbsT);
    let i = 0;
    if (f[0].tag === TAG.INTEGER) i++;
    i++; // signature
    const issuer = parseName(der, f[i++]);
    const thisUpdate = timeValue(der, f[i++]);
    const crl: ParsedCrl = {
      der: der.subarray(top.offset, top.next), tbs: raw(der, tbsT), sigAlg: algId(der, sigAlgT), signature: bitStringBytes(der, sigT),
      issuer, thisUpdate, entries: new Map(), entryCount: 0,
    };
    if (f[i] && (f[i].tag === TAG.UTC_TIME || f[i].tag === TAG.GENERALIZED_TIME)) crl.nextUpdate = timeValue(der, f[i++]);
    let revokedT: Tlv | undefined;
    if (f[i] && f[i].tag === TAG.SEQUENCE) revokedT = f[i++];
    if (f[i] && f[i].tag === 0xa0) {
      for (const e of children(der, readTlv(der, f[i].start, f[i].end))) {
        const p = children(der, e);
        const oid = oidString(der, p[0]);
        const crit = p.length === 3 && booleanValue(der, p[1]);
        const v = octets(der, p[p.length - 1]);
        const vt = readTlv(v, 0);
        if (oid === OID.crlNumber) crl.crlNumber = BigInt('0x' + (integerHex(v, vt) || '0'));
        else if (oid === OID.deltaCrlIndicator) crl.deltaBase = BigInt('0x' + (integerHex(v, vt) || '0'));
        else if (oid === OID.authorityKeyIdentifier) { for (const x of children(v, vt)) if (x.tag === 0x80) crl.authorityKeyId = toHex(v, x.start, x.end); }
        else if (oid === OID.freshestCrl) crl.freshestCrl = parseDistributionPoints(v, vt);
        else if (oid === OID.issuingDistributionPoint) {
          const idp: NonNullable<ParsedCrl['idp']> = { onlyUser: false, onlyCA: false, onlyAttr: false, indirect: false, derHex: toHex(v) };
          for (const x of children(v, vt)) {
            if (x.tag === 0xa0) {
              const n = readTlv(v, x.start, x.end);
              if (n.tag === 0xa0) idp.fullName = parseGeneralNames(v, n);
              else if (n.tag === 0xa1) idp.relativeName = rdnFromImplicitSet(v, n);
            } else if (x.tag === 0x81) idp.onlyUser = v[x.start] !== 0;
            else if (x.tag === 0x82) idp.onlyCA = v[x.start] !== 0;
            else if (x.tag === 0x83) idp.onlySomeReasons = bitsToMask(bitStringBytes(v, x));
            else if (x.tag === 0x84) idp.indirect = v[x.start] !== 0;
            else if (x.tag === 0x85) idp.onlyAttr = v[x.start] !== 0;
          }
          crl.idp = idp;
        } else if (crit && !KNOWN_CRL_EXTENSIONS.has(oid)) crl.unknownCritical = oid;
      }
    }
    if (revokedT) {
      let issuerKey = issuer.key;
      let pos = revokedT.start;
      while (pos < revokedT.end) {
        const entT = readTlv(der, pos, revokedT.end);
        pos = entT.next;
        const ef = children(der, entT);
        const entry: ParsedCrlEntry = { serial: integerHex(der, ef[0]), date: timeValue(der, ef[1]), issuerKey, unknownCritical: false };
        if (ef[2]) {
          for (const e of children(der, ef[2])) {
            const p = children(der, e);
            const oid = oidString(der, p[0]);
            const crit = p.length === 3 && booleanValue(der, p[1]);
            const v = octets(der, p[p.length - 1]);
            if (oid === OID.reasonCode) entry.reason = integerValue(v, readTlv(v, 0));
            else if (oid === OID.certificateIssuer) {
              const dn = parseGeneralNames(v, readTlv(v, 0)).find((g) => g.type === 'dirName');
              if (dn && dn.type === 'dirName') issuerKey = dn.name.key;
              entry.issuerKey = issuerKey;
            } else if (crit && !KNOWN_ENTRY_EXTENSIONS.has(oid)) entry.unknownCritical = true;
          }
        }
        const list = crl.entries.get(entry.serial);
        if (list) list.push(entry); else crl.entries.set(entry.serial, [entry]);
        crl.entryCount++;
      }
    }
    return crl;
  } catch (e) {
    throw new ParseError(`not a valid CRL: ${(e as Error).message}`);
  }
}

/** Finds DER blocks in PEM text (any of the given labels) or returns DER input as one block. */
export function derBlocks(input: Uint8Array | string, labels: string[]): Uint8Array[] {
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
  if (text.includes('-----BEGIN ')) {
    const out: Uint8Array[] = [];
    const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
    for (let m = re.exec(text); m; m = re.exec(text)) if (labels.includes(m[1])) out.push(Buffer.from(m[2].replace(/[^A-Za-z0-9+/=]/g, ''), 'base64'));
    return out;
  }
  return typeof input === 'string' ? [] : [input];
}
