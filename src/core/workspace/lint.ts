// Lint rules over one file in the context of the whole workspace. Pure: models in, findings out.
// The extension turns findings into diagnostics and quick fixes; the CLI could print them.
import { shortName } from '../x509/name';
import { OID } from '../oids';
import { basename, dirname, extname, join } from 'node:path';
import type { CertificateModel, PublicKeyInfo, SourceRange } from '../model';
import { SIGNATURE_HASH } from '../oids';
import type { WorkspaceAnalysis } from './analysis';
import { expectedBundleOrder } from './bundle';
import { issues } from './chains';
import { formatDay } from '../dates';
import { serialKey } from '../serial';
import { revokedText } from '../revocation/certStatus';
import { describeEvidence } from '../revocation/evidence';
import { isStale } from '../revocation/status';
import type { IndexedFile } from './types';

type FindingCode =
  | 'file-error' | 'decode-error' | 'expired' | 'not-yet-valid' | 'expiring-soon' | 'revoked' | 'issuer-revoked'
  | 'bundle-order' | 'duplicate' | 'root-in-chain' | 'key-mismatch' | 'weak-key'
  | 'weak-signature' | 'server-no-san' | 'crl-stale' | 'truncated';

/** Findings reported per file; a hostile bundle of thousands of blocks gets a count for the rest. */
export const MAX_FINDINGS_PER_FILE = 100;

type Severity = 'error' | 'warning' | 'information';

type Fix =
  | { kind: 'reorderBundle'; order: number[] }
  | { kind: 'removeBlock'; item: number };

export interface Finding {
  code: FindingCode;
  severity: Severity;
  message: string;
  /** Index of the item in the file (-1 for the whole file). */
  item: number;
  range: { startLine: number; endLine: number };
  fix?: Fix;
}

const SERVER_AUTH = OID.serverAuth;
const WEAK_HASHES = new Set(['md2', 'md5', 'sha1']);
const CERT_EXTS = ['.crt', '.pem', '.cer', '.cert'];

export function lintFile(file: IndexedFile, a: WorkspaceAnalysis): Finding[] {
  if (file.error) return [{ code: 'file-error', severity: 'error', message: file.error, item: -1, range: { startLine: 0, endLine: 1 } }];
  const out: Finding[] = [];
  const certs: Array<{ item: number; cert: CertificateModel; range: SourceRange }> = [];
  file.items.forEach((it, item) => {
    const r = it.result;
    const range = { startLine: it.range.startLine, endLine: it.range.endLine };
    const add = (code: FindingCode, severity: Severity, message: string, fix?: Fix): void => {
      out.push({ code, severity, message, item, range, ...(fix ? { fix } : {}) });
    };
    if (r.kind === 'error') add('decode-error', 'error', `Malformed ${it.label} block: ${r.message}`);
    if (r.kind === 'certificate') {
      certs.push({ item, cert: r, range: it.range });
      lintCertificate(r, file.key, a, add);
    }
    if (r.kind === 'pkcs7' || r.kind === 'pkcs12') for (const c of r.certificates) lintCertificate(c, file.key, a, add);
    if (r.kind === 'crl' && isStale(r.nextUpdate, a.options.now)) {
      add('crl-stale', 'error', `CRL from ${shortName(r.issuer)} is past its nextUpdate (${formatDay(r.nextUpdate!)}): TLS servers that load it reject every client certificate of this CA.`);
    }
    if (r.kind === 'csr') weakKey(r.publicKey, 'CSR', add);
    if (r.kind === 'privateKey' && r.publicKey) weakKey(r.publicKey, 'Private key', add);
  });
  lintBundle(file, certs, out);
  lintKeys(file, a, certs, out);
  if (out.length <= MAX_FINDINGS_PER_FILE) return out;
  const rank = { error: 0, warning: 1, information: 2 } as const;
  const kept = out.map((f, i) => ({ f, i })).sort((x, y) => rank[x.f.severity] - rank[y.f.severity] || x.i - y.i)
    .slice(0, MAX_FINDINGS_PER_FILE).sort((x, y) => x.i - y.i).map((x) => x.f);
  kept.push({
    code: 'truncated', severity: 'information', item: -1, range: { startLine: 0, endLine: 1 },
    message: `${out.length - MAX_FINDINGS_PER_FILE} more findings in this file are not listed (Certscope reports at most ${MAX_FINDINGS_PER_FILE} per file).`,
  });
  return kept;
}

type Add = (code: FindingCode, severity: Severity, message: string, fix?: Fix) => void;

function lintCertificate(cert: CertificateModel, fileKey: string, a: WorkspaceAnalysis, add: Add): void {
  const who = `Certificate ${shortName(cert.subject)}`;
  const s = a.status(cert);
  // A CA's own archive copy of a certificate it revoked (openssl's new_certs_dir, certs/<serial>.pem)
  // is the CA's record, not a problem in the user's files.
  const archive = isCaArchiveCopy(fileKey, cert);
  if (s.state === 'revoked') {
    add('revoked', archive ? 'information' : 'error', `${who} is ${s.text} per ${describeEvidence(s.revocation.source!, basename)}${archive ? ' (the CA\'s archive copy)' : ''}.`);
  } else if (s.revokedIssuer && !archive) {
    add('issuer-revoked', 'error', `${who} was issued by ${shortName(s.revokedIssuer.cert.subject)}, which is ${revokedText(s.revokedIssuer.answer)} per ${describeEvidence(s.revokedIssuer.answer.source!, basename)}: clients reject its chain.`);
  }
  // Revocation wins the status state; validity is checked on its own so both are reported.
  const now = a.options.now.getTime();
  if (now > cert.notAfter.getTime()) add('expired', 'error', `${who} expired on ${formatDay(cert.notAfter)}.`);
  else if (now < cert.notBefore.getTime()) add('not-yet-valid', 'warning', `${who} is not valid until ${formatDay(cert.notBefore)}.`);
  else if (s.daysLeft < a.options.expiringDays) add('expiring-soon', 'warning', `${who} expires in ${s.daysLeft} days (${formatDay(cert.notAfter)}).`);
  weakKey(cert.publicKey, who, add);
  const hash = SIGNATURE_HASH[cert.signatureAlgorithm.oid];
  if (!cert.selfSigned && hash && WEAK_HASHES.has(hash)) {
    add('weak-signature', 'warning', `${who} is signed with ${cert.signatureAlgorithm.name}: ${hash.toUpperCase()} signatures are rejected by current TLS libraries.`);
  }
  const serverAuth = cert.extensions.extKeyUsage?.oids.includes(SERVER_AUTH) ?? false;
  const sans = cert.extensions.subjectAltName?.names.length ?? 0;
  if (!cert.isCA && serverAuth && sans === 0) {
    add('server-no-san', 'warning', `${who} is a server certificate without subjectAltName: clients ignore the CN and fail hostname verification.`);
  }
}

