// Certificates as the probe handles them: PEM text split into DER, plain summaries for the report,
// and issuer links checked with Node's X509Certificate (signature + names).
import { toPem } from '../der/writer';
import { X509Certificate } from 'node:crypto';
import { decodeCertificate } from '../decode/certificate';
import type { CertSummary } from './types';

const PEM_CERT = /-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----([\s\S]*?)-----END (?:X509 |TRUSTED )?CERTIFICATE-----/g;

/** Every certificate in a PEM text, as DER. */
export function certificatesFromPem(text: string): Buffer[] {
  const out: Buffer[] = [];
  for (const m of text.matchAll(PEM_CERT)) out.push(Buffer.from(m[1].replace(/[^A-Za-z0-9+/=]/g, ''), 'base64'));
  return out;
}


export function summarize(der: Uint8Array, now: Date): CertSummary {
  const c = decodeCertificate(der);
  const sans = (c.extensions.subjectAltName?.names ?? []).map((n) => `${n.type === 'dns' ? 'DNS' : n.type === 'ip' ? 'IP' : n.type}:${n.value}`);
  const validity = now < c.notBefore ? 'notYetValid' : now > c.notAfter ? 'expired' : 'valid';
  return {
    subject: c.subject.rfc4514,
    issuer: c.issuer.rfc4514,
    serialHex: c.serialHex,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    sans,
    sha256: c.fingerprints.sha256,
    isCA: c.isCA,
    selfSigned: c.selfSigned,
    mustStaple: c.extensions.tlsFeature?.mustStaple ?? false,
    extKeyUsage: c.extensions.extKeyUsage?.usages ?? [],
    validity,
    keyType: c.publicKey.algorithm,
    keyDetail: c.publicKey.curve ?? (c.publicKey.bits ? `${c.publicKey.bits} bits` : undefined),
    pem: toPem(der, 'CERTIFICATE'),
  };
}

/**
 * Like summarize(), but never throws: a certificate our decoder rejects (odd extensions, broken
 * encodings servers still send) is summarised from Node's own parser, or as undecodable.
 */
export function summarizeSafe(der: Uint8Array, now: Date): CertSummary {
  try {
    return summarize(der, now);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    try {
      const x = new X509Certificate(Buffer.from(der));
      const notBefore = new Date(x.validFrom);
      const notAfter = new Date(x.validTo);
      return {
        subject: x.subject.split('\n').reverse().join(','), issuer: x.issuer.split('\n').reverse().join(','),
        serialHex: x.serialNumber.toLowerCase().replace(/^0+(?=.)/, ''), notBefore: notBefore.toISOString(), notAfter: notAfter.toISOString(),
        sans: (x.subjectAltName ?? '').split(', ').filter(Boolean), sha256: x.fingerprint256.replace(/:/g, '').toLowerCase(),
        isCA: x.ca, selfSigned: x.checkIssued(x), mustStaple: false, extKeyUsage: [],
        validity: now < notBefore ? 'notYetValid' : now > notAfter ? 'expired' : 'valid', pem: toPem(der, 'CERTIFICATE'),
      };
    } catch {
      return {
        subject: `(undecodable certificate: ${reason})`, issuer: '', serialHex: '', notBefore: '', notAfter: '', sans: [], sha256: '',
        isCA: false, selfSigned: false, mustStaple: false, extKeyUsage: [], validity: 'valid', pem: toPem(der, 'CERTIFICATE'),
      };
    }
  }
}

