// GeneralName (RFC 5280 §4.2.1.6), read once: structural values for path validation (raw IP bytes,
// parsed directory names) and the display model derived from them.
import { children, isStringTag, oidString, raw, readTlv, stringValue, toHex, type Tlv } from '../der/reader';
import type { GeneralName as GeneralNameModel } from '../model';
import { distinguishedName, parseName, type Name } from './name';

export type GeneralName =
  | { type: 'email' | 'dns' | 'uri' | 'registeredId'; value: string }
  | { type: 'dirName'; name: Name }
  | { type: 'ip'; bytes: Uint8Array }
  /** otherName: "UPN:alice@example.com", else "<type-id>:<hex of the value>". */
  | { type: 'otherName'; value: string }
  /** x400Address, ediPartyName or an unknown tag: "[n]#<hex of the contents>", as shown. */
  | { type: 'other'; value: string };

const UPN = '1.3.6.1.4.1.311.20.2.3';
const utf8 = new TextDecoder();

export function parseGeneralName(buf: Uint8Array, t: Tlv): GeneralName {
  switch (t.tag) {
    case 0x81: return { type: 'email', value: utf8.decode(buf.subarray(t.start, t.end)) };
    case 0x82: return { type: 'dns', value: utf8.decode(buf.subarray(t.start, t.end)) };
    case 0x86: return { type: 'uri', value: utf8.decode(buf.subarray(t.start, t.end)) };
    case 0x87: return { type: 'ip', bytes: buf.subarray(t.start, t.end) };
    case 0x88: return { type: 'registeredId', value: oidString(buf, t) };
    case 0xa4: return { type: 'dirName', name: parseName(buf, readTlv(buf, t.start, t.end)) };
    case 0xa0: {
      // otherName: type-id OID + [0] EXPLICIT value. UPNs are shown as text, others as OID + hex.
      const [typeId, wrapped] = children(buf, t);
      const oid = oidString(buf, typeId);
      const inner = wrapped ? readTlv(buf, wrapped.start, wrapped.end) : undefined;
      if (oid === UPN && inner && isStringTag(inner.tag)) return { type: 'otherName', value: `UPN:${stringValue(buf, inner)}` };
      return { type: 'otherName', value: `${oid}:${inner ? toHex(raw(buf, inner)) : ''}` };
    }
    default:
      return { type: 'other', value: `[${t.tag & 0x1f}]#${toHex(buf, t.start, t.end)}` };
  }
}

export function parseGeneralNames(buf: Uint8Array, seq: Tlv): GeneralName[] {
  return children(buf, seq).map((c) => parseGeneralName(buf, c));
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

/** The display model of a general name. */
export function generalNameModel(g: GeneralName): GeneralNameModel {
  switch (g.type) {
    case 'ip': return { type: 'ip', value: formatIp(g.bytes) };
    case 'dirName': {
      const name = distinguishedName(g.name);
      return { type: 'dirName', value: name.rfc4514, name };
    }
    case 'otherName': return { type: 'other', value: g.value };
    default: return { type: g.type, value: g.value };
  }
}

export function decodeGeneralName(buf: Uint8Array, t: Tlv): GeneralNameModel {
  return generalNameModel(parseGeneralName(buf, t));
}

/** "DNS:example.com", "IP:10.0.0.1": one-line display of a GeneralName. */
export function formatGeneralName(n: GeneralNameModel): string {
  const prefix = { dns: 'DNS', ip: 'IP', email: 'email', uri: 'URI', dirName: 'DirName', registeredId: 'RID', other: 'othername' }[n.type];
  return `${prefix}:${n.value}`;
}
