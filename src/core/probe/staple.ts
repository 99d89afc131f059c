// The stapled OCSP response: checked with the OCSP client's verifier against the leaf and its
// issuer (signature, CertID, freshness). A must-staple certificate without a staple is a failure
// (RFC 7633), as browsers and OpenSSL's -status clients treat it.
import { verifyOcspResponse } from '../ocsp/client';
import { issuedBy } from '../issuedBy';
import type { StapleReport } from './types';
import { formatDate } from '../dates';

export interface StapleInput {
  requested: boolean;
  /** The staple (Node's OCSPResponse event, or read from the wire), undefined when none. */
  response?: Buffer;
  leaf?: Buffer;
  /** Candidates for the leaf's issuer: the rest of the server chain, then the trusted CAs. */
  issuerCandidates: Buffer[];
  mustStaple: boolean;
  now: Date;
}

export function checkStaple(input: StapleInput): StapleReport {
  const report: StapleReport = { requested: input.requested, present: !!input.response && input.response.length > 0, mustStaple: input.mustStaple, problems: [] };
  if (!report.present) {
    if (input.mustStaple) report.problems.push('the server certificate demands a stapled OCSP response (TLS Feature must-staple) and none was sent');
    return report;
  }
  const issuer = input.leaf ? input.issuerCandidates.find((c) => issuedBy(input.leaf!, c)) : undefined;
  if (!input.leaf || !issuer) {
    report.problems.push('cannot check the staple: the issuer of the server certificate is unknown (give it with --ca)');
    return report;
  }
  const r = verifyOcspResponse(input.response!, { cert: input.leaf, issuer, now: input.now });
  report.status = r.responseStatus === 'successful' ? r.claimedStatus ?? 'error' : r.responseStatus;
  report.revokedAt = r.revocationTime?.toISOString();
  report.reason = r.reason;
  report.thisUpdate = r.thisUpdate?.toISOString();
  report.nextUpdate = r.nextUpdate?.toISOString();
  report.producedAt = r.producedAt?.toISOString();
  report.certIdMatches = r.responseStatus === 'successful' ? !r.problems.some((p) => p.includes('does not cover')) : undefined;
  report.signatureValid = r.responseStatus === 'successful' ? !r.problems.some((p) => /signature|responder \(|responder certificate/.test(p)) : undefined;
  report.fresh = r.thisUpdate ? !r.problems.some((p) => /stale|future/.test(p)) : undefined;
  report.problems.push(...r.problems);
  if (r.valid && r.status === 'revoked') report.problems.push(`the staple says the server certificate is REVOKED${r.revocationTime ? ` since ${formatDate(r.revocationTime)}` : ''}${r.reason ? ` (${r.reason})` : ''}`);
  if (r.valid && r.status === 'unknown') report.problems.push('the responder does not know the server certificate (status unknown)');
  return report;
}

/** True when the staple is fine: present, valid and good (or not requested/needed). */
export function stapleOk(s: StapleReport): boolean {
  if (!s.present) return !s.mustStaple;
  return s.status === 'good' && s.problems.length === 0;
}
