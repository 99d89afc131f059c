// Status of a certificate as the tree, hover, CodeLens and diagnostics show it. The clock is a
// parameter so tests and fixtures can be checked at a fixed time.
import type { CertificateModel, CrlModel } from '../model';
import type { Revocation } from './revocation';

const DAY = 86_400_000;

export type CertState = 'valid' | 'expiringSoon' | 'expired' | 'notYetValid' | 'revoked';

export interface CertStatus {
  state: CertState;
  /** Whole days until notAfter (negative once expired). */
  daysLeft: number;
  /** "expires in 23 days", "expired 4 days ago", "not valid until 2027-01-01", "revoked 2026-05-01". */
  text: string;
  revocation?: Revocation;
  selfSigned: boolean;
  isCA: boolean;
}

export function certStatus(cert: CertificateModel, now: Date, expiringDays: number, revocation?: Revocation): CertStatus {
  const daysLeft = Math.floor((cert.notAfter.getTime() - now.getTime()) / DAY);
  const base = { daysLeft, selfSigned: cert.selfSigned, isCA: cert.isCA };
  if (revocation) {
    const reason = revocation.entry.reason && revocation.entry.reason !== 'unspecified' ? ` (${revocation.entry.reason})` : '';
    return { ...base, state: 'revoked', revocation, text: `revoked ${isoDay(revocation.entry.revocationDate)}${reason}` };
  }
  if (now.getTime() > cert.notAfter.getTime()) {
    const ago = Math.max(0, Math.floor((now.getTime() - cert.notAfter.getTime()) / DAY));
    return { ...base, state: 'expired', text: ago === 0 ? 'expired today' : `expired ${plural(ago, 'day')} ago` };
  }
  if (now.getTime() < cert.notBefore.getTime()) {
    return { ...base, state: 'notYetValid', text: `not valid until ${isoDay(cert.notBefore)}` };
  }
  const text = daysLeft === 0 ? 'expires today' : `expires in ${plural(daysLeft, 'day')}`;
  return { ...base, state: daysLeft < expiringDays ? 'expiringSoon' : 'valid', text };
}

export function crlIsStale(crl: CrlModel, now: Date): boolean {
  return crl.nextUpdate !== undefined && crl.nextUpdate.getTime() < now.getTime();
}

export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