/** openssl ca and Certscope keep every issued certificate as <SERIAL>.pem in the CA folder. */
function isCaArchiveCopy(fileKey: string, cert: CertificateModel): boolean {
  const stem = basename(fileKey, extname(fileKey));
  return /^[0-9A-Fa-f]{2,}$/.test(stem) && serialKey(stem) === serialKey(cert.serialHex);
}

function weakKey(key: PublicKeyInfo, who: string, add: Add): void {
  if ((key.algorithm === 'RSA' || key.algorithm === 'RSA-PSS' || key.algorithm === 'DSA') && key.bits !== undefined && key.bits < 2048) {
    add('weak-key', 'warning', `${who} has a ${key.bits}-bit ${key.algorithm} key: use at least 2048 bits.`);
  }
}

function lintBundle(file: IndexedFile, certs: Array<{ item: number; cert: CertificateModel; range: SourceRange }>, out: Finding[]): void {
  if (certs.length < 2) return;
  const all = { startLine: certs[0].range.startLine, endLine: certs[certs.length - 1].range.endLine };
  // Duplicates first: the order check only looks at distinct certificates.
  const firstSeen = new Map<string, number>();
  const distinct: typeof certs = [];
  certs.forEach((c, n) => {
    const prev = firstSeen.get(c.cert.fingerprints.sha256);
    if (prev === undefined) { firstSeen.set(c.cert.fingerprints.sha256, n); distinct.push(c); return; }
    out.push({
      code: 'duplicate', severity: 'warning', item: c.item, range: { startLine: c.range.startLine, endLine: c.range.endLine },
      message: `Duplicate certificate: ${shortName(c.cert.subject)} already appears as certificate ${prev + 1} of this file.`,
      fix: { kind: 'removeBlock', item: c.item },
    });
  });
  const order = expectedBundleOrder(distinct.map((c) => c.cert));
  if (order && distinct.length === certs.length && file.items.every((it) => it.label !== 'DER')) {
    const want = order.map((i) => shortName(distinct[i].cert.subject)).join(' → ');
    out.push({
      code: 'bundle-order', severity: 'warning', item: distinct[0].item, range: all,
      message: `Certificates are in the wrong order. Servers expect the leaf first, then each issuer towards the root: ${want}.`,
      fix: { kind: 'reorderBundle', order: order.map((i) => distinct[i].item) },
    });
  }
  const hasLeaf = distinct.some((c) => !c.cert.isCA);
  for (const c of distinct) {
    const issuesOther = distinct.some((o) => o !== c && issues(c.cert, o.cert));
    if (hasLeaf && c.cert.selfSigned && issuesOther) {
      out.push({
        code: 'root-in-chain', severity: 'information', item: c.item, range: { startLine: c.range.startLine, endLine: c.range.endLine },
        message: `The chain contains the root CA ${shortName(c.cert.subject)}. A server sends the leaf and intermediates only; clients must already trust the root.`,
        fix: { kind: 'removeBlock', item: c.item },
      });
    }
  }
}

function lintKeys(file: IndexedFile, a: WorkspaceAnalysis, certs: Array<{ cert: CertificateModel }>, out: Finding[]): void {
  const keys = file.items.map((it, item) => ({ it, item })).filter(({ it }) => it.result.kind === 'privateKey');
  if (keys.length === 0) return;
  // "Next to it": certificates in the same file, else a sibling with the same stem (server.key + server.crt).
  let neighbours = certs.map((c) => c.cert);
  let where = 'in this file';
  if (neighbours.length === 0) {
    const stem = basename(file.key, extname(file.key));
    for (const ext of CERT_EXTS) {
      const sib = a.files.get(join(dirname(file.key), stem + ext));
      const found = sib?.items.flatMap((it) => (it.result.kind === 'certificate' ? [it.result] : [])) ?? [];
      if (found.length > 0) { neighbours = found.slice(0, 1); where = `in ${stem}${ext}`; break; }
    }
  }
  if (neighbours.length === 0) return;
  for (const { it, item } of keys) {
    const pk = it.result.kind === 'privateKey' ? it.result.publicKey : undefined;
    if (!pk) continue; // encrypted: cannot compare without the password
    if (neighbours.some((c) => c.publicKey.spkiSha256 === pk.spkiSha256)) continue;
    const names = neighbours.map((c) => shortName(c.subject)).join(', ');
    out.push({
      code: 'key-mismatch', severity: 'error', item, range: { startLine: it.range.startLine, endLine: it.range.endLine },
      message: `This private key does not match the certificate ${where} (${names}): a server using both fails to start or the handshake fails.`,
    });
  }
}
