// Which loaded CRLs the broker may use: signed by one of the trusted client CAs (checked once,
// when the CRL is loaded, not per handshake), and of a kind we evaluate correctly (complete CRLs,
// not delta or indirect ones).
import { X509Certificate } from 'node:crypto';
import { bitStringBytes, raw } from '../der/reader';
import { splitCrl } from '../x509/crl';
import { verifySignature } from '../decode/signature';
import type { CertificateModel, CrlModel } from '../model';

/** Why the CRL cannot be used, or undefined when it can. */
export function crlProblem(crl: CrlModel, trustedCas: readonly CertificateModel[]): string | undefined {
  if (crl.deltaCrlIndicator !== undefined) return 'delta CRLs are not supported: load the complete CRL';
  if (crl.issuingDistributionPoint?.indirect) return 'indirect CRLs are not supported';
  const ca = trustedCas.find((c) => c.subject.derHex === crl.issuer.derHex);
  if (!ca) return `its issuer "${crl.issuer.rfc4514}" is not one of the trusted client CAs (cacertfile)`;
  const { tbs, sigValue } = splitCrl(crl.der);
  const ok = verifySignature(crl.signatureAlgorithm.oid, raw(crl.der, tbs), bitStringBytes(crl.der, sigValue), new X509Certificate(Buffer.from(ca.der)).publicKey);
  if (ok === undefined) return `its signature algorithm ${crl.signatureAlgorithm.name} cannot be checked`;
  if (!ok) return `its signature does not verify with the key of "${ca.subject.rfc4514}"`;
  return undefined;
}
