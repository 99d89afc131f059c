// "Will this revocation be enforced?" For a CA folder and the broker it serves (EMQX 5, EMQX 4,
// mosquitto 2), every reason a revocation would not be enforced, or would lock every client out:
// one finding per reason, with the certificates or URLs it concerns and the fix. Used by
// `certscope ca check` and by the Problems on a CA in the editor.
import { OID } from '../oids';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadCaDirectory } from '../ca/caDirectory';
import type { IndexEntry } from '../ca/indexDb';
import { decodeCertificate } from '../decode/certificate';
import type { CertificateModel, CrlModel } from '../model';
import { findPemBlocks, looksLikeDer } from '../pem';
import type { BrokerProfile } from './config';
import { defaultCrlFetch, parseCrlBytes, type CrlFetch } from './crlStore';
import { cdpUrls, isHttpUrl } from './distributionPoints';
import { formatDate } from '../dates';
import { formatDuration } from '../duration';
import { colonSerial } from '../serial';
import { crlName } from '../revocation/evidence';

export type ReadinessReason =
  | 'revoked-intermediate-leaf-only'
  | 'no-cdp'
  | 'https-cdp'
  | 'cdp-unreachable'
  | 'crl-form'
  | 'crl-expired'
  | 'crl-expires-soon'
  | 'ocsp-url-append'
  | 'wss-no-crl';

/** What a quick fix does (the editor offers it; the CLI prints `fix.text`). */
type ReadinessFixAction = 'publishCrl' | 'issueWithCdp' | 'useHttpCdp' | 'appendSlash' | 'serveCrl' | 'useTlsListener' | 'checkChain';

export interface ReadinessFinding {
  reason: ReadinessReason;
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** Affected certificates: "CN=device-1 (serial 1A2B)". */
  certificates?: string[];
  url?: string;
  /** The file the finding is about (index.txt, crl.pem, a certificate). */
  file?: string;
  /** crl-expired / crl-expires-soon: the moment every client is refused. */
  lockoutAt?: Date;
  fix?: { action: ReadinessFixAction; text: string };
}

export interface ReadinessReport {
  ca: string;
  dir: string;
  /** The CA certificate file (Problems name it as "the CA"). */
  certificate: string;
  target: BrokerProfile;
  checkedAt: Date;
  findings: ReadinessFinding[];
}

export interface ReadinessOptions {
  target: BrokerProfile;
  now?: Date;
  /** Skip fetching distribution points (no network). */
  offline?: boolean;
  fetch?: CrlFetch;
  /** Per URL. Default 5 s. */
  timeoutMs?: number;
}

const TARGET_NAMES: Record<BrokerProfile, string> = { emqx5: 'EMQX 5', emqx4: 'EMQX 4', mosquitto: 'mosquitto 2' };
/** Bounds for a hostile folder: certificates read, URLs fetched. */
const MAX_CERTS = 5000;
const MAX_URLS = 20;
const MAX_CERT_FILE = 1024 * 1024;
const MAX_CRL_FILE = 64 * 1024 * 1024;

interface Issued {
  entry: IndexEntry;
  cert: CertificateModel;
  file: string;
}

function label(c: CertificateModel): string {
  return `${c.subject.rfc4514 || '(empty subject)'} (serial ${colonSerial(c.serialHex)})`;
}

function firstCert(path: string): CertificateModel | undefined {
  try {
    if (statSync(path).size > MAX_CERT_FILE) return undefined;
    const block = findPemBlocks(readFileSync(path, 'latin1')).find((b) => b.label === 'CERTIFICATE' && b.der);
    return block?.der ? decodeCertificate(block.der) : undefined;
  } catch {
    return undefined;
  }
}

function hasEku(c: CertificateModel, oid: string): boolean {
  return c.extensions.extKeyUsage?.oids.includes(oid) ?? false;
}

function readCrl(path: string): CrlModel | undefined {
  try {
    if (statSync(path).size > MAX_CRL_FILE) return undefined;
    return parseCrlBytes(readFileSync(path), path)[0]?.model;
  } catch {
    return undefined;
  }
}

function span(ms: number): string {
  const m = Math.max(0, Math.round(ms / 60_000));
  if (m < 60) return `${m} min`;
  if (m < 48 * 60) return `${Math.floor(m / 60)} h ${m % 60} min`;
  return `${Math.floor(m / 1440)} days`;
}

