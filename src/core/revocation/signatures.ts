// Signature checks the revocation service needs: "did this CA sign this CRL" and "did this CA sign
// this certificate" (two CAs may share a name; only the key tells them apart). Each answer is
// cached per pair, so a workspace with thousands of certificates checks each CRL once per issuer.
import { X509Certificate } from 'node:crypto';
import { bitStringBytes, children, expect, oidString, raw, spkiKeyBits, TAG } from '../der/reader';
import type { CertificateModel, CrlModel } from '../model';
import { checkSignature } from '../verify/signature';

const spkiCache = new WeakMap<CertificateModel, Uint8Array | null>();

/** The DER SubjectPublicKeyInfo of a certificate (null when Node cannot read the key). */
function spkiOf(cert: CertificateModel): Uint8Array | null {
  let spki = spkiCache.get(cert);
  if (spki === undefined) {
    try {
      spki = new Uint8Array(new X509Certificate(Buffer.from(cert.der)).publicKey.export({ type: 'spki', format: 'der' }));
    } catch {
      spki = null;
    }
    spkiCache.set(cert, spki);
  }
  return spki;
}

/** The subjectPublicKey BIT STRING contents (what OCSP's issuerKeyHash hashes). */
export function subjectPublicKeyBits(cert: CertificateModel): Uint8Array | undefined {
  const spki = spkiOf(cert);
  try {
    return spki ? spkiKeyBits(spki) : undefined;
  } catch {
    return undefined;
  }
}

/** The signed part, algorithm and signature of a certificate or CRL (both are SEQUENCE { tbs, alg, sig }). */
function signedParts(der: Uint8Array): { tbs: Uint8Array; alg: { oid: string; params?: Uint8Array }; sig: Uint8Array } {
  const top = expect(der, 0, der.length, TAG.SEQUENCE, 'signed object');
  const [tbsT, algT, sigT] = children(der, top);
  const algParts = children(der, algT);
  return {
    tbs: raw(der, tbsT),
    alg: { oid: oidString(der, algParts[0]), ...(algParts[1] ? { params: raw(der, algParts[1]) } : {}) },
    sig: bitStringBytes(der, sigT),
  };
}

/** True when `signer`'s key verifies the signature over `der` (a certificate or a CRL). */
function signedBy(der: Uint8Array, signer: CertificateModel): boolean {
  const spki = spkiOf(signer);
  if (!spki) return false;
  try {
    const p = signedParts(der);
    return checkSignature(p.tbs, p.alg, p.sig, spki).ok;
  } catch {
    return false;
  }
}

export class SignatureCache {
  private readonly answers = new Map<string, boolean>();

  crlSignedBy(crl: CrlModel, issuer: CertificateModel, crlId: string): boolean {
    return this.memo(`crl|${crlId}|${issuer.fingerprints.sha256}`, () => signedBy(crl.der, issuer));
  }

  certSignedBy(cert: CertificateModel, issuer: CertificateModel): boolean {
    return this.memo(`cert|${cert.fingerprints.sha256}|${issuer.fingerprints.sha256}`, () => signedBy(cert.der, issuer));
  }

  private memo(key: string, f: () => boolean): boolean {
    let v = this.answers.get(key);
    if (v === undefined) { v = f(); this.answers.set(key, v); }
    return v;
  }
}
