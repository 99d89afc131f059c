// One-line summaries of decoded objects: CodeLens titles, tree descriptions, outline details,
// e.g. "Certificate · CN=broker · expires in 23 days". Never includes key material.
import { shortName } from '../x509/name';
import type { CertificateModel, DecodedObject, DecodeError, PublicKeyInfo } from '../model';
import { formatDay } from '../dates';
import { certStatus, plural, type CertStatus } from '../revocation/certStatus';
import { isStale } from '../revocation/status';
import { forTerminal } from './safeText';

export { shortName };

export interface SummaryContext {
  now: Date;
  expiringDays: number;
  /** Status with workspace revocation applied; defaults to a time-only status. */
  status?: (cert: CertificateModel) => CertStatus;
}

export function kindLabel(obj: DecodedObject | DecodeError): string {
  switch (obj.kind) {
    case 'certificate': return 'Certificate';
    case 'crl': return 'CRL';
    case 'ocspResponse': return 'OCSP response';
    case 'ocspRequest': return 'OCSP request';
    case 'csr': return 'CSR';
    case 'privateKey': return 'Private key';
    case 'publicKey': return 'Public key';
    case 'pkcs7': return 'PKCS#7 bundle';
    case 'pkcs12': return 'PKCS#12 store';
    case 'error': return `Malformed ${obj.label}`;
  }
}


export function keyDescription(k: PublicKeyInfo | undefined): string {
  if (!k) return 'unknown key';
  if (k.algorithm === 'EC') return `EC ${k.curve ?? ''}`.trim();
  if (k.bits) return `${k.algorithm} ${k.bits}`;
  return k.algorithm === 'unknown' ? `key ${k.algorithmOid}` : k.algorithm;
}

export function statusOf(cert: CertificateModel, ctx: SummaryContext): CertStatus {
  return ctx.status ? ctx.status(cert) : certStatus(cert, ctx.now, ctx.expiringDays);
}

/** "Certificate · CN=broker · expires in 23 days". */
export function summarize(obj: DecodedObject | DecodeError, ctx: SummaryContext): string {
  const parts = [kindLabel(obj), ...details(obj, ctx)];
  return forTerminal(parts.join(' · ')); // one line of plain text: names and messages come from files
}

function details(obj: DecodedObject | DecodeError, ctx: SummaryContext): string[] {
  switch (obj.kind) {
    case 'certificate': {
      const s = statusOf(obj, ctx);
      return [shortName(obj.subject), ...(obj.isCA ? [obj.selfSigned ? 'root CA' : 'CA'] : []), s.text];
    }
    case 'crl': {
      const next = obj.nextUpdate
        ? isStale(obj.nextUpdate, ctx.now) ? `stale since ${formatDay(obj.nextUpdate)}` : `next update ${formatDay(obj.nextUpdate)}`
        : 'no next update';
      return [shortName(obj.issuer), `${obj.entryCount} ${obj.entryCount === 1 ? 'entry' : 'entries'}`, next];
    }
    case 'ocspResponse': {
      if (!obj.basic) return [obj.responseStatus];
      const counts = new Map<string, number>();
      for (const r of obj.basic.responses) counts.set(r.certStatus.status, (counts.get(r.certStatus.status) ?? 0) + 1);
      return [...counts].map(([s, n]) => `${n} ${s}`);
    }
    case 'ocspRequest': return [plural(obj.certIds.length, 'certificate')];
    case 'csr': return [shortName(obj.subject), keyDescription(obj.publicKey), ...(obj.signatureValid ? [] : ['bad signature'])];
    case 'privateKey': case 'publicKey': return [obj.encrypted ? 'encrypted' : keyDescription(obj.publicKey)];
    case 'pkcs7': return [plural(obj.certificates.length, 'certificate'), ...(obj.crls.length ? [plural(obj.crls.length, 'CRL')] : [])];
    case 'pkcs12': return obj.opened
      ? [plural(obj.certificates.length, 'certificate'), plural(obj.keys.length, 'key')]
      : [obj.error ?? 'password needed'];
    case 'error': return [obj.message];
  }
}
