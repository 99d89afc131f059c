// Distinguished names and general names as the validator needs them: raw DER plus a normalised
// form for RFC 5280 §7.1 comparison (case-insensitive, whitespace-collapsed for string values,
// PrintableString equal to UTF8String), which PKITS §4.3 exercises.
import { OID } from '../oids';
import { children, isStringTag, oidString, raw, readTlv, stringValue, toHex, type Tlv } from '../der/reader';

export interface Atv {
  oid: string;
  value: string;
  /** Normalised: string values lowercased with whitespace collapsed; other types as hex. */
  norm: string;
}

export interface Name {
  der: Uint8Array;
  rdns: Atv[][];
  /** One string per RDN (multi-valued RDNs sorted), comparable across encodings. */
  rdnKeys: string[];
  /** Whole-name comparison key. */
  key: string;
}

export type GeneralName =
  | { type: 'otherName'; value: string }
  | { type: 'email'; value: string }
  | { type: 'dns'; value: string }
  | { type: 'x400'; value: string }
  | { type: 'dirName'; name: Name }
  | { type: 'ediParty'; value: string }
  | { type: 'uri'; value: string }
  | { type: 'ip'; bytes: Uint8Array }
  | { type: 'registeredId'; value: string };

function normalizeString(s: string): string {
  return s.trim().replace(/\s+/g, ' ').toLowerCase();
}

export function parseName(buf: Uint8Array, t: Tlv): Name {
  const rdns: Atv[][] = [];
  for (const rdn of children(buf, t)) {
    const atvs: Atv[] = [];
    for (const atv of children(buf, rdn)) {
      const [ot, vt] = children(buf, atv);
      const value = isStringTag(vt.tag) ? stringValue(buf, vt) : toHex(buf, vt.offset, vt.next);
      const norm = isStringTag(vt.tag) ? normalizeString(value) : '#' + value;
      atvs.push({ oid: oidString(buf, ot), value, norm });
    }
    rdns.push(atvs);
  }
  const rdnKeys = rdns.map((r) => r.map((a) => `${a.oid}=${a.norm}`).sort().join('+'));
  return { der: raw(buf, t), rdns, rdnKeys, key: rdnKeys.join('/') };
}

export function parseNameDer(der: Uint8Array): Name {
  return parseName(der, readTlv(der, 0));
}

export function nameEquals(a: Name, b: Name): boolean {
  return a.key === b.key;
}

export const EMPTY_NAME_KEY = '';

const SHORT: Record<string, string> = {
  [OID.countryName]: 'C', [OID.stateOrProvinceName]: 'ST', [OID.localityName]: 'L', [OID.organizationName]: 'O', [OID.organizationalUnitName]: 'OU', [OID.commonName]: 'CN',
  [OID.serialNumber]: 'serialNumber', [OID.emailAddress]: 'emailAddress', [OID.domainComponent]: 'DC',
  [OID.userId]: 'UID', [OID.dnQualifier]: 'dnQualifier', [OID.title]: 'title', [OID.surname]: 'SN', [OID.givenName]: 'GN',
  [OID.initials]: 'initials', [OID.generationQualifier]: 'generationQualifier', [OID.pseudonym]: 'pseudonym',
};

/** RFC 4514 display form, most-specific first. */
export function nameToString(n: Name): string {
  if (!n.rdns.length) return '(empty name)';
  return [...n.rdns].reverse().map((r) => r.map((a) => `${SHORT[a.oid] ?? a.oid}=${a.value.replace(/([,+"\\<>;])/g, '\\$1')}`).join('+')).join(', ');
}

export function parseGeneralName(buf: Uint8Array, t: Tlv): GeneralName {
  const c = buf.subarray(t.start, t.end);
  const latin = (): string => Buffer.from(c).toString('latin1');
  switch (t.tag) {
    case 0xa0: return { type: 'otherName', value: toHex(buf, t.start, t.end) };
    case 0x81: return { type: 'email', value: latin() };
    case 0x82: return { type: 'dns', value: latin() };
    case 0xa3: return { type: 'x400', value: toHex(buf, t.start, t.end) };
    case 0xa4: return { type: 'dirName', name: parseName(buf, readTlv(buf, t.start, t.end)) };
    case 0xa5: return { type: 'ediParty', value: toHex(buf, t.start, t.end) };
    case 0x86: return { type: 'uri', value: latin() };
    case 0x87: return { type: 'ip', bytes: c };
    case 0x88: return { type: 'registeredId', value: oidString(buf, { ...t, tag: 0x06 }) };
    default: return { type: 'otherName', value: toHex(buf, t.offset, t.next) };
  }
}

export function parseGeneralNames(buf: Uint8Array, t: Tlv): GeneralName[] {
  return children(buf, t).map((c) => parseGeneralName(buf, c));
}

export function generalNameToString(g: GeneralName): string {
  switch (g.type) {
    case 'dirName': return `DirName:${nameToString(g.name)}`;
    case 'ip': return `IP:${ipToString(g.bytes)}`;
    case 'email': return `email:${g.value}`;
    case 'dns': return `DNS:${g.value}`;
    case 'uri': return `URI:${g.value}`;
    default: return `${g.type}:${g.value}`;
  }
}

export function ipToString(b: Uint8Array): string {
  if (b.length === 4) return Array.from(b).join('.');
  if (b.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((b[i] << 8) | b[i + 1]).toString(16));
    return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
  }
  if (b.length === 8 || b.length === 32) {
    const h = b.length / 2;
    return `${ipToString(b.subarray(0, h))}/${ipToString(b.subarray(h))}`;
  }
  return toHex(b);
}

/** Equality of two general names for distribution-point matching. */
export function generalNameEquals(a: GeneralName, b: GeneralName): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'dirName' && b.type === 'dirName') return nameEquals(a.name, b.name);
  if (a.type === 'ip' && b.type === 'ip') return Buffer.compare(Buffer.from(a.bytes), Buffer.from(b.bytes)) === 0;
  if (a.type === 'dns' || a.type === 'email') return (a as { value: string }).value.toLowerCase() === (b as { value: string }).value.toLowerCase();
  return (a as { value: string }).value === (b as { value: string }).value;
}
