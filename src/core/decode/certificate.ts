// X.509 certificates -> CertificateModel, read with the small DER reader (Node's X509Certificate
// does not expose most extensions; pkijs is ~80x slower).
import { createHash } from 'node:crypto';
import { bitStringBytes, colonHex, integerHex, raw, type Tlv } from '../der/reader';
import type { CertificateModel, CertificateSummary, DistinguishedName } from '../model';
import { splitCertificate } from '../x509/certificate';
import type { RawExtension } from '../x509/extension';
import { EXT } from '../x509/extensions/registry';
import { decodeName } from '../x509/name';
import { decoding } from './errors';
import { decodeExtensionsFromRaw } from './extensions';
import { algorithmIdentifier, verifyCertificateWithKey } from './signature';
import { decodeSpki } from './spki';

function serialColon(der: Uint8Array, serial: Tlv): string {
  let s = serial.start;
  while (s < serial.end - 1 && der[s] === 0) s++;
  return colonHex(der.subarray(s, serial.end));
}

/** basicConstraints cA alone (listings): an undecodable value counts as not a CA. */
function isCa(extensions: RawExtension[]): boolean {
  const bc = extensions.find((e) => e.oid === EXT.basicConstraints.oid);
  try {
    return bc ? EXT.basicConstraints.decode(bc.value).ca : false;
  } catch {
    return false;
  }
}

/** Full decoding: every field and extension, fingerprints and the self-signature check. */
export function decodeCertificate(input: Uint8Array): CertificateModel {
  return decoding('certificate', () => {
    const p = splitCertificate(input);
    const der = p.der;
    const issuer = decodeName(der, p.issuer);
    const subject = decodeName(der, p.subject);
    const extensions = decodeExtensionsFromRaw(p.extensions);
    const signatureAlgorithm = algorithmIdentifier(der, p.sigAlg);
    const model: CertificateModel = {
      kind: 'certificate',
      version: p.version,
      serialHex: integerHex(der, p.serial),
      serialColon: serialColon(der, p.serial),
      signatureAlgorithm,
      issuer,
      subject,
      notBefore: p.notBefore,
      notAfter: p.notAfter,
      publicKey: decodeSpki(der, p.spki),
      extensions,
      fingerprints: {
        sha1: createHash('sha1').update(der).digest('hex'),
        sha256: createHash('sha256').update(der).digest('hex'),
      },
      selfSigned: false,
      isCA: extensions.basicConstraints?.ca ?? false,
      der,
    };
    if (issuer.derHex === subject.derHex) {
      // Only self-issued certificates need the signature check, and it costs more than all the
      // parsing (public-key import + verify): run it on first read of `selfSigned`, then keep it.
      const tbs = raw(der, p.tbs);
      const sig = bitStringBytes(der, p.sigValue);
      const spki = raw(der, p.spki);
      Object.defineProperty(model, 'selfSigned', {
        enumerable: true,
        configurable: true,
        get(): boolean {
          const value = verifyCertificateWithKey(der, signatureAlgorithm.oid, tbs, sig, spki);
          Object.defineProperty(model, 'selfSigned', { value, enumerable: true, writable: true, configurable: true });
          return value;
        },
      });
    }
    return model;
  });
}

/**
 * Cheap path for listings (tree views, bundles with hundreds of certificates): names, serial,
 * validity, CA flag and SHA-256 fingerprint; no extension decoding, no signature check.
 */
export function summarizeCertificate(input: Uint8Array): CertificateSummary {
  return decoding('certificate', () => {
    const p = splitCertificate(input);
    const der = p.der;
    const subject: DistinguishedName = decodeName(der, p.subject);
    const issuer: DistinguishedName = decodeName(der, p.issuer);
    return {
      kind: 'certificateSummary',
      serialHex: integerHex(der, p.serial),
      subject,
      issuer,
      notBefore: p.notBefore,
      notAfter: p.notAfter,
      isCA: isCa(p.extensions),
      selfIssued: subject.derHex === issuer.derHex,
      sha256: createHash('sha256').update(der).digest('hex'),
    };
  });
}
