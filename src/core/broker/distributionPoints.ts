// The CRL distribution points of a certificate as EMQX 5 uses them: URIs from the extension, http
// only (EMQX before 6.2 does not fetch https).
import { findPemBlocks } from '../pem';
import { decodeCertificate } from '../decode/certificate';
import type { CertificateModel } from '../model';

export function cdpUrls(cert: CertificateModel): string[] {
  return (cert.extensions.crlDistributionPoints ?? []).flatMap((d) => d.urls);
}

export function isHttpUrl(url: string): boolean {
  return /^http:\/\//i.test(url);
}

/** The http CDP URLs of the first certificate in a PEM text ([] when there is none). */
export function httpCdpUrls(pem: string): string[] {
  const block = findPemBlocks(pem).find((b) => b.label === 'CERTIFICATE' && b.der);
  if (!block?.der) return [];
  try {
    return cdpUrls(decodeCertificate(block.der)).filter(isHttpUrl);
  } catch {
    return [];
  }
}
