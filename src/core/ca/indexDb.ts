// OpenSSL's `ca` database (index.txt): one certificate per line, six tab-separated fields:
//   status (V valid, R revoked, E expired) | expiry time | revocation time[,reason[,arg]] |
//   serial (uppercase hex, even length) | file name ("unknown") | subject as /C=../O=../CN=..
// Times are ASN.1 strings: YYMMDDHHMMSSZ before 2050, YYYYMMDDHHMMSSZ from 2050 (as openssl writes).
// Read and written here exactly as `openssl ca` does, so both tools can share one directory.
import { opensslSerial, serialKey } from '../serial';
import type { RevocationReason } from '../model';

export interface IndexEntry {
  status: 'V' | 'R' | 'E';
  expires: Date;
  revoked?: {
    date: Date;
    reason?: RevocationReason;
    /** certificateHold: the hold instruction OID; keyCompromise/cACompromise: the compromise time. */
    holdInstruction?: string;
    compromiseTime?: Date;
  };
  /** Uppercase hex, even length, no extra leading zero bytes (openssl's BN_bn2hex form). */
  serialHex: string;
  file: string;
  subject: string;
}

/** openssl's spelling of each reason in index.txt (crl_reasons[] in apps/ca.c). */
const REASON_TO_OPENSSL: Record<RevocationReason, string> = {
  unspecified: 'unspecified',
  keyCompromise: 'keyCompromise',
  cACompromise: 'CACompromise',
  affiliationChanged: 'affiliationChanged',
  superseded: 'superseded',
  cessationOfOperation: 'cessationOfOperation',
  certificateHold: 'certificateHold',
  removeFromCRL: 'removeFromCRL',
  privilegeWithdrawn: 'privilegeWithdrawn',
  aACompromise: 'aACompromise',
};

const OPENSSL_TO_REASON = new Map<string, RevocationReason>(
  Object.entries(REASON_TO_OPENSSL).map(([k, v]) => [v.toLowerCase(), k as RevocationReason]),
);

export function parseReason(text: string): RevocationReason | undefined {
  return OPENSSL_TO_REASON.get(text.toLowerCase());
}

export class IndexFormatError extends Error {
  constructor(message: string, readonly line: number) {
    super(`index.txt line ${line}: ${message}`);
    this.name = 'IndexFormatError';
  }
}

/** Parses index.txt. Throws IndexFormatError with the line number on a malformed line. */
export function readIndex(text: string): IndexEntry[] {
  const out: IndexEntry[] = [];
  let lineNo = 0;
  let pos = 0;
  // Fields are cut with indexOf rather than split(): 100k-line databases are read on every change.
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    lineNo++;
    let lineEnd = end;
    if (lineEnd > pos && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    if (lineEnd > pos) out.push(parseIndexLine(text, pos, lineEnd, lineNo));
    pos = end + 1;
  }
  return out;
}

/** Parses one line (text[start, end)) of index.txt; lineNo is for error messages. */
export function parseIndexLine(text: string, start: number, end: number, lineNo: number): IndexEntry {
  const tabs: number[] = [];
  for (let p = text.indexOf('\t', start); p >= 0 && p < end && tabs.length < 5; p = text.indexOf('\t', p + 1)) tabs.push(p);
  if (tabs.length < 5) throw new IndexFormatError(`expected 6 tab-separated fields, found ${tabs.length + 1}`, lineNo);
  const status = text.slice(start, tabs[0]);
  const exp = text.slice(tabs[0] + 1, tabs[1]);
  const rev = text.slice(tabs[1] + 1, tabs[2]);
  const serial = text.slice(tabs[2] + 1, tabs[3]);
  const file = text.slice(tabs[3] + 1, tabs[4]);
  const subject = text.slice(tabs[4] + 1, end);
  if (status !== 'V' && status !== 'R' && status !== 'E') throw new IndexFormatError(`unknown status "${status}"`, lineNo);
  const expires = parseAsn1Time(exp);
  if (!expires) throw new IndexFormatError(`bad expiry time "${exp}"`, lineNo);
  if (!/^[0-9A-Fa-f]+$/.test(serial)) throw new IndexFormatError(`bad serial "${serial}"`, lineNo);
  const entry: IndexEntry = { status, expires, serialHex: opensslSerial(serial), file, subject };
  if (rev) {
    const revoked = parseRevocationField(rev);
    if (!revoked) throw new IndexFormatError(`bad revocation field "${rev}"`, lineNo);
    entry.revoked = revoked;
  } else if (status === 'R') {
    throw new IndexFormatError('status R without a revocation time', lineNo);
  }
  return entry;
}

