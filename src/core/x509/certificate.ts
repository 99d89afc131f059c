// The one certificate splitter: tbsCertificate fields and the outer signature, as TLVs over the
// original bytes. decode/certificate.ts builds the display model from it, verify/parse.ts what
// path validation reads; both decode extensions through the same registry.
import { children, integerValue, readTlv, TAG, timeValue, type Tlv } from '../der/reader';
import { DecodeFailure } from '../decode/errors';
import { readExtensions, type RawExtension } from './extension';

export interface CertParts {
  /** The certificate alone: bytes after it (TRUSTED CERTIFICATE aux data, junk) are not part of it. */
  der: Uint8Array;
  tbs: Tlv;
  version: number;
  serial: Tlv;
  issuer: Tlv;
  notBefore: Date;
  notAfter: Date;
  subject: Tlv;
  spki: Tlv;
  extensions: RawExtension[];
  sigAlg: Tlv;
  sigValue: Tlv;
}

/** Like `openssl x509 -inform DER`, bytes after the certificate are ignored. */
export function splitCertificate(input: Uint8Array): CertParts {
  const top = readTlv(input, 0);
  if (top.tag !== TAG.SEQUENCE) throw new DecodeFailure(`not a certificate: expected SEQUENCE at byte 0, found 0x${input[0]?.toString(16) ?? 'nothing'}`);
  const der = input.subarray(0, top.next);
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
  let extensions: RawExtension[] = [];
  for (; i < f.length; i++) if (f[i].tag === 0xa3) extensions = readExtensions(der, readTlv(der, f[i].start, f[i].end));
  return { der, tbs, version, serial, issuer, notBefore: timeValue(der, nb), notAfter: timeValue(der, na), subject, spki, extensions, sigAlg, sigValue };
}
