// Decides whether a client certificate is accepted, and says why not in words.
//
// OpenSSL (through Node) verifies the chain, the signatures and the validity dates. Revocation is
// checked here, against CRLs whose signatures were verified when they were loaded (crlTrust.ts):
// a Map lookup per certificate, where OpenSSL would re-verify a multi-megabyte CRL on every
// handshake. The semantics follow OpenSSL's CRL_CHECK_ALL, which EMQX and mosquitto users know:
// every CA in the client's chain needs a current CRL; a revoked certificate gets
// certificate_revoked, a missing CRL unknown_ca, an expired CRL certificate_expired (the
// crl_missing / crl_stale settings can relax the last two).
import type { DetailedPeerCertificate } from 'node:tls';
import { decodeCertificate } from '../decode/certificate';
import type { CertificateModel } from '../model';
import { alertForMissingCertificate, alertForVerifyError, AlertDescription, type AlertCode } from '../tls/alerts';
import type { HandshakeInfo, Verdict } from '../tls/tlsAcceptor';
import { normalizeSerial } from '../serial';
import type { BrokerConfig } from './config';
import type { CdpCrlCache } from './cdpCache';
import type { ClientOcspChecker } from './clientOcsp';
import { cdpUrls, isHttpUrl } from './distributionPoints';
import type { CrlStore, LoadedCrl } from './crlStore';
import type { Transport } from './types';
import { formatDate } from '../dates';
import { crlName } from '../revocation/evidence';

export interface ClientCertInfo {
  subject: string;
  issuer: string;
  serial: string;
  notAfter: Date;
}

export interface CheckResult {
  verdict: Verdict;
  cert?: ClientCertInfo;
  /** Accepted with a certificate: what a later CRL is looked up by (disconnect_on_revoke). */
  leaf?: { issuerDerHex: string; serialHex: string };
  /** OpenSSL-style code of the decision (CERT_REVOKED, CRL_HAS_EXPIRED, ...), from Node or from our CRL check. */
  code?: string;
  /** Set when a client was accepted despite a missing or stale CRL (policy "allow"). */
  note?: string;
}

const decoded = new Map<string, CertificateModel>();
const DECODE_CACHE = 2000;

/** Decodes a certificate once (clients reconnect with the same chain over and over). */
function decodeCached(c: DetailedPeerCertificate): CertificateModel {
  let m = decoded.get(c.fingerprint256);
  if (!m) {
    m = decodeCertificate(new Uint8Array(c.raw));
    if (decoded.size >= DECODE_CACHE) decoded.delete(decoded.keys().next().value as string);
    decoded.set(c.fingerprint256, m);
  }
  return m;
}

/** The peer chain leaf-first, as plain models (the trust anchor included when Node found it). */
function peerChain(peer: DetailedPeerCertificate | undefined): CertificateModel[] {
  const out: CertificateModel[] = [];
  const seen = new Set<string>();
  for (let c: DetailedPeerCertificate | undefined = peer; c && c.raw && out.length < 10; c = c.issuerCertificate) {
    if (seen.has(c.fingerprint256)) break;
    seen.add(c.fingerprint256);
    out.push(decodeCached(c));
  }
  return out;
}


function crlLabel(crl: LoadedCrl): string {
  return `${crlName(crl.model.crlNumber)} from ${crl.source}`;
}

function certInfo(c: CertificateModel): ClientCertInfo {
  return { subject: c.subject.rfc4514, issuer: c.issuer.rfc4514, serial: c.serialColon, notAfter: c.notAfter };
}

/** Certificates in the chain whose status needs a CRL from their issuer (all but a self-issued anchor). */
function checkedCerts(chain: CertificateModel[]): CertificateModel[] {
  return chain.filter((c) => !(c.selfSigned || c.subject.derHex === c.issuer.derHex));
}

interface CrlFindings {
  revoked?: string;
  missing: string[];
  stale: LoadedCrl[];
}

