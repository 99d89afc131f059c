// X.509v3 extensions -> CertificateExtensions. Each extension is decoded on its own: one broken
// extension yields an `error` on its entry instead of failing the whole certificate.
import { OID } from '../oids';
import {
  bitStringBytes, booleanValue, children, integerHex, integerValue, oidString, raw, readTlv, stringValue, TAG, timeValue, toHex, type Tlv,
} from '../der/reader';
import type { CertificateExtensions, Extension, GeneralName } from '../model';
import { ACCESS_METHODS, EXTENDED_KEY_USAGES, extensionName, KEY_USAGES, POLICY_QUALIFIERS } from '../oids';
import { seq, set } from '../der/writer';
import { decodeGeneralName, decodeGeneralNames, decodeName } from './name';

export interface RawExtension {
  oid: string;
  critical: boolean;
  /** extnValue OCTET STRING contents. */
  value: Uint8Array;
}

/** Splits an Extensions SEQUENCE into raw entries. */
export function readExtensions(buf: Uint8Array, seq: Tlv): RawExtension[] {
  return children(buf, seq).map((ext) => {
    const parts = children(buf, ext);
    const oid = oidString(buf, parts[0]);
    let i = 1;
    let critical = false;
    if (parts[i]?.tag === TAG.BOOLEAN) critical = booleanValue(buf, parts[i++]);
    const v = parts[i];
    if (!v || v.tag !== TAG.OCTET_STRING) throw new Error(`extension ${oid}: missing extnValue`);
    return { oid, critical, value: buf.subarray(v.start, v.end) };
  });
}

const REASON_FLAGS = ['unused', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded',
  'cessationOfOperation', 'certificateHold', 'privilegeWithdrawn', 'aACompromise'];

export function namedBits(bytes: Uint8Array, names: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < bytes.length * 8; i++) {
    if (bytes[i >> 3] & (0x80 >> (i & 7))) out.push(names[i] ?? `bit${i}`);
  }
  return out;
}

function top(v: Uint8Array): Tlv {
  const t = readTlv(v, 0);
  if (t.next !== v.length) throw new Error('trailing bytes after extension value');
  return t;
}

function ia5(b: Uint8Array, t: Tlv): string {
  return stringValue(b, t);
}

/** DistributionPointName [0] -> URLs and names. */
function distributionPointName(b: Uint8Array, t: Tlv): GeneralName[] {
  const inner = readTlv(b, t.start, t.end);
  if (inner.tag === 0xa0) return decodeGeneralNames(b, inner);
  if (inner.tag !== 0xa1) return [];
  // nameRelativeToCRLIssuer: one RDN appended to the CRL issuer's name (RFC 5280 §4.2.1.13). The
  // issuer is not known here, so the RDN is shown on its own, as `openssl x509 -text` prints it
  // ("Relative Name: CN = ..."); path validation (verify/crlCheck.ts) resolves it against the issuer.
  const asName = seq(set(...children(b, inner).map((atv) => raw(b, atv))));
  const rdn = decodeName(asName, readTlv(asName, 0));
  return [{ type: 'dirName', value: `relative to the CRL issuer: ${rdn.rfc4514}`, name: rdn }];
}

export function decodeCrlDistributionPoints(v: Uint8Array): NonNullable<CertificateExtensions['crlDistributionPoints']> {
  return children(v, top(v)).map((dp) => {
    const entry: { urls: string[]; names: GeneralName[]; reasons?: string[]; crlIssuer?: GeneralName[] } = { urls: [], names: [] };
    for (const part of children(v, dp)) {
      if (part.tag === 0xa0) entry.names = distributionPointName(v, part);
      else if (part.tag === 0x81) entry.reasons = namedBits(v.subarray(part.start + 1, part.end), REASON_FLAGS);
      else if (part.tag === 0xa2) entry.crlIssuer = decodeGeneralNames(v, part);
    }
    entry.urls = entry.names.filter((n) => n.type === 'uri').map((n) => n.value);
    return entry;
  });
}

