// X.509 certificates -> CertificateModel, read with the small DER reader (Node's X509Certificate
// does not expose most extensions; pkijs is ~80x slower).
import { OID } from '../oids';
import { createHash } from 'node:crypto';
import { bitStringBytes, children, colonHex, integerHex, integerValue, raw, readTlv, TAG, timeValue, type Tlv } from '../der/reader';
import type { CertificateModel, CertificateSummary, DistinguishedName } from '../model';
import { decoding, DecodeFailure } from './errors';
import { decodeExtensionsFromRaw, readExtensions } from './extensions';
import { decodeName } from './name';
import { algorithmIdentifier, verifyCertificateWithKey } from './signature';
import { decodeSpki } from './spki';

interface CertParts {
  top: Tlv;
  tbs: Tlv;
  version: number;
  serial: Tlv;
  issuer: Tlv;
  notBefore: Date;
  notAfter: Date;
  subject: Tlv;
  spki: Tlv;
  extensions?: Tlv;
  sigAlg: Tlv;
  sigValue: Tlv;
}

function split(der: Uint8Array): CertParts {
  const top = readTlv(der, 0);
  if (top.tag !== TAG.SEQUENCE) throw new DecodeFailure(`not a certificate: expected SEQUENCE at byte 0, found 0x${der[0]?.toString(16) ?? 'nothing'}`);
  const [tbs, sigAlg, sigValue] = children(der, top);
  if (!tbs || !sigAlg || !sigValue || tbs.tag !== TAG.SEQUENCE || sigValue.tag !== TAG.BIT_STRING) {
    throw new DecodeFailure('not a certificate: expected tbsCertificate, signatureAlgorithm, signature');
  }
  const f = children(der, tbs);
  let i = 0;
  let version = 1;
  if (f[i]?.tag === 0xa0) version = integerValue(der, readTlv(der, f[i++].start)) + 1;
  const serial = f[i++];
  i++; // signature AlgorithmIdentifier inside tbs (must equal the outer one)
  const issuer = f[i++];
  const validity = f[i++];
  const subject = f[i++];
  const spki = f[i++];
  if (!serial || serial.tag !== TAG.INTEGER || !issuer || !validity || validity.tag !== TAG.SEQUENCE || !subject || !spki) {
    throw new DecodeFailure('not a certificate: tbsCertificate is missing fields');
  }
  const [nb, na] = children(der, validity);
  if (!nb || !na) throw new DecodeFailure('not a certificate: validity needs two times');
  let extensions: Tlv | undefined;
  for (; i < f.length; i++) if (f[i].tag === 0xa3) extensions = readTlv(der, f[i].start, f[i].end);
  return { top, tbs, version, serial, issuer, notBefore: timeValue(der, nb), notAfter: timeValue(der, na), subject, spki, extensions, sigAlg, sigValue };
}

function serialColon(der: Uint8Array, serial: Tlv): string {
  let s = serial.start;
  while (s < serial.end - 1 && der[s] === 0) s++;
  return colonHex(der.subarray(s, serial.end));
}

function isCaFrom(der: Uint8Array, ext: Tlv | undefined): boolean {
  if (!ext) return false;
  for (const e of readExtensions(der, ext)) {
    if (e.oid !== OID.basicConstraints) continue;
    const seq = readTlv(e.value, 0);
    const first = seq.start < seq.end ? readTlv(e.value, seq.start, seq.end) : undefined;
    return first?.tag === TAG.BOOLEAN && e.value[first.start] !== 0;
  }
  return false;
}

/** Full decoding: every field and extension, fingerprints and the self-signature check. */
export function decodeCertificate(input: Uint8Array): CertificateModel {
  return decoding('certificate', () => {
    const p = split(input);
    // Keep only the certificate itself (TRUSTED CERTIFICATE blocks carry trailing aux data).
    const der = input.subarray(0, p.top.next);
    const issuer = decodeName(der, p.issuer);
    const subject = decodeName(der, p.subject);
    const extensions = decodeExtensionsFromRaw(p.extensions ? readExtensions(der, p.extensions) : []);
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
    const p = split(input);
    const der = input.subarray(0, p.top.next);
    const subject: DistinguishedName = decodeName(der, p.subject);
    const issuer: DistinguishedName = decodeName(der, p.issuer);
    return {
      kind: 'certificateSummary',
      serialHex: integerHex(der, p.serial),
      subject,
      issuer,
      notBefore: p.notBefore,
      notAfter: p.notAfter,
      isCA: isCaFrom(der, p.extensions),
      selfIssued: subject.derHex === issuer.derHex,
      sha256: createHash('sha256').update(der).digest('hex'),
    };
  });
}
