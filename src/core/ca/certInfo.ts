// The few fields the CA needs from a certificate (its own, or one given to `revoke`), read with
// the DER reader: no full decode.
import { OID } from '../oids';
import { X509Certificate } from 'node:crypto';
import { children, expect, integerHex, raw, readTlv, TAG, timeValue, octets, oidString, type Tlv } from '../der/reader';

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
  const cert = expect(der, 0, der.length, TAG.SEQUENCE, 'Certificate');
  const tbs = expect(der, cert.start, cert.end, TAG.SEQUENCE, 'TBSCertificate');
  const f = children(der, tbs);
  let i = 0;
  if (f[0].tag === 0xa0) i++;
  const serialTlv = f[i++];
  i++; // signature
  const issuer = f[i++];
  const validity = children(der, f[i++]);
  const subject = f[i++];
  const spki = f[i++];
  let ski: Uint8Array | undefined;
  for (; i < f.length; i++) {
    if (f[i].tag !== 0xa3) continue;
    const extSeq = readTlv(der, f[i].start, f[i].end);
    for (const e of children(der, extSeq)) {
      const parts = children(der, e);
      if (oidString(der, parts[0]) === OID.subjectKeyIdentifier) {
        const value = parts[parts.length - 1] as Tlv;
        const inner = readTlv(der, value.start, value.end);
        ski = octets(der, inner);
      }
    }
  }
  return {
    serial: integerHex(der, serialTlv),
    issuerDer: raw(der, issuer),
    subjectDer: raw(der, subject),
    spkiDer: raw(der, spki),
    notBefore: timeValue(der, validity[0]),
    notAfter: timeValue(der, validity[1]),
    subjectKeyId: ski,
    der: der.subarray(cert.offset, cert.next),
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

/** Checks that a certificate was signed by the CA key (used before revoking a given file). */
export function issuedBy(certDer: Uint8Array, caDer: Uint8Array): boolean {
  try {
    return new X509Certificate(Buffer.from(certDer)).verify(new X509Certificate(Buffer.from(caDer)).publicKey);
  } catch {
    return false;
  }
}