function crlFindings(chain: CertificateModel[], leaf: CertificateModel, store: CrlStore, now: number): CrlFindings {
  const f: CrlFindings = { missing: [], stale: [] };
  for (const c of checkedCerts(chain)) {
    const crls = store.crlsFor(c.issuer.derHex);
    if (crls.length === 0) {
      if (!f.missing.includes(c.issuer.rfc4514)) f.missing.push(c.issuer.rfc4514);
      continue;
    }
    const hit = store.findRevocation(c.issuer.derHex, c.serialHex);
    if (hit && !f.revoked) {
      const who = c === leaf ? 'certificate' : `issuing CA certificate "${c.subject.rfc4514}"`;
      const reason = hit.entry.reason ? `, ${hit.entry.reason}` : '';
      f.revoked = `${who} revoked: serial ${c.serialColon}, revoked ${formatDate(hit.entry.revocationDate)}${reason}, ${crlLabel(hit.crl)}`;
    }
    const current = crls.filter((x) => !x.model.nextUpdate || x.model.nextUpdate.getTime() >= now);
    if (current.length === 0) for (const x of crls) if (!f.stale.includes(x)) f.stale.push(x);
  }
  return f;
}

const UNKNOWN_CA = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_CHAIN_TOO_LONG', 'INVALID_CA', 'PATH_LENGTH_EXCEEDED',
]);

export interface RevocationSources {
  /** emqx4 and mosquitto: CRL files and URLs. */
  store?: CrlStore;
  /** emqx5: CRLs from the client certificates' distribution points. */
  cdp?: CdpCrlCache;
  /** ocsp_check_clients. */
  ocsp?: ClientOcspChecker;
}

/**
 * The verdict on a client. Synchronous except in the emqx5 profile on a cache miss, where the
 * CRL is fetched from the certificate's distribution point during the handshake.
 */
export function checkClient(info: HandshakeInfo, config: BrokerConfig, sources: RevocationSources, now: number, transport: Transport = 'mqtts'): CheckResult | Promise<CheckResult> {
  const r = checkCertificate(info, config, sources, now, transport);
  const ocsp = sources.ocsp;
  if (!ocsp) return r;
  // Client-certificate OCSP (ocsp_check_clients) runs last, on clients that passed everything else.
  return Promise.resolve(r).then((res) => (res.verdict.accept && res.cert ? ocspStep(res, peerChain(info.peerCertificate), ocsp, config) : res));
}

async function ocspStep(res: CheckResult, chain: CertificateModel[], ocsp: ClientOcspChecker, config: BrokerConfig): Promise<CheckResult> {
  const [leaf, issuer] = chain;
  const a = await ocsp.check(leaf, issuer);
  const cert = res.cert as ClientCertInfo;
  if (a.status === 'good') return { ...res, note: [res.note, `OCSP: ${a.detail}${a.cached ? ' (cached)' : ''}`].filter(Boolean).join('; ') };
  if (a.status === 'revoked') return rejectWith(cert, 'CERT_REVOKED', `certificate revoked: ${a.detail}`, AlertDescription.certificateRevoked);
  const what = a.status === 'unknown' ? `the OCSP responder does not know the certificate: ${a.detail}` : `no OCSP answer: ${a.detail}`;
  if (config.ocsp_clients_fail === 'hard') return rejectWith(cert, 'OCSP_NO_GOOD_ANSWER', `${what}; refused (ocsp_clients_fail = hard)`, AlertDescription.certificateUnknown);
  return { ...res, note: [res.note, `${what}; accepted (ocsp_clients_fail = soft)`].filter(Boolean).join('; ') };
}