export async function checkReadiness(dir: string, opts: ReadinessOptions): Promise<ReadinessReport> {
  const now = opts.now ?? new Date();
  const target = opts.target;
  const name = TARGET_NAMES[target];
  const caDir = loadCaDirectory(dir, undefined, { withEntries: true });
  const caCert = findPemBlocks(caDir.caCertPem).find((b) => b.label === 'CERTIFICATE' && b.der);
  const caModel = caCert?.der ? decodeCertificate(caCert.der) : undefined;
  const caName = caModel?.subject.rfc4514 ?? dir;
  const findings: ReadinessFinding[] = [];

  const issued: Issued[] = [];
  for (const entry of caDir.entries.slice(0, MAX_CERTS)) {
    const file = join(caDir.paths.newCertsDir, `${entry.serialHex}.pem`);
    const cert = existsSync(file) ? firstCert(file) : undefined;
    if (cert) issued.push({ entry, cert, file });
  }
  const current = issued.filter((i) => i.entry.status === 'V' && i.cert.notAfter > now);
  const clients = current.filter((i) => !i.cert.isCA && hasEku(i.cert, OID.clientAuth));
  const servers = current.filter((i) => !i.cert.isCA && hasEku(i.cert, OID.serverAuth));

  // 1. A revoked intermediate means nothing to a broker that checks the leaf only.
  if (target !== 'emqx4') {
    const revokedCas = issued.filter((i) => i.entry.status === 'R' && i.cert.isCA);
    if (revokedCas.length) {
      findings.push({
        reason: 'revoked-intermediate-leaf-only', severity: 'error', file: caDir.paths.database,
        certificates: revokedCas.map((i) => label(i.cert)),
        message: `${revokedCas.length === 1 ? 'a revoked intermediate CA' : `${revokedCas.length} revoked intermediate CAs`} (${revokedCas.map((i) => i.cert.subject.rfc4514).join(', ')}): ${name} checks only the client certificate, so clients issued by ${revokedCas.length === 1 ? 'it' : 'them'} are still accepted`,
        fix: { action: 'checkChain', text: `revoke the client certificates of the revoked CA one by one, or remove the CA from the broker's cacertfile` },
      });
    }
  }

  // 2-3. EMQX 5 reads the client certificate's CRL distribution point, over http only.
  const httpUrls = new Set<string>();
  if (target === 'emqx5') {
    const none: Issued[] = [];
    const httpsOnly: Issued[] = [];
    for (const c of clients) {
      const urls = cdpUrls(c.cert);
      const http = urls.filter(isHttpUrl);
      http.forEach((u) => httpUrls.add(u));
      if (urls.length === 0) none.push(c);
      else if (http.length === 0) httpsOnly.push(c);
    }
    if (none.length) {
      findings.push({
        reason: 'no-cdp', severity: 'error', file: none[0].file, certificates: none.map((i) => label(i.cert)),
        message: `${none.length} client certificate(s) without a CRL distribution point: EMQX 5 refuses them (revocation status undetermined, fail closed) unless a CRL of ${caName} is already in its cache from another client`,
        fix: { action: 'issueWithCdp', text: `issue them again with the CRL URL: certscope ca issue ${dir} --profile client --crl-url http://HOST:PORT/ca.crl` },
      });
    }
    if (httpsOnly.length) {
      findings.push({
        reason: 'https-cdp', severity: 'error', file: httpsOnly[0].file, certificates: httpsOnly.map((i) => label(i.cert)),
        message: `${httpsOnly.length} client certificate(s) whose CRL distribution points are https only: EMQX before 6.2 fetches CRLs over http only, so it refuses them (fail closed)`,
        fix: { action: 'useHttpCdp', text: 'issue them with an http:// CRL URL (CRLs are signed: http is the norm, RFC 5280 §4.2.1.13)' },
      });
    }
  }

  // 4-5. Distribution points reachable from here, serving a CRL the broker can read.
  const served: Array<{ url: string; crl: CrlModel }> = [];
  if (target === 'emqx5' && !opts.offline) {
    const urls = [...httpUrls].slice(0, MAX_URLS);
    const fetcher = opts.fetch ?? defaultCrlFetch;
    const timeoutMs = opts.timeoutMs ?? 5000;
    await Promise.all(urls.map(async (url) => {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), timeoutMs);
      let body: Uint8Array;
      try {
        body = await Promise.race([
          fetcher(url, { timeoutMs, signal: abort.signal }),
          new Promise<never>((_, reject) => abort.signal.addEventListener('abort', () => reject(new Error(`no answer within ${formatDuration(timeoutMs)}`)))),
        ]);
      } catch (err) {
        findings.push({
          reason: 'cdp-unreachable', severity: 'error', url,
          message: `the CRL distribution point ${url} cannot be fetched from here (${(err as Error).message}): if the broker cannot reach it either, EMQX 5 refuses every client that names it`,
          fix: { action: 'serveCrl', text: `publish the CRL at that URL (certscope ca crl ${dir} --serve --port PORT)` },
        });
        return;
      } finally {
        clearTimeout(timer);
      }
      try {
        const [first] = parseCrlBytes(body, url);
        served.push({ url, crl: first.model });
        if (first.model.issuer.derHex !== caModel?.subject.derHex) {
          findings.push({ reason: 'crl-form', severity: 'error', url, message: `${url} serves a CRL of "${first.model.issuer.rfc4514}", not of ${caName}: EMQX 5 cannot decide on this CA's clients and refuses them` });
        } else if (first.model.deltaCrlIndicator !== undefined) {
          findings.push({ reason: 'crl-form', severity: 'error', url, message: `${url} serves a delta CRL: the broker needs the complete CRL` });
        }
      } catch (err) {
        findings.push({
          reason: 'crl-form', severity: 'error', url,
          message: `${url} answers, but not with a CRL (${(err as Error).message}): EMQX 5 reads a DER or PEM CRL there and refuses the clients that name it`,
          fix: { action: 'serveCrl', text: `serve the CA's crl.der at that URL (certscope ca crl ${dir} --serve)` },
        });
      }
    }));
  }
  if (target === 'mosquitto' && existsSync(caDir.crlPath) && looksLikeDer(readFileSync(caDir.crlPath).subarray(0, 64))) {
    findings.push({
      reason: 'crl-form', severity: 'error', file: caDir.crlPath,
      message: `${caDir.crlPath} is DER: mosquitto's crlfile must be PEM ("-----BEGIN X509 CRL-----"), or mosquitto refuses to start the listener`,
      fix: { action: 'publishCrl', text: `openssl crl -inform DER -in ${caDir.crlPath} -out crl.pem` },
    });
  }

  // 6. The CRL's nextUpdate: past it, every client of the CA is refused (all three brokers).
  const crls: Array<{ where: string; crl: CrlModel; file?: string; url?: string }> = [];
  const local = existsSync(caDir.crlPath) ? readCrl(caDir.crlPath) : undefined;
  if (local) crls.push({ where: caDir.crlPath, crl: local, file: caDir.crlPath });
  for (const s of served) if (!local || s.crl.crlNumber !== local.crlNumber) crls.push({ where: s.url, crl: s.crl, url: s.url });
  for (const { where, crl, file, url } of crls) {
    const next = crl.nextUpdate;
    if (!next) continue;
    const left = next.getTime() - now.getTime();
    const validity = next.getTime() - crl.thisUpdate.getTime();
    const fix = { action: 'publishCrl' as const, text: `publish a new CRL: certscope ca crl ${dir}${url ? ' (and serve it at the distribution point)' : ''}` };
    const number = crl.crlNumber ? crlName(crl.crlNumber) : 'the CRL';
    if (left <= 0) {
      findings.push({
        reason: 'crl-expired', severity: 'error', file, url, lockoutAt: next, fix,
        message: `${number} at ${where} expired ${span(-left)} ago (${formatDate(next)}): ${name} refuses every client of ${caName} until a new CRL is published`,
      });
    } else if (left <= Math.max(validity / 4, 0)) {
      findings.push({
        reason: 'crl-expires-soon', severity: 'warning', file, url, lockoutAt: next, fix,
        message: `${number} at ${where} expires in ${span(left)} (${formatDate(next)}): then ${name} refuses every client of ${caName}, unless a new CRL is published before`,
      });
    }
  }

  // 7. EMQX's OCSP stapling appends the base64 request to responder_url as it is.
  if (target !== 'mosquitto') {
    const bad = new Map<string, Issued[]>();
    for (const s of servers) {
      for (const u of s.cert.extensions.authorityInfoAccess?.ocsp ?? []) {
        if (!/^https?:\/\//i.test(u) || u.endsWith('/')) continue;
        bad.set(u, [...(bad.get(u) ?? []), s]);
      }
    }
    for (const [u, list] of bad) {
      findings.push({
        reason: 'ocsp-url-append', severity: 'warning', url: u, file: list[0].file, certificates: list.map((i) => label(i.cert)),
        message: `OCSP responder URL ${u} has no trailing "/": ${name} appends the base64 request directly (GET ${u}MEIw...), so the responder never sees a valid request and stapling fails`,
        fix: { action: 'appendSlash', text: `set responder_url = "${u}/"` },
      });
    }
  }

  // 8. mosquitto's websockets listener does no CRL check (mosquitto issue #3042).
  if (target === 'mosquitto') {
    findings.push({
      reason: 'wss-no-crl', severity: 'warning',
      message: 'mosquitto 2 does no CRL check on a websockets listener: a revoked client connects there; keep devices on the TLS listener or put a CRL-checking proxy in front',
      fix: { action: 'useTlsListener', text: 'serve devices on a "listener N" with crlfile, not "protocol websockets"' },
    });
  }

  const order = { error: 0, warning: 1, info: 2 };
  findings.sort((a, b) => order[a.severity] - order[b.severity]);
  return { ca: caName, dir: caDir.dir, certificate: caDir.paths.certificate, target, checkedAt: now, findings };
}

export function formatReadiness(r: ReadinessReport): string {
  const lines = [`${r.ca} (${r.dir}) for ${TARGET_NAMES[r.target]}: ${r.findings.length ? `${r.findings.length} finding(s)` : 'no reason found why a revocation would not be enforced'}`];
  for (const f of r.findings) {
    lines.push(`${f.severity.toUpperCase().padEnd(7)} [${f.reason}] ${f.message}`);
    for (const c of f.certificates?.slice(0, 10) ?? []) lines.push(`          - ${c}`);
    if ((f.certificates?.length ?? 0) > 10) lines.push(`          - ... ${(f.certificates?.length ?? 0) - 10} more`);
    if (f.fix) lines.push(`          fix: ${f.fix.text}`);
  }
  return lines.join('\n');
}
