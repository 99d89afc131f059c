// Distinguished names and GeneralNames -> plain models. RFC 4514 strings follow what
// `openssl x509 -nameopt RFC2253,-esc_msb` prints, so users see the same text as with openssl.
import { OID } from '../oids';
import { children, isStringTag, oidString, raw, readTlv, stringValue, TAG, toHex, type Tlv } from '../der/reader';
import type { DistinguishedName, GeneralName, NameAttribute } from '../model';
import { attributeShortName } from '../oids';

const latin1 = new TextDecoder('latin1');

/** Value of a name attribute as openssl shows it: 1-byte string types as Latin-1, UTF8/BMP/Universal decoded. */
function attributeValue(buf: Uint8Array, t: Tlv): { text: string; isString: boolean } {
  if (!isStringTag(t.tag)) return { text: '#' + toHex(raw(buf, t)), isString: false };
  if (t.tag === TAG.UTF8 || t.tag === TAG.BMP || t.tag === TAG.UNIVERSAL) return { text: stringValue(buf, t), isString: true };
  return { text: latin1.decode(buf.subarray(t.start, t.end)), isString: true };
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

export function decodeName(buf: Uint8Array, name: Tlv): DistinguishedName {
  if (name.tag !== TAG.SEQUENCE) throw new Error(`Name: expected SEQUENCE, found 0x${name.tag.toString(16)}`);
  const attributes: NameAttribute[] = [];
  const rendered: Array<{ rdn: number; text: string }> = [];
  let rdnIndex = 0;
  for (const rdn of children(buf, name)) {
    if (rdn.tag !== TAG.SET) throw new Error('Name: RDN is not a SET');
    for (const atv of children(buf, rdn)) {
      const [typeTlv, valueTlv] = children(buf, atv);
      if (!typeTlv || !valueTlv) throw new Error('Name: incomplete attribute');
      const oid = oidString(buf, typeTlv);
      const shortName = attributeShortName(oid);
      const { text, isString } = attributeValue(buf, valueTlv);
      attributes.push({ oid, shortName, value: text });
      rendered.push({ rdn: rdnIndex, text: `${shortName}=${isString ? escapeValue(text) : text}` });
    }
    rdnIndex++;
  }
  // Most-specific first; attributes of one multi-valued RDN joined by '+'.
  let rfc4514 = '';
  for (let i = rendered.length - 1; i >= 0; i--) {
    if (i < rendered.length - 1) rfc4514 += rendered[i].rdn === rendered[i + 1].rdn ? '+' : ',';
    rfc4514 += rendered[i].text;
  }
  const cn = attributes.find((a) => a.oid === OID.commonName);
  return { rfc4514, attributes, commonName: cn?.value, derHex: toHex(raw(buf, name)) };
}

/** IPv6 in RFC 5952 form (lowercase, longest zero run compressed). */
function ipv6(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i] << 8) | b[i + 1]);
  let bestStart = -1; let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i; while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return hex.slice(0, bestStart).join(':') + '::' + hex.slice(bestStart + bestLen).join(':');
}

function prefixLength(mask: Uint8Array): number | undefined {
  let n = 0; let ended = false;
  for (const byte of mask) {
    for (let bit = 7; bit >= 0; bit--) {
      const set = (byte >> bit) & 1;
      if (set && ended) return undefined;
      if (set) n++; else ended = true;
    }
  }
  return n;
}

/** iPAddress contents: 4/16 bytes = address; 8/32 bytes = address + mask (name constraints) as CIDR. */
export function formatIp(b: Uint8Array): string {
  if (b.length === 4) return Array.from(b).join('.');
  if (b.length === 16) return ipv6(b);
  if (b.length === 8 || b.length === 32) {
    const half = b.length / 2;
    const addr = formatIp(b.subarray(0, half));
    const prefix = prefixLength(b.subarray(half));
    return prefix === undefined ? `${addr}/${formatIp(b.subarray(half))}` : `${addr}/${prefix}`;
  }
  return `#${toHex(b)}`;
}

const UPN = '1.3.6.1.4.1.311.20.2.3';

export function decodeGeneralName(buf: Uint8Array, t: Tlv): GeneralName {
  const text = (): string => new TextDecoder().decode(buf.subarray(t.start, t.end));
  switch (t.tag) {
    case 0x81: return { type: 'email', value: text() };
    case 0x82: return { type: 'dns', value: text() };
    case 0x86: return { type: 'uri', value: text() };
    case 0x87: return { type: 'ip', value: formatIp(buf.subarray(t.start, t.end)) };
    case 0x88: return { type: 'registeredId', value: oidString(buf, t) };
    case 0xa4: {
      const name = decodeName(buf, readTlv(buf, t.start, t.end));
      return { type: 'dirName', value: name.rfc4514, name };
    }
    case 0xa0: {
      // otherName: type-id OID + [0] EXPLICIT value. UPNs are shown as text, others as OID + hex.
      const [typeId, wrapped] = children(buf, t);
      const oid = oidString(buf, typeId);
      const inner = wrapped ? readTlv(buf, wrapped.start, wrapped.end) : undefined;
      if (oid === UPN && inner && isStringTag(inner.tag)) return { type: 'other', value: `UPN:${stringValue(buf, inner)}` };
      return { type: 'other', value: `${oid}:${inner ? toHex(raw(buf, inner)) : ''}` };
    }
    default:
      return { type: 'other', value: `[${t.tag & 0x1f}]#${toHex(buf, t.start, t.end)}` };
  }
}

export function decodeGeneralNames(buf: Uint8Array, seq: Tlv): GeneralName[] {
  return children(buf, seq).map((c) => decodeGeneralName(buf, c));
}

/** "DNS:example.com", "IP:10.0.0.1": one-line display of a GeneralName. */
export function formatGeneralName(n: GeneralName): string {
  const prefix = { dns: 'DNS', ip: 'IP', email: 'email', uri: 'URI', dirName: 'DirName', registeredId: 'RID', other: 'othername' }[n.type];
  return `${prefix}:${n.value}`;
}

/** "CN=broker", else the whole RFC 4514 name: how every view, hover and message names a DN. */
export function shortName(dn: DistinguishedName): string {
  if (dn.commonName) return `CN=${dn.commonName}`;
  return dn.rfc4514 || '(empty name)';
}
