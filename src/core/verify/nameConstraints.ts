// RFC 5280 §4.2.1.10 / §6.1.3 (b)-(c) name constraints for directory names, DNS names, email
// addresses, URIs and IP addresses. Permitted subtrees are kept per issuing CA: a name must lie in
// one subtree of its type in every CA's permitted list that has that type (the intersection).
import { OID } from '../oids';
import { formatGeneralName, generalNameModel, type GeneralName } from '../x509/generalName';
import type { GeneralSubtree } from '../x509/extensions/nameConstraints';
import type { Name } from '../x509/name';
import type { ParsedCert } from './parse';

function generalNameToString(g: GeneralName): string {
  return formatGeneralName(generalNameModel(g));
}

const EMAIL_OID = OID.emailAddress;

export class NameConstraintState {
  private readonly permitted: GeneralSubtree[][] = [];
  private readonly excluded: GeneralSubtree[] = [];

  add(cert: ParsedCert): void {
    const nc = cert.nameConstraints;
    if (!nc) return;
    if (nc.permitted?.length) this.permitted.push(nc.permitted);
    if (nc.excluded?.length) this.excluded.push(...nc.excluded);
  }

  /** Returns a message for the first name outside the constraints. */
  check(cert: ParsedCert): string | undefined {
    const names: GeneralName[] = [];
    if (cert.subject.rdns.length) names.push({ type: 'dirName', name: cert.subject });
    if (cert.san) names.push(...cert.san);
    else {
      // No subjectAltName: email constraints apply to emailAddress attributes of the subject.
      for (const rdn of cert.subject.rdns) for (const a of rdn) if (a.oid === EMAIL_OID) names.push({ type: 'email', value: a.value });
    }
    for (const name of names) {
      for (const ex of this.excluded) {
        if (ex.base.type === name.type && matches(name, ex.base)) return `${generalNameToString(name)} is in an excluded subtree (${generalNameToString(ex.base)})`;
      }
      for (const list of this.permitted) {
        const sameType = list.filter((s) => s.base.type === name.type);
        if (sameType.length && !sameType.some((s) => matches(name, s.base))) {
          return `${generalNameToString(name)} is not within the permitted subtrees (${sameType.map((s) => generalNameToString(s.base)).join(', ')})`;
        }
      }
    }
    return undefined;
  }
}

function matches(name: GeneralName, base: GeneralName): boolean {
  if (name.type === 'dirName' && base.type === 'dirName') return dnWithin(name.name, base.name);
  if (name.type === 'dns' && base.type === 'dns') return dnsWithin(name.value, base.value);
  if (name.type === 'email' && base.type === 'email') return emailWithin(name.value, base.value);
  if (name.type === 'uri' && base.type === 'uri') return uriWithin(name.value, base.value);
  if (name.type === 'ip' && base.type === 'ip') return ipWithin(name.bytes, base.bytes);
  return false;
}

function dnWithin(name: Name, base: Name): boolean {
  if (base.rdnKeys.length > name.rdnKeys.length) return false;
  return base.rdnKeys.every((k, i) => name.rdnKeys[i] === k);
}

function dnsWithin(name: string, base: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  let b = base.toLowerCase().replace(/\.$/, '');
  if (b === '') return true;
  if (b.startsWith('.')) return n.endsWith(b);
  if (n === b) return true;
  b = '.' + b;
  return n.endsWith(b);
}

function emailWithin(name: string, base: string): boolean {
  const at = name.lastIndexOf('@');
  const host = (at >= 0 ? name.slice(at + 1) : name).toLowerCase();
  if (base.includes('@')) {
    const bat = base.lastIndexOf('@');
    return at >= 0 && name.slice(0, at) === base.slice(0, bat) && host === base.slice(bat + 1).toLowerCase();
  }
  const b = base.toLowerCase();
  if (b.startsWith('.')) return host.endsWith(b);
  return host === b;
}

function uriWithin(uri: string, base: string): boolean {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]+\]|[^:/?#]*)/i.exec(uri);
  if (!m || !m[1]) return false;
  const host = m[1].toLowerCase();
  const b = base.toLowerCase();
  if (b.startsWith('.')) return host.endsWith(b);
  return host === b;
}

function ipWithin(ip: Uint8Array, base: Uint8Array): boolean {
  if (base.length !== ip.length * 2) return false;
  for (let i = 0; i < ip.length; i++) {
    const mask = base[ip.length + i];
    if ((ip[i] & mask) !== (base[i] & mask)) return false;
  }
  return true;
}