export function decodeIssuingDistributionPoint(v: Uint8Array) {
  const out = { urls: [] as string[], names: [] as GeneralName[], onlyUser: false, onlyCA: false, onlyAttribute: false, indirect: false, onlySomeReasons: undefined as string[] | undefined };
  for (const part of children(v, top(v))) {
    const flag = (): boolean => part.end > part.start && v[part.start] !== 0;
    if (part.tag === 0xa0) out.names = distributionPointName(v, part);
    else if (part.tag === 0x81) out.onlyUser = flag();
    else if (part.tag === 0x82) out.onlyCA = flag();
    else if (part.tag === 0x83) out.onlySomeReasons = namedBits(v.subarray(part.start + 1, part.end), REASON_FLAGS);
    else if (part.tag === 0x84) out.indirect = flag();
    else if (part.tag === 0x85) out.onlyAttribute = flag();
  }
  out.urls = out.names.filter((n) => n.type === 'uri').map((n) => n.value);
  if (!out.onlySomeReasons) delete out.onlySomeReasons;
  return out;
}

export function decodeAuthorityKeyId(v: Uint8Array): NonNullable<CertificateExtensions['authorityKeyId']> {
  const out: NonNullable<CertificateExtensions['authorityKeyId']> = {};
  for (const part of children(v, top(v))) {
    if (part.tag === 0x80) out.keyIdHex = toHex(v, part.start, part.end);
    else if (part.tag === 0xa1) out.issuer = decodeGeneralNames(v, part);
    else if (part.tag === 0x82) out.serialHex = integerHex(v, part);
  }
  return out;
}

function subtrees(v: Uint8Array, t: Tlv): GeneralName[] {
  return children(v, t).map((st) => decodeGeneralName(v, readTlv(v, st.start, st.end)));
}

function decodePolicies(v: Uint8Array): NonNullable<CertificateExtensions['certificatePolicies']> {
  return children(v, top(v)).map((pi) => {
    const [idT, qualsT] = children(v, pi);
    const policy = { oid: oidString(v, idT), cps: [] as string[], userNotices: [] as string[] };
    if (qualsT) {
      for (const q of children(v, qualsT)) {
        const [qid, qval] = children(v, q);
        const qoid = oidString(v, qid);
        if (qoid === POLICY_QUALIFIERS.cps && qval) policy.cps.push(ia5(v, qval));
        else if (qoid === POLICY_QUALIFIERS.unotice && qval) {
          // UserNotice: optional noticeRef SEQUENCE, optional explicitText (a string).
          for (const part of children(v, qval)) {
            if (part.tag !== TAG.SEQUENCE) policy.userNotices.push(stringValue(v, part));
          }
        }
      }
    }
    return policy;
  });
}

/** Signed Certificate Timestamp list (RFC 6962 §3.3): a TLS-encoded list inside an OCTET STRING. */
function decodeSctList(v: Uint8Array): { count: number; logIdsHex: string[] } {
  const os = top(v);
  const b = v.subarray(os.start, os.end);
  if (b.length < 2) throw new Error('SCT list too short');
  const total = (b[0] << 8) | b[1];
  if (total + 2 > b.length) throw new Error('SCT list length exceeds the data');
  const logIdsHex: string[] = [];
  let p = 2;
  while (p < 2 + total) {
    if (p + 2 > b.length) throw new Error('truncated SCT');
    const len = (b[p] << 8) | b[p + 1];
    const sct = b.subarray(p + 2, p + 2 + len);
    if (sct.length !== len || len < 33) throw new Error('truncated SCT');
    logIdsHex.push(toHex(sct, 1, 33)); // version (1 byte), then the 32-byte log id
    p += 2 + len;
  }
  return { count: logIdsHex.length, logIdsHex };
}

