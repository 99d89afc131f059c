// Builds and signs X.509 v3 certificates with the DER writer and crypto.sign.
import { OID } from '../oids';
import { createHash, type KeyObject } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import {
  bitString, boolean, explicit, implicitConstructed, implicitPrimitive, integer, namedBits, nullValue, octetString, oid, seq, time,
} from '../der/writer';
import { spkiDer, type Signer } from './keys';
import { children, readTlv, bitStringBytes } from '../der/reader';

const KEY_USAGE_BITS: Record<string, number> = {
  digitalSignature: 0, nonRepudiation: 1, keyEncipherment: 2, dataEncipherment: 3, keyAgreement: 4,
  keyCertSign: 5, cRLSign: 6, encipherOnly: 7, decipherOnly: 8,
};

const EKU_OIDS: Record<string, string> = {
  serverAuth: OID.serverAuth, clientAuth: OID.clientAuth, codeSigning: OID.codeSigning,
  emailProtection: OID.emailProtection, timeStamping: OID.timeStamping, ocspSigning: OID.ocspSigning,
};

export interface SubjectAltNames {
  dns?: string[];
  ip?: string[];
  email?: string[];
  uri?: string[];
}

export interface CertificateSpec {
  /** Serial magnitude, big-endian (encoded as a positive INTEGER). */
  serial: Uint8Array;
  issuerDer: Uint8Array;
  subjectDer: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  publicKey: KeyObject;
  signer: Signer;
  /** Issuer's subjectKeyIdentifier for the AKI; omitted for self-signed roots without one. */
  authorityKeyId?: Uint8Array;
  /** Present for CA certificates. */
  ca?: { pathLen?: number };
  keyUsage: string[];
  extKeyUsage?: string[];
  san?: SubjectAltNames;
  ocspUrls?: string[];
  caIssuersUrls?: string[];
  crlUrls?: string[];
  /** TLS Feature status_request (RFC 7633). */
  mustStaple?: boolean;
  /** id-pkix-ocsp-nocheck, for OCSP responder certificates. */
  ocspNoCheck?: boolean;
}

function ext(oidText: string, critical: boolean, value: Uint8Array): Buffer {
  return critical ? seq(oid(oidText), boolean(true), octetString(value)) : seq(oid(oidText), octetString(value));
}

/** subjectKeyIdentifier method 1: SHA-1 of the subjectPublicKey BIT STRING contents. */
export function keyIdentifier(spki: Uint8Array): Buffer {
  const top = readTlv(spki, 0);
  const [, bits] = children(spki, top);
  return createHash('sha1').update(bitStringBytes(spki, bits)).digest();
}

function ipBytes(ip: string): Buffer {
  if (isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  if (isIPv6(ip)) {
    const [head, tail = ''] = ip.split('::');
    const h = head ? head.split(':') : [];
    let t = ip.includes('::') ? (tail ? tail.split(':') : []) : [];
    const v4: number[] = [];
    const last = (t.length ? t : h)[(t.length ? t : h).length - 1];
    if (last && last.includes('.')) {
      (t.length ? t : h).pop();
      v4.push(...last.split('.').map(Number));
    }
    const groups = 8 - v4.length / 2;
    const fill = ip.includes('::') ? groups - h.length - t.length : 0;
    t = [...Array(fill).fill('0'), ...t];
    const all = [...h, ...t];
    if (all.length !== groups) throw new Error(`bad IPv6 address ${ip}`);
    const out = Buffer.alloc(16);
    all.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
    Buffer.from(v4).copy(out, 12);
    return out;
  }
  throw new Error(`"${ip}" is not an IP address`);
}

function generalNames(san: SubjectAltNames): Buffer[] {
  return [
    ...(san.email ?? []).map((e) => implicitPrimitive(1, Buffer.from(e, 'latin1'))),
    ...(san.dns ?? []).map((d) => implicitPrimitive(2, Buffer.from(d, 'latin1'))),
    ...(san.uri ?? []).map((u) => implicitPrimitive(6, Buffer.from(u, 'latin1'))),
    ...(san.ip ?? []).map((i) => implicitPrimitive(7, ipBytes(i))),
  ];
}

/** Returns the DER certificate. */
export function buildCertificate(spec: CertificateSpec): Buffer {
  const spki = spkiDer(spec.publicKey);
  const exts: Buffer[] = [];
  exts.push(ext(OID.basicConstraints, true, spec.ca
    ? seq(boolean(true), ...(spec.ca.pathLen !== undefined ? [integer(spec.ca.pathLen)] : []))
    : seq()));
  if (spec.keyUsage.length) {
    exts.push(ext(OID.keyUsage, true, namedBits(spec.keyUsage.map((u) => {
      const bit = KEY_USAGE_BITS[u];
      if (bit === undefined) throw new Error(`unknown key usage ${u}`);
      return bit;
    }))));
  }
  if (spec.extKeyUsage?.length) {
    exts.push(ext(OID.extKeyUsage, false, seq(...spec.extKeyUsage.map((e) => oid(EKU_OIDS[e] ?? e)))));
  }
  const names = spec.san ? generalNames(spec.san) : [];
  if (names.length) exts.push(ext(OID.subjectAltName, false, seq(...names)));
  exts.push(ext(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(spki))));
  if (spec.authorityKeyId) exts.push(ext(OID.authorityKeyIdentifier, false, seq(implicitPrimitive(0, spec.authorityKeyId))));
  const aia = [
    ...(spec.ocspUrls ?? []).map((u) => seq(oid(OID.accessOcsp), implicitPrimitive(6, Buffer.from(u, 'latin1')))),
    ...(spec.caIssuersUrls ?? []).map((u) => seq(oid(OID.accessCaIssuers), implicitPrimitive(6, Buffer.from(u, 'latin1')))),
  ];
  if (aia.length) exts.push(ext(OID.authorityInfoAccess, false, seq(...aia)));
  if (spec.crlUrls?.length) {
    // DistributionPoint { distributionPoint [0] { fullName [0] GeneralNames } }
    exts.push(ext(OID.crlDistributionPoints, false, seq(...spec.crlUrls.map((u) =>
      seq(explicit(0, implicitConstructed(0, implicitPrimitive(6, Buffer.from(u, 'latin1')))))))));
  }
  if (spec.mustStaple) exts.push(ext(OID.tlsFeature, false, seq(integer(5))));
  if (spec.ocspNoCheck) exts.push(ext(OID.ocspNoCheck, false, nullValue()));

  const tbs = seq(
    explicit(0, integer(2)),
    integer(spec.serial),
    spec.signer.algorithmId,
    spec.issuerDer,
    seq(time(truncate(spec.notBefore)), time(truncate(spec.notAfter))),
    spec.subjectDer,
    spki,
    explicit(3, seq(...exts)),
  );
  return seq(tbs, spec.signer.algorithmId, bitString(spec.signer.sign(tbs)));
}

/** Whole seconds (DESIGN.md §3 pitfall 5). */
export function truncate(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}
