import { formatDay } from '../dates';
import type { CertificateModel, ValidityAt } from '../model';

const DAY = 86_400_000;


/** Status of a certificate at `now`, with a short phrase for labels and hovers. */
export function validityAt(cert: Pick<CertificateModel, 'notBefore' | 'notAfter'>, now: Date): ValidityAt {
  const daysLeft = Math.floor((cert.notAfter.getTime() - now.getTime()) / DAY);
  if (now.getTime() < cert.notBefore.getTime()) {
    return { status: 'notYetValid', daysLeft, text: `not valid until ${formatDay(cert.notBefore)}` };
  }
  if (now.getTime() > cert.notAfter.getTime()) {
    const ago = Math.floor((now.getTime() - cert.notAfter.getTime()) / DAY);
    return { status: 'expired', daysLeft, text: ago === 0 ? 'expired today' : `expired ${ago} day${ago === 1 ? '' : 's'} ago` };
  }
  return { status: 'valid', daysLeft, text: daysLeft === 0 ? 'expires today' : `expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'}` };
}