/** Decodes the certificate (or CSR-requested) extensions. */
export function decodeExtensionsFromRaw(raws: RawExtension[]): CertificateExtensions {
  const out: CertificateExtensions = { all: [] };
  for (const e of raws) {
    const entry: Extension = { oid: e.oid, name: extensionName(e.oid), critical: e.critical, valueHex: toHex(e.value) };
    out.all.push(entry);
    const v = e.value;
    try {
      switch (e.oid) {
        case OID.basicConstraints: {
          let ca = false; let pathLen: number | undefined;
          for (const p of children(v, top(v))) {
            if (p.tag === TAG.BOOLEAN) ca = booleanValue(v, p);
            else if (p.tag === TAG.INTEGER) pathLen = integerValue(v, p);
          }
          out.basicConstraints = { ca, critical: e.critical, ...(pathLen !== undefined ? { pathLen } : {}) };
          break;
        }
        case OID.keyUsage:
          out.keyUsage = { usages: namedBits(bitStringBytes(v, top(v)), KEY_USAGES), critical: e.critical };
          break;
        case OID.extKeyUsage: {
          const oids = children(v, top(v)).map((t) => oidString(v, t));
          out.extKeyUsage = { oids, usages: oids.map((o) => EXTENDED_KEY_USAGES[o] ?? o), critical: e.critical };
          break;
        }
        case OID.subjectAltName:
          out.subjectAltName = { names: decodeGeneralNames(v, top(v)), critical: e.critical };
          break;
        case OID.issuerAltName:
          out.issuerAltName = { names: decodeGeneralNames(v, top(v)) };
          break;
        case OID.authorityKeyIdentifier:
          out.authorityKeyId = decodeAuthorityKeyId(v);
          break;
        case OID.subjectKeyIdentifier: {
          const t = top(v);
          out.subjectKeyIdHex = toHex(v, t.start, t.end);
          break;
        }
        case OID.authorityInfoAccess: {
          const aia = { ocsp: [] as string[], caIssuers: [] as string[] };
          for (const ad of children(v, top(v))) {
            const [m, loc] = children(v, ad);
            const method = oidString(v, m);
            const name = decodeGeneralName(v, loc);
            // Responders and issuer certificates are fetched from URIs only (openssl -ocsp_uri agrees).
            if (name.type !== 'uri') continue;
            if (method === ACCESS_METHODS.ocsp) aia.ocsp.push(name.value);
            else if (method === ACCESS_METHODS.caIssuers) aia.caIssuers.push(name.value);
          }
          out.authorityInfoAccess = aia;
          break;
        }
        case OID.crlDistributionPoints:
          out.crlDistributionPoints = decodeCrlDistributionPoints(v);
          break;
        case OID.certificatePolicies:
          out.certificatePolicies = decodePolicies(v);
          break;
        case OID.policyMappings:
          out.policyMappings = children(v, top(v)).map((m) => {
            const [a, b] = children(v, m);
            return { issuerDomainPolicy: oidString(v, a), subjectDomainPolicy: oidString(v, b) };
          });
          break;
        case OID.policyConstraints: {
          const pc: { requireExplicitPolicy?: number; inhibitPolicyMapping?: number } = {};
          for (const p of children(v, top(v))) {
            if (p.tag === 0x80) pc.requireExplicitPolicy = integerValue(v, p);
            else if (p.tag === 0x81) pc.inhibitPolicyMapping = integerValue(v, p);
          }
          out.policyConstraints = pc;
          break;
        }
        case OID.inhibitAnyPolicy:
          out.inhibitAnyPolicy = integerValue(v, top(v));
          break;
        case OID.nameConstraints: {
          const nc = { permitted: [] as GeneralName[], excluded: [] as GeneralName[], critical: e.critical };
          for (const p of children(v, top(v))) {
            if (p.tag === 0xa0) nc.permitted = subtrees(v, p);
            else if (p.tag === 0xa1) nc.excluded = subtrees(v, p);
          }
          out.nameConstraints = nc;
          break;
        }
        case OID.tlsFeature: {
          const features = children(v, top(v)).map((t) => integerValue(v, t));
          out.tlsFeature = { features, mustStaple: features.includes(5) };
          break;
        }
        case OID.signedCertificateTimestampList:
          out.sct = decodeSctList(v);
          break;
        default:
          break;
      }
    } catch (err) {
      entry.error = err instanceof Error ? err.message : String(err);
    }
  }
  return out;
}

/** Reads a time inside an extension (invalidityDate). */
export function extensionTime(v: Uint8Array): Date {
  return timeValue(v, top(v));
}

export function extensionInteger(v: Uint8Array): string {
  return integerHex(v, top(v));
}

export function extensionEnumerated(v: Uint8Array): number {
  return integerValue(v, top(v));
}

export function extensionGeneralNames(v: Uint8Array): GeneralName[] {
  return decodeGeneralNames(v, top(v));
}

export function extensionOctets(v: Uint8Array): Uint8Array {
  const t = top(v);
  return t.tag === TAG.OCTET_STRING ? v.subarray(t.start, t.end) : v;
}
