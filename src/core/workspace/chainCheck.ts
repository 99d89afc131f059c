// "Verify chain" for one certificate against what the workspace holds: walks issuers found by
// name and key id up to a root, checks each signature with Node's X509Certificate (OpenSSL) and
// reports expiry and workspace-CRL revocation per link. Full RFC 5280 validation with the same
// revocation answers is src/core/revocation/verify.ts; this is the fallback when it cannot run.
import { X509Certificate } from 'node:crypto';
import type { CertificateModel } from '../model';
import type { WorkspaceAnalysis } from './analysis';
import { isSelfIssued, issues } from './chains';

interface ChainLink {
  name: string;
  status: string;
  /** Signature checked with the next link's key (or its own key for a root). */
  signatureOk: boolean | undefined;
}

export interface ChainCheck {
  ok: boolean;
  links: ChainLink[];
  /** Human-readable problems, empty when ok. */
  problems: string[];
  /** One line for a notification. */
  summary: string;
}

const MAX_DEPTH = 10;

export function checkChainInWorkspace(cert: CertificateModel, a: WorkspaceAnalysis): ChainCheck {
  const links: ChainLink[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  let cur: CertificateModel | undefined = cert;
  while (cur && links.length < MAX_DEPTH && !seen.has(cur.fingerprints.sha256)) {
    seen.add(cur.fingerprints.sha256);
    const s = a.status(cur);
    const name = label(cur);
    if (s.state === 'expired' || s.state === 'revoked' || s.state === 'notYetValid') problems.push(`${name}: ${s.text}`);
    if (isSelfIssued(cur)) {
      const ok = verify(cur, cur);
      if (!ok) problems.push(`${name}: self-signature does not verify`);
      links.push({ name, status: s.text, signatureOk: ok });
      break;
    }
    const subject: CertificateModel = cur;
    const issuer = a.forest.nodes.get(a.forest.nodes.get(subject.fingerprints.sha256)?.parent ?? '')?.cert
      ?? a.certs.map((c) => c.cert).find((c) => issues(c, subject));
    const ok = issuer ? verify(subject, issuer) : undefined;
    links.push({ name, status: s.text, signatureOk: ok });
    if (!issuer) problems.push(`issuer ${subject.issuer.rfc4514} of ${name} is not in the workspace`);
    else if (!ok) problems.push(`${name}: signature does not verify with the key of ${label(issuer)}`);
    else if (!issuer.isCA) problems.push(`${label(issuer)} is not a CA (basicConstraints)`);
    cur = issuer;
  }
  const path = links.map((l) => l.name).join(' → ');
  const ok = problems.length === 0;
  return { ok, links, problems, summary: ok ? `Chain OK: ${path}` : `Chain problems: ${problems.join('; ')} (${path})` };
}

function verify(cert: CertificateModel, issuer: CertificateModel): boolean {
  try {
    return new X509Certificate(Buffer.from(cert.der)).verify(new X509Certificate(Buffer.from(issuer.der)).publicKey);
  } catch {
    return false;
  }
}

function label(c: CertificateModel): string {
  return c.subject.commonName ? `CN=${c.subject.commonName}` : c.subject.rfc4514;
}
