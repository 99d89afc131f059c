import type { CertificateModel, ValidityAt } from '../model';

const DAY = 86_400_000;

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Status of a certificate at `now`, with a short phrase for labels and hovers. */
export function validityAt(cert: Pick<CertificateModel, 'notBefore' | 'notAfter'>, now: Date): ValidityAt {
  const daysLeft = Math.floor((cert.notAfter.getTime() - now.getTime()) / DAY);
  if (now.getTime() < cert.notBefore.getTime()) {
    return { status: 'notYetValid', daysLeft, text: `not valid until ${isoDate(cert.notBefore)}` };
  }
  if (now.getTime() > cert.notAfter.getTime()) {
    const ago = Math.floor((now.getTime() - cert.notAfter.getTime()) / DAY);
    return { status: 'expired', daysLeft, text: ago === 0 ? 'expired today' : `expired ${ago} day${ago === 1 ? '' : 's'} ago` };
  }
  return { status: 'valid', daysLeft, text: daysLeft === 0 ? 'expires today' : `expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'}` };
}

/**
 * Canonical serial form used for every lookup: lowercase hex, no colons/spaces, no leading zeros
 * ("0" for zero). Accepts "0A:1B", "0x0a1b", "serial=0A1B", "0a 1b".
 */
export function normalizeSerial(hexOrColon: string): string {
  let s = hexOrColon.trim().replace(/^serial\s*=\s*/i, '');
  const negative = s.startsWith('-');
  if (negative) s = s.slice(1);
  s = s.replace(/^0x/i, '').replace(/[:\s]/g, '').toLowerCase();
  if (!/^[0-9a-f]*$/.test(s)) throw new Error(`not a hex serial number: ${JSON.stringify(hexOrColon)}`);
  s = s.replace(/^0+/, '') || '0';
  return negative && s !== '0' ? `-${s}` : s;
}