function checkCertificate(info: HandshakeInfo, config: BrokerConfig, sources: RevocationSources, now: number, transport: Transport): CheckResult | Promise<CheckResult> {
  if (config.verify === 'verify_none') return { verdict: { accept: true } };
  let chain: CertificateModel[];
  try {
    chain = peerChain(info.peerCertificate);
  } catch (err) {
    return { code: 'CERT_UNDECODABLE', verdict: { accept: false, alert: AlertDescription.badCertificate, reason: `client certificate cannot be decoded: ${(err as Error).message}` } };
  }
  const leaf = chain[0];
  if (!leaf) {
    if (!config.fail_if_no_peer_cert) return { verdict: { accept: true } };
    return { code: 'NO_PEER_CERTIFICATE', verdict: { accept: false, alert: alertForMissingCertificate(info.protocol), reason: 'no client certificate: this listener requires one (verify_peer, fail_if_no_peer_cert)' } };
  }
  const cert = certInfo(leaf);
  const code = info.authorizationError;
  // OpenSSL order: a chain that cannot be built fails before any revocation check.
  if (code && UNKNOWN_CA.has(code)) {
    return rejectWith(cert, code, `unknown CA: issuer "${leaf.issuer.rfc4514}" of "${leaf.subject.rfc4514}" is not a trusted client CA (${code})`);
  }
  if (!config.enable_crl_check) return verifyResult(cert, chain, code, now);
  switch (config.profile) {
    case 'emqx5': {
      if (!sources.cdp) return verifyResult(cert, chain, code, now);
      const done = (r: Emqx5Outcome): CheckResult => (r.reject ? rejectWith(cert, r.reject.code, r.reject.reason, r.reject.alert) : verifyResult(cert, chain, code, now, r.note));
      const r = emqx5Revocation(leaf, sources.cdp, now);
      return r instanceof Promise ? r.then(done) : done(r);
    }
    case 'mosquitto': {
      if (transport === 'wss') return verifyResult(cert, chain, code, now, 'no CRL check: mosquitto does not check CRLs on its websockets listener');
      if (!sources.store) return verifyResult(cert, chain, code, now);
      return storeRevocation(cert, chain.slice(0, 1), chain, config, sources.store, code, now);
    }
    case 'emqx4':
      if (!sources.store) return verifyResult(cert, chain, code, now);
      return storeRevocation(cert, chain, chain, config, sources.store, code, now);
  }
}

function rejectWith(cert: ClientCertInfo, code: string, reason: string, alert = alertForVerifyError(code)): CheckResult {
  return { cert, code, verdict: { accept: false, alert, reason } };
}

/** emqx4 (every CA in the chain) and mosquitto (leaf only) against loaded CRL files and URLs. */
function storeRevocation(cert: ClientCertInfo, checked: CertificateModel[], chain: CertificateModel[], config: BrokerConfig, store: CrlStore, code: string | undefined, now: number): CheckResult {
  let note: string | undefined;
  const f = crlFindings(checked, chain[0], store, now);
  const scope = config.profile === 'mosquitto' ? 'mosquitto checks the client certificate (leaf) against the CRL of its issuer' : "with CRL checking on, every CA in the client's chain needs a current CRL";
  if (f.revoked) return rejectWith(cert, 'CERT_REVOKED', f.revoked);
  if (f.missing.length) {
    const text = `no CRL loaded for CA ${f.missing.map((m) => `"${m}"`).join(', ')}: ${scope}`;
    if (config.crl_missing !== 'allow') return rejectWith(cert, 'UNABLE_TO_GET_CRL', text);
    note = `${text}; accepted because crl_missing = allow`;
  } else if (f.stale.length) {
    const text = f.stale.map((c) => `the broker's ${crlLabel(c)} for "${c.model.issuer.rfc4514}" expired ${formatDate(c.model.nextUpdate as Date)}`).join('; ')
      + ': every client of that CA is refused until a fresh CRL is loaded (clients see "certificate expired"); the client certificate itself may be fine';
    if (config.crl_stale !== 'allow') return rejectWith(cert, 'CRL_HAS_EXPIRED', text);
    note = `${text}; accepted because crl_stale = allow`;
  }
  return verifyResult(cert, chain, code, now, note);
}

interface Emqx5Outcome {
  reject?: { code: string; reason: string; alert: AlertCode };
  note?: string;
}

/**
 * EMQX 5 (Erlang ssl, crl_check = peer): only the leaf; its CRL from the distribution point (http
 * only; the global cache, fetched on a miss); without one, a cached CRL of the same issuer; no
 * CRL at all, or a stale one: refused (bad_certificate, as Erlang sends).
 */
function emqx5Revocation(leaf: CertificateModel, cdp: CdpCrlCache, now: number): Emqx5Outcome | Promise<Emqx5Outcome> {
  const http = cdpUrls(leaf).filter(isHttpUrl);
  // A cache hit on the first distribution point is decided at once: only a miss waits for a fetch.
  const hit = http.length ? cdp.cached(http[0], `client ${who(leaf)}`) : undefined;
  if (hit && hit.model.issuer.derHex === leaf.issuer.derHex) return judgeEmqx5(leaf, hit, now);
  return emqx5Fetch(leaf, cdp, now, hit ? 1 : 0);
}

