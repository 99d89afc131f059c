// The evidence behind a revocation answer, in words: one phrase used by the hover, the tree
// tooltip, Problems, the Inspect document, Verify and the CLI, so they all cite the same source.
import { formatDay } from '../dates';
import type { Evidence, RevocationAnswer } from './status';

export type FileLabel = (fileKey: string) => string;

/** "CRL #3 in crl/inter.crl.pem (this update 2026-05-01, next update 2026-06-01)". */
export function describeEvidence(e: Evidence, fileLabel: FileLabel): string {
  const next = e.kind === 'crl' ? e.crl.nextUpdate : e.nextUpdate;
  const dates = `this update ${formatDay(e.kind === 'crl' ? e.crl.thisUpdate : e.thisUpdate)}, ${next ? `next update ${formatDay(next)}` : 'no next update'}`;
  const stale = e.stale ? ', STALE: past its next update' : '';
  if (e.kind === 'ocsp') return `OCSP response in ${fileLabel(e.loc.file)} (${dates}${stale}; signature not checked)`;
  const number = e.crl.crlNumber ? ` ${crlNumberText(e.crl.crlNumber)}` : '';
  const sig = e.signature === 'unchecked' ? '; signature not checked: the issuer is not in the workspace' : '';
  return `CRL${number} in ${fileLabel(e.loc.file)} (${dates}${stale}${sig})`;
}

/** The whole answer: "not revoked per CRL #3 in ...", "revoked ... per ...", "not checked: no CRL ...". */
export function describeRevocation(a: RevocationAnswer, fileLabel: FileLabel): string {
  const src = a.source ? describeEvidence(a.source, fileLabel) : '';
  switch (a.verdict) {
    case 'revoked': return `revoked per ${src}`;
    case 'good': return `not revoked per ${src}`;
    case 'unknown': return `not checked: ${a.note ?? 'no revocation source'}${src ? ` (${src})` : ''}`;
  }
}

/** "CRL #3" (the number in decimal), or "CRL" when it has none: one name for a CRL on every surface. */
export function crlName(numberHex?: string): string {
  const n = numberHex ? crlNumberText(numberHex) : '';
  return n ? `CRL ${n}` : 'CRL';
}

/** CRL numbers are decoded as hex; people count them in decimal, as `openssl crl` prints: "#12". */
export function crlNumberText(hex: string): string {
  const n = crlNumberValue(hex);
  return n === undefined ? '' : `#${n.toString()}`;
}

/** The CRL number as a number (the model carries it as hex), for ordering and JSON. */
export function crlNumberValue(hex: string | undefined): bigint | undefined {
  const digits = hex?.replace(/[^0-9a-f]/gi, '');
  return digits ? BigInt('0x' + digits) : undefined;
}
