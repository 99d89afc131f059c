// Distinguished names, read once for every use: the display form (RFC 4514 text as
// `openssl x509 -nameopt RFC2253,-esc_msb` prints it, attributes) and the comparison form path
// validation needs (RFC 5280 §7.1: case-insensitive, whitespace-collapsed string values,
// PrintableString equal to UTF8String, which PKITS §4.3 exercises).
import { OID } from '../oids';
import { children, isStringTag, oidString, raw, stringValue, TAG, toHex, type Tlv } from '../der/reader';
import type { DistinguishedName, NameAttribute } from '../model';
import { attributeShortName } from '../oids';

export interface Atv {
  oid: string;
  /** Display text: strings decoded as openssl shows them; other types as "#" + hex of the DER. */
  value: string;
  isString: boolean;
}

/** Comparison form: string values lowercased with whitespace collapsed; other types as they are ("#" + hex). */
function normalized(a: Atv): string {
  return `${a.oid}=${a.isString ? a.value.trim().replace(/\s+/g, ' ').toLowerCase() : a.value}`;
}

/** A parsed Name. The comparison keys are computed on first use: the display never needs them. */
export class Name {
  private keys?: string[];
  private whole?: string;

  constructor(readonly der: Uint8Array, readonly rdns: Atv[][]) {}

  /** One string per RDN (multi-valued RDNs sorted), comparable across encodings. */
  get rdnKeys(): string[] {
    this.keys ??= this.rdns.map((rdn) => (rdn.length === 1 ? normalized(rdn[0]) : rdn.map(normalized).sort().join('+')));
    return this.keys;
  }

  /** Whole-name comparison key. */
  get key(): string {
    this.whole ??= this.rdnKeys.join('/');
    return this.whole;
  }
}

const latin1 = new TextDecoder('latin1');

/** 1-byte string types as Latin-1 (openssl prints their bytes as they are), UTF8/BMP/Universal decoded. */
function atv(buf: Uint8Array, typeT: Tlv, valueT: Tlv): Atv {
  const oid = oidString(buf, typeT);
  if (!isStringTag(valueT.tag)) return { oid, value: '#' + toHex(raw(buf, valueT)), isString: false };
  const value = valueT.tag === TAG.UTF8 || valueT.tag === TAG.BMP || valueT.tag === TAG.UNIVERSAL
    ? stringValue(buf, valueT) : latin1.decode(buf.subarray(valueT.start, valueT.end));
  return { oid, value, isString: true };
}

export function parseName(buf: Uint8Array, t: Tlv): Name {
  if (t.tag !== TAG.SEQUENCE) throw new Error(`Name: expected SEQUENCE, found 0x${t.tag.toString(16)}`);
  const rdns: Atv[][] = [];
  for (const rdnT of children(buf, t)) {
    if (rdnT.tag !== TAG.SET) throw new Error('Name: RDN is not a SET');
    const rdn: Atv[] = [];
    for (const atvT of children(buf, rdnT)) {
      const [typeT, valueT] = children(buf, atvT);
      if (!typeT || !valueT) throw new Error('Name: incomplete attribute');
      rdn.push(atv(buf, typeT, valueT));
    }
    rdns.push(rdn);
  }
  return new Name(raw(buf, t), rdns);
}

/** RFC 4514 escaping as openssl does it (esc_2253 + esc_ctrl). */
function escapeValue(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    const code = v.charCodeAt(i);
    if (',+"\\<>;'.includes(c) || (i === 0 && (c === '#' || c === ' ')) || (i === v.length - 1 && c === ' ')) out += '\\' + c;
    else if (code < 0x20 || code === 0x7f) out += '\\' + code.toString(16).toUpperCase().padStart(2, '0');
    else out += c;
  }
  return out;
}

/**
 * "CN=leaf, O=Example": how path validation names a certificate in its verdicts and messages (most
 * specific first; only the RFC 4514 specials escaped, control characters are left to the terminal).
 */
export function nameToString(n: Name): string {
  const rdns: string[] = [];
  for (let i = n.rdns.length - 1; i >= 0; i--) {
    rdns.push(n.rdns[i].map((a) => `${attributeShortName(a.oid)}=${a.isString ? a.value.replace(/([,+"\\<>;])/g, '\\$1') : a.value}`).join('+'));
  }
  return rdns.join(', ') || '(empty name)';
}

/** The display model of a name (tree, hover, Inspect, CLI): one pass, short names looked up once. */
export function distinguishedName(n: Name): DistinguishedName {
  const attributes: NameAttribute[] = [];
  const rdnTexts: string[] = [];
  let commonName: string | undefined;
  for (const rdn of n.rdns) {
    let text = '';
    for (const a of rdn) {
      const shortName = attributeShortName(a.oid);
      attributes.push({ oid: a.oid, shortName, value: a.value });
      if (commonName === undefined && a.oid === OID.commonName) commonName = a.value;
      text += `${text ? '+' : ''}${shortName}=${a.isString ? escapeValue(a.value) : a.value}`;
    }
    rdnTexts.push(text);
  }
  return { rfc4514: rdnTexts.reverse().join(','), attributes, commonName, derHex: toHex(n.der) };
}

export function decodeName(buf: Uint8Array, t: Tlv): DistinguishedName {
  return distinguishedName(parseName(buf, t));
}

/** "CN=broker", else the whole RFC 4514 name: how every view, hover and message names a DN. */
export function shortName(dn: DistinguishedName): string {
  if (dn.commonName) return `CN=${dn.commonName}`;
  return dn.rfc4514 || '(empty name)';
}