function parseRevocationField(rev: string): IndexEntry['revoked'] | undefined {
  const c1 = rev.indexOf(',');
  if (c1 < 0) {
    const d = parseAsn1Time(rev);
    return d ? { date: d } : undefined;
  }
  const [time, reasonText, arg] = rev.split(',');
  const date = parseAsn1Time(time);
  if (!date) return undefined;
  const out: NonNullable<IndexEntry['revoked']> = { date };
  if (!reasonText) return out;
  // openssl stores "-crl_compromise" as keyTime/CAkeyTime and a hold as certificateHold,<oid>.
  const lower = reasonText.toLowerCase();
  if (lower === 'keytime' || lower === 'cakeytime') {
    out.reason = lower === 'keytime' ? 'keyCompromise' : 'cACompromise';
    const t = arg ? parseAsn1Time(arg) : undefined;
    if (t) out.compromiseTime = t;
    return out;
  }
  if (lower === 'holdinstruction') {
    out.reason = 'certificateHold';
    if (arg) out.holdInstruction = arg;
    return out;
  }
  const reason = parseReason(reasonText);
  if (!reason) return undefined;
  out.reason = reason;
  if (reason === 'certificateHold' && arg) out.holdInstruction = arg;
  return out;
}

/** Serialises entries to index.txt text (a trailing newline after each line, as openssl writes). */
export function formatIndex(entries: readonly IndexEntry[]): string {
  let s = '';
  for (const e of entries) {
    let rev = '';
    if (e.revoked) {
      rev = formatAsn1Time(e.revoked.date);
      const r = e.revoked.reason;
      if (r && e.revoked.compromiseTime && (r === 'keyCompromise' || r === 'cACompromise')) {
        // openssl stores the compromise time as GeneralizedTime.
        rev += `,${r === 'keyCompromise' ? 'keyTime' : 'CAkeyTime'},${formatGeneralizedTime(e.revoked.compromiseTime)}`;
      } else if (r === 'certificateHold' && e.revoked.holdInstruction) {
        rev += `,holdInstruction,${e.revoked.holdInstruction}`;
      } else if (r) {
        rev += ',' + REASON_TO_OPENSSL[r];
      }
    }
    s += `${e.status}\t${formatAsn1Time(e.expires)}\t${rev}\t${opensslSerial(e.serialHex)}\t${e.file || 'unknown'}\t${e.subject}\n`;
  }
  return s;
}


/** YYMMDDHHMMSSZ (UTCTime) or YYYYMMDDHHMMSSZ (GeneralizedTime). Hand-parsed: 100k-line databases. */
export function parseAsn1Time(s: string): Date | undefined {
  const n = s.length;
  if ((n !== 13 && n !== 15) || s.charCodeAt(n - 1) !== 0x5a) return undefined;
  const yl = n === 13 ? 2 : 4;
  let year = digitsAt(s, 0, yl);
  if (yl === 2) year += year < 50 ? 2000 : 1900;
  const month = digitsAt(s, yl, 2); const day = digitsAt(s, yl + 2, 2); const hour = digitsAt(s, yl + 4, 2);
  const min = digitsAt(s, yl + 6, 2); const sec = digitsAt(s, yl + 8, 2);
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && min <= 59 && sec <= 60)) return undefined;
  return new Date(Date.UTC(year, month - 1, day, hour, min, sec));
}

// Module-level (not a closure): this runs twice per line of a 100k-line database.
function digitsAt(s: string, i: number, len: number): number {
  let v = 0;
  for (let k = i; k < i + len; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}

/** As openssl prints an ASN1_TIME from X509_gmtime_adj: UTCTime until 2049, GeneralizedTime after. */
export function formatAsn1Time(d: Date): string {
  const y = d.getUTCFullYear();
  const p = (n: number) => String(n).padStart(2, '0');
  const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return y >= 1950 && y < 2050 ? `${p(y % 100)}${rest}` : `${String(y).padStart(4, '0')}${rest}`;
}

function formatGeneralizedTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${String(d.getUTCFullYear()).padStart(4, '0')}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}

/** O(1) lookup table by serial (key from serialKey()). */
export function indexBySerial(entries: readonly IndexEntry[]): Map<string, IndexEntry> {
  const m = new Map<string, IndexEntry>();
  for (const e of entries) m.set(serialKey(e.serialHex), e);
  return m;
}