function who(leaf: CertificateModel): string {
  return `"${leaf.subject.rfc4514}" (serial ${leaf.serialColon})`;
}

async function emqx5Fetch(leaf: CertificateModel, cdp: CdpCrlCache, now: number, skip: number): Promise<Emqx5Outcome> {
  const urls = cdpUrls(leaf);
  const http = urls.filter(isHttpUrl);
  const failures: string[] = urls.filter((u) => !http.includes(u)).map((u) => `${u}: not fetched (EMQX 5 fetches CRLs over http only)`);
  if (skip) failures.push(`${http[0]}: the CRL there is not issued by the certificate's issuer`);
  let crl: LoadedCrl | undefined;
  for (const url of http.slice(skip)) {
    const r = await cdp.lookup(url, `client ${who(leaf)}`);
    if (r.crl && r.crl.model.issuer.derHex === leaf.issuer.derHex) {
      crl = r.crl;
      break;
    }
    failures.push(`${url}: ${r.crl ? `the CRL there is issued by "${r.crl.model.issuer.rfc4514}", not by the certificate's issuer` : r.error}`);
  }
  crl ??= cdp.byIssuer(leaf.issuer.derHex)[0];
  if (!crl) {
    const why = urls.length === 0
      ? 'the certificate has no CRL distribution point and no CRL of its issuer is in the cache'
      : `no CRL could be had (${failures.join('; ')})`;
    return { reject: { code: 'UNABLE_TO_GET_CRL', alert: AlertDescription.badCertificate, reason: `revocation status undetermined for ${who(leaf)}: ${why}; EMQX 5 refuses the client (fail closed)` } };
  }
  return judgeEmqx5(leaf, crl, now);
}

function judgeEmqx5(leaf: CertificateModel, crl: LoadedCrl, now: number): Emqx5Outcome {
  const entry = crl.model.bySerial.get(normalizeSerial(leaf.serialHex));
  if (entry) {
    const reason = entry.reason ? `, ${entry.reason}` : '';
    return { reject: { code: 'CERT_REVOKED', alert: AlertDescription.certificateRevoked, reason: `certificate revoked: serial ${leaf.serialColon}, revoked ${formatDate(entry.revocationDate)}${reason}, ${crlLabel(crl)}` } };
  }
  if (crl.model.nextUpdate && crl.model.nextUpdate.getTime() < now) {
    return { reject: { code: 'CRL_HAS_EXPIRED', alert: AlertDescription.badCertificate, reason: `the cached ${crlLabel(crl)} expired ${formatDate(crl.model.nextUpdate)}: EMQX 5 refuses every client of "${crl.model.issuer.rfc4514}" until a fresh CRL is fetched (Erlang: bad_crls, no_relevant_crls)` } };
  }
  return {};
}

/** What OpenSSL found besides revocation (expired, wrong purpose, ...), or acceptance. */
function verifyResult(cert: ClientCertInfo, chain: CertificateModel[], code: string | undefined, now: number, note?: string): CheckResult {
  const leaf = chain[0];
  if (!code) return { cert, verdict: { accept: true }, note, leaf: { issuerDerHex: leaf.issuer.derHex, serialHex: leaf.serialHex } };
  const reject = (c: string, reason: string): CheckResult => rejectWith(cert, c, reason);
  switch (code) {
    case 'CERT_HAS_EXPIRED': {
      const expired = chain.find((c) => c.notAfter.getTime() < now) ?? leaf;
      const who = expired === leaf ? 'certificate' : `issuing CA certificate "${expired.subject.rfc4514}"`;
      return reject(code, `${who} expired ${formatDate(expired.notAfter)} (serial ${expired.serialColon})`);
    }
    case 'CERT_NOT_YET_VALID':
      return reject(code, `certificate not valid before ${formatDate(leaf.notBefore)} (serial ${leaf.serialColon})`);
    case 'INVALID_PURPOSE':
      return reject(code, 'certificate not usable for TLS client authentication (extendedKeyUsage lacks clientAuth)');
    case 'CERT_SIGNATURE_FAILURE':
      return reject(code, "certificate signature does not verify with its issuer's key");
    default:
      return reject(code, `certificate verification failed: ${code}`);
  }
}
