// Decides whether a client certificate is accepted, and says why not in words.
//
// OpenSSL (through Node) verifies the chain, the signatures and the validity dates. Revocation is
// checked here, against CRLs whose signatures were verified when they were loaded (crlTrust.ts):
// a Map lookup per certificate, where OpenSSL would re-verify a multi-megabyte CRL on every
// handshake. The semantics follow OpenSSL's CRL_CHECK_ALL, which EMQX and mosquitto users know:
// every CA in the client's chain needs a current CRL; a revoked certificate gets
// certificate_revoked, a missing CRL unknown_ca, an expired CRL certificate_expired (the
// crl_missing / crl_stale settings can relax the last two).
import { formatDate } from '../dates';
import { crlNumberText } from '../revocation/evidence';
import type { DetailedPeerCertificate } from 'node:tls';
import { decodeCertificate } from '../decode/certificate';
import type { CertificateModel } from '../model';
import { alertForMissingCertificate, alertForVerifyError, AlertDescription } from '../tls/alerts';
import type { HandshakeInfo, Verdict } from '../tls/tlsAcceptor';
import type { BrokerConfig } from './config';
import type { CrlStore, LoadedCrl } from './crlStore';

export interface ClientCertInfo {
  subject: string;
  issuer: string;
  serial: string;
  notAfter: Date;
}

export interface CheckResult {
  verdict: Verdict;
  cert?: ClientCertInfo;
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
export function peerChain(peer: DetailedPeerCertificate | undefined): CertificateModel[] {
  const out: CertificateModel[] = [];
  const seen = new Set<string>();
  for (let c: DetailedPeerCertificate | undefined = peer; c && c.raw && out.length < 10; c = c.issuerCertificate) {
    if (seen.has(c.fingerprint256)) break;
    seen.add(c.fingerprint256);
    out.push(decodeCached(c));
  }
  return out;
}


export function crlLabel(crl: LoadedCrl): string {
  return `CRL ${crl.model.crlNumber ? `${crlNumberText(crl.model.crlNumber)} ` : ''}from ${crl.source}`;
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

function crlFindings(chain: CertificateModel[], store: CrlStore, now: number): CrlFindings {
  const f: CrlFindings = { missing: [], stale: [] };
  for (const c of checkedCerts(chain)) {
    const crls = store.crlsFor(c.issuer.derHex);
    if (crls.length === 0) {
      if (!f.missing.includes(c.issuer.rfc4514)) f.missing.push(c.issuer.rfc4514);
      continue;
    }
    const hit = store.findRevocation(c.issuer.derHex, c.serialHex);
    if (hit && !f.revoked) {
      const who = c === chain[0] ? 'certificate' : `issuing CA certificate "${c.subject.rfc4514}"`;
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

export function checkClient(info: HandshakeInfo, config: BrokerConfig, store: CrlStore | undefined, now: number): CheckResult {
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
  const reject = (code: string, reason: string): CheckResult => ({ cert, code, verdict: { accept: false, alert: alertForVerifyError(code), reason } });
  const code = info.authorizationError;

  // OpenSSL order: a chain that cannot be built fails before any revocation check.
  if (code && UNKNOWN_CA.has(code)) {
    return reject(code, `unknown CA: issuer "${leaf.issuer.rfc4514}" of "${leaf.subject.rfc4514}" is not a trusted client CA (${code})`);
  }
  let note: string | undefined;
  if (config.enable_crl_check && store) {
    const f = crlFindings(chain, store, now);
    if (f.revoked) return reject('CERT_REVOKED', f.revoked);
    if (f.missing.length) {
      const text = `no CRL loaded for CA ${f.missing.map((m) => `"${m}"`).join(', ')}: with CRL checking on, every CA in the client's chain needs a current CRL`;
      if (config.crl_missing !== 'allow') return reject('UNABLE_TO_GET_CRL', text);
      note = `${text}; accepted because crl_missing = allow`;
    } else if (f.stale.length) {
      const text = f.stale.map((c) => `the broker's ${crlLabel(c)} for "${c.model.issuer.rfc4514}" expired ${formatDate(c.model.nextUpdate as Date)}`).join('; ')
        + ': every client of that CA is refused until a fresh CRL is loaded (clients see "certificate expired"); the client certificate itself may be fine';
      if (config.crl_stale !== 'allow') return reject('CRL_HAS_EXPIRED', text);
      note = `${text}; accepted because crl_stale = allow`;
    }
  }
  if (!code) return { cert, verdict: { accept: true }, note };
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
