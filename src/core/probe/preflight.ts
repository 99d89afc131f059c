// Checks made before connecting, on the client certificate and key the user gave: the key belongs
// to the certificate, the certificate is valid now and allowed for clientAuth, and it chains to a
// CA we know of. A key mismatch stops the probe (the handshake could only fail obscurely).
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { issuedBy } from '../issuedBy';
import { certificatesFromPem, summarize, summarizeSafe } from './certs';
import type { CertSummary, Diagnosis, PemInput } from './types';
import { namer, type Namer } from './wording';
import { formatIso } from '../dates';

export interface PreflightResult {
  clientCert?: CertSummary;
  /** DER of the certificates in the --cert file (leaf first). */
  sentChain: Buffer[];
  findings: Diagnosis[];
  /** A finding that makes connecting pointless (key mismatch, unreadable input). */
  fatal: boolean;
}

export function preflight(cert: PemInput | undefined, key: PemInput | undefined, ca: Buffer[], now: Date, n: Namer = namer('cli')): PreflightResult {
  const out: PreflightResult = { sentChain: [], findings: [], fatal: false };
  if (!cert && !key) return out;
  const certName = cert?.source ?? 'the client certificate';
  const keyName = key?.source ?? 'the key';
  if (cert && !key) {
    out.findings.push({ kind: 'bad_input', severity: 'error', confidence: 'certain', evidence: [], cause: `${certName} was given without its private key`, fix: `Pass the matching key (${n('key')}).` });
    out.fatal = true;
  }
  if (key && !cert) {
    out.findings.push({ kind: 'bad_input', severity: 'error', confidence: 'certain', evidence: [], cause: `${keyName} was given without a certificate`, fix: `Pass the client certificate (${n('cert')}).` });
    out.fatal = true;
  }
  if (!cert) return out;
  out.sentChain = certificatesFromPem(cert.pem);
  if (out.sentChain.length === 0) {
    out.findings.push({ kind: 'bad_input', severity: 'error', confidence: 'certain', evidence: [], cause: `${certName} contains no PEM certificate`, fix: 'Give a PEM file with "-----BEGIN CERTIFICATE-----".' });
    out.fatal = true;
    return out;
  }
  const leaf = out.sentChain[0];
  let summary: CertSummary;
  try {
    summary = summarize(leaf, now);
  } catch (err) {
    out.findings.push({ kind: 'bad_input', severity: 'error', confidence: 'certain', evidence: [], cause: `${certName} cannot be decoded: ${err instanceof Error ? err.message : String(err)}`, fix: 'Check that the file holds an X.509 certificate.' });
    out.fatal = true;
    return out;
  }
  out.clientCert = summary;
  if (key) {
    try {
      const priv = createPrivateKey({ key: key.pem, format: 'pem' });
      const mine = createPublicKey(priv).export({ type: 'spki', format: 'der' });
      const theirs = new X509Certificate(leaf).publicKey.export({ type: 'spki', format: 'der' });
      if (!mine.equals(theirs)) {
        out.findings.push({
          kind: 'key_mismatch', severity: 'error', confidence: 'certain', evidence: [],
          cause: `${keyName} does not belong to ${certName} (${summary.subject}): the public keys differ`,
          fix: 'Use the key that was generated with this certificate\'s CSR, or re-issue the certificate for this key.',
        });
        out.fatal = true;
      }
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      const encrypted = /ENCRYPTED PRIVATE KEY|Proc-Type: 4,ENCRYPTED/.test(key.pem) || /passphrase|bad decrypt|interrupted or cancelled/i.test(msg);
      out.findings.push({
        kind: 'bad_input', severity: 'error', confidence: 'certain', evidence: [],
        cause: encrypted ? `${keyName} is encrypted with a passphrase` : `${keyName} cannot be read as a private key (${msg})`,
        fix: encrypted ? 'Decrypt it first (openssl pkey -in KEY -out plain.key) or use an unencrypted key for the test.' : 'Give a PEM private key (PKCS#8, PKCS#1 or SEC1).',
      });
      out.fatal = true;
    }
  }
  if (summary.validity === 'expired') {
    out.findings.push({ kind: 'client_cert_expired', severity: 'error', confidence: 'certain', evidence: [], cause: `the client certificate ${summary.subject} expired on ${formatIso(summary.notAfter)}`, fix: 'Issue a new client certificate (or renew this one) and install it on the device.' });
  } else if (summary.validity === 'notYetValid') {
    out.findings.push({ kind: 'client_cert_not_yet_valid', severity: 'error', confidence: 'certain', evidence: [], cause: `the client certificate ${summary.subject} is not valid before ${summary.notBefore}`, fix: 'Check the device clock, or issue the certificate with an earlier start date.' });
  }
  if (summary.extKeyUsage.length > 0 && !summary.extKeyUsage.includes('clientAuth') && !summary.extKeyUsage.includes('anyExtendedKeyUsage')) {
    out.findings.push({
      kind: 'client_cert_no_clientauth', severity: 'error', confidence: 'certain', evidence: [],
      cause: `the client certificate allows only ${summary.extKeyUsage.join(', ')}, not clientAuth: servers reject it (usually as unsupported_certificate or bad_certificate)`,
      fix: 'Issue the client certificate with extendedKeyUsage = clientAuth.',
    });
  }
  if (ca.length > 0) {
    // Does the presented chain (leaf + what the --cert file holds) reach a CA from --ca?
    const pool = [...out.sentChain, ...ca];
    let cur = leaf;
    const seen = new Set<Buffer>();
    let reached = ca.some((c) => c.equals(leaf));
    while (!reached && !seen.has(cur)) {
      seen.add(cur);
      const next = pool.find((c) => c !== cur && issuedBy(cur, c));
      if (!next) break;
      if (ca.includes(next)) reached = true;
      cur = next;
    }
    if (!reached) {
      out.findings.push({
        kind: 'client_chain_not_to_ca', severity: 'warning', confidence: 'certain', evidence: [],
        cause: `the client certificate (issuer ${summary.issuer}) does not chain to the CA file given for the server (${n('ca')})`,
        fix: 'Fine if the broker trusts that issuer; otherwise issue the client certificate from the CA the broker trusts.',
      });
    } else {
      // Issued by an intermediate that only the CA file has: the broker may not have it.
      const direct = ca.find((c) => issuedBy(leaf, c));
      if (direct && !summarizeSafe(direct, now).selfSigned && !out.sentChain.slice(1).some((c) => c.equals(direct))) {
        out.findings.push({
          kind: 'client_intermediate_not_sent', severity: 'warning', confidence: 'certain', evidence: [],
          cause: `the client certificate is issued by the intermediate "${summarizeSafe(direct, now).subject}", which is not in ${certName}: a broker that trusts only the root cannot build the chain (unknown_ca)`,
          fix: `Append the intermediate certificate to ${certName} (leaf first, then the intermediate) so it is sent in the handshake.`,
        });
      }
    }
  }
  return out;
}
