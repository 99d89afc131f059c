// Small ASN.1 helpers shared by the OCSP responder, client and stapler, on the project's one DER
// reader/writer (src/core/der). Callers get plain values (Uint8Array, strings, Dates).
//
// One ASN.1 approach for OCSP (issue 11 §1): the der/ reader/writer. Measured 2026-12-02 on this
// machine (Node 20, 2 busy cores), parsing one 636-byte openssl-made response with its signer
// certificate, each side bundled alone by esbuild (--minify, node/cjs), one process each, 3 runs:
//   bundle size    der/ (decode/ocsp.ts, full model incl. the certificate) 25 KB | pkijs+asn1js 413 KB
//   load time      der/ 9-16 ms                                             | pkijs 41-76 ms
//   parse          der/ 262-303 us per response                             | pkijs 4.2-7.6 ms (to BasicOCSPResponse only)
// so der/ is ~16x smaller, ~5x faster to load and ~15x faster to parse. Done 2026-12-07: the
// responder (responder.ts) and the request builder and response verifier (client.ts) build with
// der/writer and read through decode/ocsp.ts; pkijs and asn1js are no longer dependencies. Measured
// then against the last pkijs revision (same machine, same run): production dist/servers.js
// 880 -> 484 KB, require() 47 -> 28 ms, require + OCSP modules 93 -> 53 ms (medians of 5);
// OcspResponder.respond ~5.7 ms -> ~90 us and verifyOcspResponse ~9-12 ms -> ~0.65 ms per call.
import { OID } from '../oids';
import { serialKey } from '../serial';
import { readTlv, spkiKeyBits, type Tlv } from '../der/reader';
import { integer } from '../der/writer';
import { parseCertificate } from '../verify/parse';
import { createHash, X509Certificate } from 'node:crypto';

export { OID };

/** Hash algorithms a CertID may use, by OID -> Node digest name. */
export const HASH_BY_OID: Record<string, string> = {
  [OID.sha1]: 'sha1',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};
export const OID_BY_HASH: Record<string, string> = Object.fromEntries(Object.entries(HASH_BY_OID).map(([o, h]) => [h, o]));

/**
 * The one element `der` holds, checked to end exactly at the last byte: untrusted input (a request
 * from the network, a response from a workspace file) gets a specific message, never a crash.
 */
export function completeDer(der: Uint8Array, what: string): Tlv {
  let top: Tlv;
  try {
    top = readTlv(der, 0);
  } catch (err) {
    throw new Error(`${what}: not valid DER (${(err as Error).message})`, { cause: err });
  }
  if (top.next !== der.byteLength) throw new Error(`${what}: ${der.byteLength - top.next} trailing bytes after the DER structure`);
  return top;
}

/** The first CERTIFICATE block of a PEM text, or the bytes themselves when they are DER. */
function certificateDer(input: string | Uint8Array): Uint8Array {
  const text = typeof input === 'string' ? input : input[0] === 0x30 ? undefined : Buffer.from(input).toString('latin1');
  if (text === undefined) return input as Uint8Array;
  const m = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/.exec(text);
  if (!m) throw new Error('no PEM CERTIFICATE block and not DER');
  return new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
}

/** Raw pieces of a certificate that OCSP needs, taken from the original encoding (never re-encoded). */
export interface CertFacts {
  der: Uint8Array;
  serialHex: string;
  /** DER of the issuer and subject Names, exactly as encoded. */
  issuerNameDer: Uint8Array;
  subjectNameDer: Uint8Array;
  /** Contents of subjectPublicKey BIT STRING (without the unused-bits octet): what CertID hashes. */
  publicKeyBits: Uint8Array;
  /** Readable subject, most-specific first ("CN=x, O=y"). */
  subjectText: string;
  x509: X509Certificate;
  /** OCSP responder URLs from authorityInfoAccess. */
  ocspUrls: string[];
  /** extendedKeyUsage OIDs, undefined when the extension is absent. */
  extKeyUsage?: string[];
}

/**
 * A thin view over the one certificate parser (verify/parse.ts, der/ reader): names exactly as
 * encoded, and like `openssl x509 -inform DER`, bytes after the certificate are ignored.
 */
export function certFacts(input: string | Uint8Array): CertFacts {
  let p;
  try {
    p = parseCertificate(certificateDer(input));
  } catch (err) {
    throw new Error(`certificate: ${(err as Error).message}`, { cause: err });
  }
  const x509 = new X509Certificate(Buffer.from(p.der));
  return {
    der: p.der,
    serialHex: p.serial,
    issuerNameDer: p.issuer.der,
    subjectNameDer: p.subject.der,
    publicKeyBits: spkiKeyBits(p.spki),
    subjectText: x509.subject.split('\n').reverse().join(', '),
    x509,
    ocspUrls: p.ocspUrls,
    ...(p.extKeyUsage ? { extKeyUsage: p.extKeyUsage } : {}),
  };
}

export function digest(alg: string, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(alg).update(data).digest());
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.from(a).equals(Buffer.from(b));
}

/** ASN.1 INTEGER for a serial in hex: positive, minimal two's complement (DESIGN §3 pitfall 1). */
export function serialInteger(hex: string): Buffer {
  if (hex.startsWith('-')) throw new Error(`negative serial number ${hex}`);
  return integer(BigInt('0x' + serialKey(hex)));
}

/** Whole seconds: fractional GeneralizedTime upsets openssl (DESIGN §3 pitfall 5). */
export function wholeSeconds(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

/** Signature algorithm OID -> Node digest (null: the algorithm hashes internally, Ed25519/Ed448). */
export const SIG_HASH_BY_OID: Record<string, string | null> = {
  [OID.sha1WithRsaEncryption]: 'sha1',
  [OID.sha256WithRsaEncryption]: 'sha256',
  [OID.sha384WithRsaEncryption]: 'sha384',
  [OID.sha512WithRsaEncryption]: 'sha512',
  [OID.ecdsaWithSha1]: 'sha1',
  [OID.ecdsaWithSha256]: 'sha256',
  [OID.ecdsaWithSha384]: 'sha384',
  [OID.ecdsaWithSha512]: 'sha512',
  [OID.ed25519]: null,
  [OID.ed448]: null,
};
