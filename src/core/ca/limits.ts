// What the CA accepts for dates and folder names, so that nothing it writes is unreadable later:
// index.txt and certificates hold times as UTCTime/GeneralizedTime, whose last second is
// 9999-12-31T23:59:59Z (RFC 5280 4.1.2.5: "99991231235959Z" means "no well-defined expiration").
// issued/<name>/ must be one plain folder inside issued/, never "." or "..", never a path.
import { CaError } from './caError';

/** 99991231235959Z: the latest time X.509 and index.txt can hold. */
const MAX_X509_TIME = new Date(Date.UTC(9999, 11, 31, 23, 59, 59));
/** UTCTime starts in 1950; earlier dates would be written in a form openssl's index.txt reader rejects. */
const MIN_X509_TIME = new Date(Date.UTC(1950, 0, 1, 0, 0, 0));

/** A validity end past 9999-12-31T23:59:59Z (or not a date at all, e.g. from a huge --days) is clamped to it. */
export function clampValidity(d: Date): Date {
  return d.getTime() <= MAX_X509_TIME.getTime() ? d : new Date(MAX_X509_TIME);
}

/** Refuses a time index.txt or a certificate cannot record (outside 1950..9999, or invalid). */
export function checkRecordableTime(d: Date, what: string): void {
  const t = d.getTime();
  if (!(t >= MIN_X509_TIME.getTime() && t <= MAX_X509_TIME.getTime())) {
    throw new CaError(`${what} must be between 1950-01-01 and 9999-12-31T23:59:59Z`);
  }
}

/** 100 years: openssl.cnf's default_crl_days must stay a date openssl can compute (it fails on huge values). */
const MAX_CRL_HOURS = 100 * 365 * 24;

/** A CRL validity (nextUpdate - thisUpdate) is a positive number of hours, at most MAX_CRL_HOURS. */
export function checkCrlHours(hours: unknown, what: string): void {
  if (typeof hours !== 'number' || !(hours > 0 && hours <= MAX_CRL_HOURS)) {
    throw new CaError(`${what} must be a positive number of hours, at most ${MAX_CRL_HOURS} (100 years)`);
  }
}

const FOLDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Why `name` cannot be an issued/<name>/ folder, or undefined when it can. */
export function validFolderNameProblem(name: string): string | undefined {
  if (FOLDER_NAME.test(name)) return undefined;
  return 'cannot be a folder name: use 1-100 letters, digits, ".", "_" or "-", starting with a letter or digit';
}

/** The folder name derived from a CN: unsafe characters become "_", never empty, ".", "..". */
export function issuedFolderName(cn: string): string {
  const s = cn.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._-]+/, '').slice(0, 100);
  return s && FOLDER_NAME.test(s) ? s : 'cert';
}
