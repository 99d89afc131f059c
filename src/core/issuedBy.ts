// "Did this issuer sign this certificate?", one answer for the probe (chain order, staple issuer)
// and the CA (revoking a given file): the names chain (issuer = subject, AKI = SKI where present,
// as openssl's X509_check_issued) and the signature verifies with the issuer's key.
import { X509Certificate } from 'node:crypto';

export function issuedBy(cert: Uint8Array, issuer: Uint8Array): boolean {
  try {
    const c = new X509Certificate(Buffer.from(cert));
    const i = new X509Certificate(Buffer.from(issuer));
    return c.checkIssued(i) && c.verify(i.publicKey);
  } catch {
    return false;
  }
}
