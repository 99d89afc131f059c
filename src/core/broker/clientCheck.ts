// Decides whether a client certificate is accepted, and says why not in words. Node/OpenSSL have
// already verified the chain (CRLs included); this turns their error code into the alert an
// OpenSSL server would send and a sentence that names the serial, the CRL entry and its source,
// and applies the crl_missing / crl_stale policies.
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
  /** Set when a client was accepted despite a missing or stale CRL (policy "allow"). */
  note?: string;
}

/** The peer chain leaf-first, as plain models (the trust anchor included when Node found it). */
export function peerChain(peer: DetailedPeerCertificate | undefined): CertificateModel[] {
  const out: CertificateModel[] = [];
  const seen = new Set<string>();
  for (let c: DetailedPeerCertificate | undefined = peer; c && c.raw && out.length < 10; c = c.issuerCertificate) {
    if (seen.has(c.fingerprint256)) break;
    seen.add(c.fingerprint256);
    out.push(decodeCertificate(new Uint8Array(c.raw)));
  }
  return out;
}

function utc(d: Date): string {
  return d.toISOString().replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC');
}

function crlLabel(crl: LoadedCrl): string {
  return `CRL ${crl.model.crlNumber ? `#${crl.model.crlNumber} ` : ''}from ${crl.source}`;
}

function certInfo(c: CertificateModel): ClientCertInfo {
  return { subject: c.subject.rfc4514, issuer: c.issuer.rfc4514, serial: c.serialColon, notAfter: c.notAfter };
}

/** Certificates in the chain whose status needs a CRL from their issuer (all but a self-issued anchor). */
function checkedCerts(chain: CertificateModel[]): CertificateModel[] {
  return chain.filter((c) => !(c.selfSigned || c.subject.derHex === c.issuer.derHex));
}

function findRevoked(chain: CertificateModel[], store: CrlStore): { cert: CertificateModel; text: string } | undefined {
  for (const c of checkedCerts(chain)) {
    const hit = store.findRevocation(c.issuer.derHex, c.serialHex);
    if (hit) {
      const who = c === chain[0] ? 'certificate' : `issuing CA certificate "${c.subject.rfc4514}"`;
      const reason = hit.entry.reason ? `, ${hit.entry.reason}` : '';
      return { cert: c, text: `${who} revoked: serial ${c.serialColon}, revoked ${utc(hit.entry.revocationDate)}${reason}, ${crlLabel(hit.crl)}` };
    }
  }
  return undefined;
}

function missingCrls(chain: CertificateModel[], store: CrlStore): string[] {
  const out: string[] = [];
  for (const c of checkedCerts(chain)) if (store.crlsFor(c.issuer.derHex).length === 0) out.push(c.issuer.rfc4514);
  return [...new Set(out)];
}

function staleCrls(chain: CertificateModel[], store: CrlStore, now: number): LoadedCrl[] {
  const out: LoadedCrl[] = [];
  for (const c of checkedCerts(chain)) {
    for (const crl of store.crlsFor(c.issuer.derHex)) {
      if (crl.model.nextUpdate && crl.model.nextUpdate.getTime() < now && !out.includes(crl)) out.push(crl);
    }
  }
  return out;
}

export function checkClient(info: HandshakeInfo, config: BrokerConfig, store: CrlStore | undefined, now: number): CheckResult {
  if (config.verify === 'verify_none') return { verdict: { accept: true } };
  let chain: CertificateModel[];
  try {
    chain = peerChain(info.peerCertificate);
  } catch (err) {
    return { verdict: { accept: false, alert: AlertDescription.badCertificate, reason: `client certificate cannot be decoded: ${(err as Error).message}` } };
  }
  const leaf = chain[0];
  if (!leaf) {
    if (!config.fail_if_no_peer_cert) return { verdict: { accept: true } };
    return { verdict: { accept: false, alert: alertForMissingCertificate(info.protocol), reason: 'no client certificate: this listener requires one (verify_peer, fail_if_no_peer_cert)' } };
  }
  const cert = certInfo(leaf);
  const reject = (code: string, reason: string, alert = alertForVerifyError(code)): CheckResult => ({ cert, verdict: { accept: false, alert, reason } });
  const code = info.authorizationError;
  const crlOn = config.enable_crl_check && store !== undefined;

  if (code === 'CERT_REVOKED') {
    const hit = store ? findRevoked(chain, store) : undefined;
    return reject(code, hit?.text ?? `certificate revoked: serial ${leaf.serialColon} (listed in a loaded CRL)`);
  }
  if (code === 'CERT_HAS_EXPIRED') {
    const expired = chain.find((c) => c.notAfter.getTime() < now) ?? leaf;
    const who = expired === leaf ? 'certificate' : `issuing CA certificate "${expired.subject.rfc4514}"`;
    return reject(code, `${who} expired ${utc(expired.notAfter)} (serial ${expired.serialColon})`);
  }
  if (code === 'CERT_NOT_YET_VALID') {
    return reject(code, `certificate not valid before ${utc(leaf.notBefore)} (serial ${leaf.serialColon})`);
  }
  if (code === 'UNABLE_TO_GET_CRL' || code === 'CRL_HAS_EXPIRED' || (crlOn && !code)) {
    // CRL problems: OpenSSL (CRL_CHECK_ALL) needs a current CRL from every CA in the chain.
    const missing = store ? missingCrls(chain, store) : [];
    const stale = store ? staleCrls(chain, store, now) : [];
    const revoked = store ? findRevoked(chain, store) : undefined;
    if (revoked) return reject('CERT_REVOKED', revoked.text);
    if (missing.length) {
      const text = `no CRL loaded for CA ${missing.map((m) => `"${m}"`).join(', ')}: with CRL checking on, every CA in the client's chain needs a current CRL`;
      if (config.crl_missing === 'allow') return { cert, verdict: { accept: true }, note: `${text}; accepted because crl_missing = allow` };
      return reject('UNABLE_TO_GET_CRL', text);
    }
    if (stale.length) {
      const text = stale.map((c) => `the broker's ${crlLabel(c)} for "${c.model.issuer.rfc4514}" expired ${utc(c.model.nextUpdate as Date)}`).join('; ')
        + ': OpenSSL refuses every client of that CA until a fresh CRL is loaded (clients see "certificate expired"); the client certificate itself may be fine';
      if (config.crl_stale === 'allow') return { cert, verdict: { accept: true }, note: `${text}; accepted because crl_stale = allow` };
      return reject('CRL_HAS_EXPIRED', text);
    }
    if (code) return reject(code, `CRL check failed (${code})`);
    return { cert, verdict: { accept: true } };
  }
  if (!code) return { cert, verdict: { accept: true } };
  switch (code) {
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return reject(code, `unknown CA: issuer "${leaf.issuer.rfc4514}" of "${leaf.subject.rfc4514}" is not a trusted client CA (${code})`);
    case 'INVALID_PURPOSE':
      return reject(code, `certificate not usable for TLS client authentication (extendedKeyUsage lacks clientAuth)`);
    case 'CERT_SIGNATURE_FAILURE':
      return reject(code, 'certificate signature does not verify with its issuer\'s key');
    default:
      return reject(code, `certificate verification failed: ${code}`);
  }
}
