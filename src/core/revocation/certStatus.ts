// A certificate's status as every surface shows it: revocation (its own, then its CAs') first,
// then the validity dates. The clock is a parameter so tests and fixtures are checked at a fixed time.
import { shortName } from '../x509/name';
import { validityAt } from '../decode/validity';
import { formatDay } from '../dates';
import type { CertificateModel } from '../model';
import type { RevocationAnswer, RevocationService } from './status';

export type CertState = 'valid' | 'expiringSoon' | 'expired' | 'notYetValid' | 'revoked' | 'issuerRevoked';

export interface CertStatus {
  state: CertState;
  /** Whole days until notAfter (negative once expired). */
  daysLeft: number;
  /** "expires in 23 days", "expired 4 days ago", "revoked 2026-05-01 (keyCompromise)", "issuer CN=X revoked 2026-05-01". */
  text: string;
  /** The certificate's own revocation status with its evidence. */
  revocation: RevocationAnswer;
  /** A CA above it that is revoked (state issuerRevoked). */
  revokedIssuer?: { cert: CertificateModel; answer: RevocationAnswer };
  selfSigned: boolean;
  isCA: boolean;
}

const NOT_CHECKED: RevocationAnswer = { verdict: 'unknown', note: 'no workspace CRLs consulted' };

/** Status with the service's revocation answers; without a service, dates only. */
export function certStatus(cert: CertificateModel, now: Date, expiringDays: number, service?: RevocationService): CertStatus {
  // The dates: the one validity rule (decode/validity.ts), shared with `certscope inspect --json`.
  const v = validityAt(cert, now);
  const daysLeft = v.daysLeft;
  const revocation = service?.revocation(cert) ?? NOT_CHECKED;
  const base = { daysLeft, selfSigned: cert.selfSigned, isCA: cert.isCA, revocation };
  if (revocation.verdict === 'revoked') return { ...base, state: 'revoked', text: revokedText(revocation) };
  const revokedIssuer = service?.revokedIssuer(cert);
  if (revokedIssuer) {
    return { ...base, state: 'issuerRevoked', revokedIssuer, text: `issuing CA ${shortName(revokedIssuer.cert.subject)} ${revokedText(revokedIssuer.answer)}` };
  }
  if (v.status !== 'valid') return { ...base, state: v.status, text: v.text };
  return { ...base, state: daysLeft < expiringDays ? 'expiringSoon' : 'valid', text: v.text };
}

/** "revoked 2026-05-01 (keyCompromise)". */
export function revokedText(a: RevocationAnswer): string {
  const parts = ['revoked'];
  if (a.revokedAt) parts.push(formatDay(a.revokedAt));
  if (a.reason && a.reason !== 'unspecified') parts.push(`(${a.reason})`);
  return parts.join(' ');
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
