// The server's chain: what was sent, whether it leads to the given CA, and what is wrong with it
// in words (wrong order, missing intermediate, self-signed, expired member).
import { issuedBy } from '../issuedBy';
import { summarizeSafe } from './certs';
import type { ChainReport } from './types';
import { formatIso } from '../dates';

export interface ChainInput {
  /** DER certificates, leaf first, in the order received. */
  certificates: Buffer[];
  origin: 'wire' | 'node';
  /** Node's verdict (rejectUnauthorized:false): authorized + authorizationError code. */
  authorized: boolean;
  authorizationError?: string;
  /** DER of the trusted CA certificates given with --ca (empty: Node's default bundle). */
  trusted: Buffer[];
  now: Date;
}

export function analyseChain(input: ChainInput): ChainReport {
  const problems: string[] = [];
  const certificates = input.certificates.map((der) => summarizeSafe(der, input.now));
  const certs = input.certificates;
  // Node reports the hostname mismatch as an authorization error too; that has its own step.
  const hostOnly = input.authorizationError === 'ERR_TLS_CERT_ALTNAME_INVALID';
  const report: ChainReport = {
    certificates,
    origin: input.origin,
    trusted: input.authorized || hostOnly,
    errorCode: hostOnly ? undefined : input.authorizationError,
    problems,
  };
  if (certs.length === 0) {
    problems.push('the server sent no certificate');
    report.trusted = false;
    return report;
  }
  certificates.forEach((c, i) => {
    if (c.validity === 'expired') problems.push(`${i === 0 ? 'the server certificate' : `chain certificate #${i}`} (${c.subject}) expired on ${formatIso(c.notAfter)}`);
    if (c.validity === 'notYetValid') problems.push(`${i === 0 ? 'the server certificate' : `chain certificate #${i}`} (${c.subject}) is not valid before ${c.notBefore}`);
  });
  if (certificates[0].selfSigned) {
    problems.push(`the server certificate is self-signed (${certificates[0].subject})`);
  }
  // Order: each certificate should be signed by the next one.
  for (let i = 0; i + 1 < certs.length; i++) {
    if (!issuedBy(certs[i], certs[i + 1])) {
      const j = certs.findIndex((c, k) => k !== i && issuedBy(certs[i], c));
      if (j >= 0) problems.push(`wrong order: certificate #${i} (${certificates[i].subject}) is followed by #${i + 1} instead of its issuer #${j}`);
      else if (!certificates[i].selfSigned) problems.push(`certificate #${i + 1} (${certificates[i + 1].subject}) did not issue #${i} (${certificates[i].subject}): unrelated certificate in the chain`);
    }
  }
  // Missing intermediate: the last certificate sent is not self-signed and no trusted CA issued it.
  const last = certs[certs.length - 1];
  const lastSummary = certificates[certs.length - 1];
  if (!lastSummary.selfSigned && input.trusted.length > 0 && !input.trusted.some((t) => issuedBy(last, t))) {
    if (lastSummary.isCA) {
      problems.push(`the chain ends at "${lastSummary.subject}", issued by "${lastSummary.issuer}", which is not in the given CA file`);
    } else {
      problems.push(`incomplete chain: the server sent no intermediate; the issuer of its certificate ("${lastSummary.issuer}") is neither sent nor in the given CA file`);
    }
  }
  if (!report.trusted && problems.length === 0) {
    problems.push(`the chain is not trusted (${input.authorizationError ?? 'unknown reason'})`);
  }
  return report;
}
