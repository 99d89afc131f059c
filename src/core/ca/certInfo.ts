// The few fields the CA needs from a certificate (its own, or one given to `revoke`): a thin view
// over the path-validation view (verify/parse.ts) of the one parse layer (x509/), so the CA does
// not walk the DER a second way.
import { parseCertificate } from '../verify/parse';

export interface CertInfo {
  /** Lowercase hex, no leading zeros (serialKey form). */
  serial: string;
  issuerDer: Uint8Array;
  subjectDer: Uint8Array;
  spkiDer: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  subjectKeyId?: Uint8Array;
  der: Uint8Array;
}

export function certInfo(der: Uint8Array): CertInfo {
  const p = parseCertificate(der);
  return {
    serial: p.serial,
    issuerDer: p.issuer.der,
    subjectDer: p.subject.der,
    spkiDer: p.spki,
    notBefore: p.notBefore,
    notAfter: p.notAfter,
    ...(p.subjectKeyId !== undefined ? { subjectKeyId: Buffer.from(p.subjectKeyId, 'hex') } : {}),
    der: p.der,
  };
}

/** First certificate of a PEM text, or DER bytes as given. */
export function certDerFrom(input: string | Uint8Array): Uint8Array {
  if (typeof input === 'string' || !(input[0] === 0x30)) {
    const text = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
    const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(text);
    if (!m) throw new Error('no PEM certificate found');
    return Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
  }
  return input;
}

