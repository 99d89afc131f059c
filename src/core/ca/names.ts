// Distinguished names for the CA: parse what users type ("/C=DE/O=Acme/CN=x" as openssl -subj, or
// "CN=x, O=Acme, C=DE" as RFC 4514), encode to DER with one attribute per RDN (DESIGN.md §3
// pitfall 2), and print openssl's "/C=../CN=.." form for index.txt.
import { OID } from '../oids';
import { oid, printableString, seq, set, utf8String, ia5String } from '../der/writer';
import { children, readTlv, oidString, stringValue, type Tlv } from '../der/reader';

export interface NameAttr {
  type: string;
  value: string;
}

const SHORT_TO_OID: Record<string, string> = {
  C: OID.countryName, ST: OID.stateOrProvinceName, L: OID.localityName, O: OID.organizationName, OU: OID.organizationalUnitName, CN: OID.commonName,
  SERIALNUMBER: OID.serialNumber, STREET: OID.streetAddress, TITLE: OID.title, GN: OID.givenName, SN: OID.surname,
  EMAILADDRESS: OID.emailAddress, EMAIL: OID.emailAddress, DC: OID.domainComponent,
  UID: OID.userId,
};

const OID_TO_SHORT: Record<string, string> = {
  [OID.countryName]: 'C', [OID.stateOrProvinceName]: 'ST', [OID.localityName]: 'L', [OID.organizationName]: 'O', [OID.organizationalUnitName]: 'OU', [OID.commonName]: 'CN',
  [OID.serialNumber]: 'serialNumber', [OID.streetAddress]: 'street', [OID.title]: 'title', [OID.givenName]: 'GN', [OID.surname]: 'SN',
  [OID.emailAddress]: 'emailAddress', [OID.domainComponent]: 'DC', [OID.userId]: 'UID',
};

class NameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NameError';
  }
}

/**
 * Parses "/C=DE/O=Acme/CN=x" (openssl, root-most first) or "CN=x,O=Acme,C=DE" (RFC 4514,
 * most-specific first). Returns attributes root-most first, the encoding order.
 */
export function parseDn(text: string): NameAttr[] {
  const t = text.trim();
  if (!t) throw new NameError('empty distinguished name');
  const slashForm = t.startsWith('/');
  const parts = slashForm ? splitEscaped(t.slice(1), '/') : splitEscaped(t, ',');
  const attrs = parts.map((p) => p.trim()).filter(Boolean).map((p) => {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new NameError(`"${p}" is not TYPE=value`);
    const type = p.slice(0, eq).trim();
    const value = p.slice(eq + 1).trim();
    if (!SHORT_TO_OID[type.toUpperCase()] && !/^\d+(\.\d+)+$/.test(type)) throw new NameError(`unknown attribute type "${type}"`);
    if (type.toUpperCase() === 'C' && !/^[A-Za-z]{2}$/.test(value)) throw new NameError(`country must be two letters, got "${value}"`);
    return { type, value };
  });
  return slashForm ? attrs : attrs.reverse();
}

function splitEscaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) { cur += s[++i]; continue; }
    if (s[i] === sep) { out.push(cur); cur = ''; continue; }
    cur += s[i];
  }
  out.push(cur);
  return out;
}

function attrOid(type: string): string {
  return SHORT_TO_OID[type.toUpperCase()] ?? type;
}

/** DER Name: SEQUENCE OF RDN, one AttributeTypeAndValue per RDN. */
export function encodeDn(attrs: NameAttr[]): Buffer {
  return seq(...attrs.map((a) => {
    const o = attrOid(a.type);
    const value = o === OID.countryName || o === OID.serialNumber ? printableString(a.value)
      : o === OID.emailAddress || o === OID.domainComponent ? ia5String(a.value)
        : utf8String(a.value);
    return set(seq(oid(o), value));
  }));
}

/** openssl's X509_NAME_oneline form, e.g. /C=DE/O=Acme/CN=x, from a DER Name. */
export function dnToOpensslOneline(nameDer: Uint8Array): string {
  const top = readTlv(nameDer, 0);
  let s = '';
  for (const rdn of children(nameDer, top)) {
    for (const atv of children(nameDer, rdn)) {
      const [t, v] = children(nameDer, atv) as [Tlv, Tlv];
      const o = oidString(nameDer, t);
      s += `/${OID_TO_SHORT[o] ?? o}=${escapeOneline(stringValue(nameDer, v))}`;
    }
  }
  return s;
}

function escapeOneline(v: string): string {
  // X509_NAME_oneline prints non-printable and non-ASCII bytes as \xHH.
  return Array.from(Buffer.from(v, 'utf8')).map((b) => (b < 0x20 || b > 0x7e ? `\\x${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b))).join('');
}
