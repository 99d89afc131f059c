// Server identity check (RFC 6125 / RFC 9525): DNS names against SAN dNSName with a wildcard only
// as the whole left-most label; IP addresses against SAN iPAddress. No CN fallback (browsers and
// Node dropped it).
import { isIP } from 'node:net';
import type { ParsedCert } from './parse';
import { formatIp } from '../x509/generalName';

export function checkHostname(cert: ParsedCert, host: string): { matched: boolean; detail: string } {
  const h = host.trim().replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  const san = cert.san ?? [];
  if (isIP(h)) {
    const ips = san.filter((g) => g.type === 'ip').map((g) => (g.type === 'ip' ? formatIp(g.bytes) : ''));
    const want = canonicalIp(h);
    const ok = ips.some((ip) => canonicalIp(ip) === want);
    return ok
      ? { matched: true, detail: `IP ${host} is in subjectAltName` }
      : { matched: false, detail: ips.length ? `IP ${host} is not in subjectAltName (IPs: ${ips.join(', ')})` : `the certificate has no IP address in subjectAltName; ${host} cannot match` };
  }
  const dns = san.filter((g) => g.type === 'dns').map((g) => (g.type === 'dns' ? g.value.toLowerCase() : ''));
  const hit = dns.find((d) => dnsMatches(h, d));
  if (hit) return { matched: true, detail: `${host} matches subjectAltName DNS:${hit}` };
  if (!dns.length) return { matched: false, detail: `the certificate has no DNS names in subjectAltName (the CN is not used for host names); ${host} cannot match` };
  return { matched: false, detail: `${host} does not match subjectAltName (${dns.map((d) => 'DNS:' + d).join(', ')})` };
}

export function dnsMatches(host: string, pattern: string): boolean {
  const p = pattern.replace(/\.$/, '');
  if (!p.startsWith('*.')) return host === p;
  // "*.example.com" matches exactly one extra label, never the bare domain or a deeper name.
  const rest = p.slice(1);
  if (!host.endsWith(rest)) return false;
  const label = host.slice(0, host.length - rest.length);
  return label.length > 0 && !label.includes('.') && rest.split('.').length >= 3;
}

function canonicalIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  // Expand IPv6 for comparison.
  const [head, tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = ip.includes('::') ? (tail ? tail.split(':') : []) : [];
  const fill = ip.includes('::') ? 8 - h.length - t.length : 0;
  return [...h, ...Array(fill).fill('0'), ...t].map((g) => parseInt(g || '0', 16).toString(16)).join(':');
}
