// Plain-data models produced by the decoders. Presenters (tree, hover, CLI, webview) only see
// these: plain data, never a parser's own objects. Everything here is JSON-serialisable
// except Uint8Array/Date fields, which the JSON presenter converts explicitly.

/** Where a decoded object came from inside a file. Lines are 0-based, end exclusive. */
export interface SourceRange {
  /** 0-based index of the block in its file (PEM block order, or 0 for a DER file). */
  block: number;
  startLine: number;
  endLine: number;
  startOffset: number;
  endOffset: number;
}

export interface NameAttribute {
  /** Dotted OID, e.g. "2.5.4.3". */
  oid: string;
  /** Short name when known (CN, O, OU, C, ST, L, emailAddress, ...), else the OID. */
  shortName: string;
  value: string;
}

export interface DistinguishedName {
  /** RFC 4514 string, most-specific first (as openssl -nameopt RFC2253 prints it). */
  rfc4514: string;
  /** Attributes in encoded order (root-most RDN first), one entry per attribute. */
  attributes: NameAttribute[];
  /** Convenience: first CN, if any. */
  commonName?: string;
  /** Hex of the DER encoding, for exact name matching while building chains. */
  derHex: string;
}

type KeyAlgorithm = 'RSA' | 'EC' | 'Ed25519' | 'Ed448' | 'DSA' | 'RSA-PSS' | 'unknown';

export interface PublicKeyInfo {
  algorithm: KeyAlgorithm;
  /** OID of the SPKI algorithm. */
  algorithmOid: string;
  /** RSA modulus bits, DSA p bits, or the curve size for EC / EdDSA keys (as openssl reports it). */
  bits?: number;
  /** Named curve for EC keys: "P-256", "P-384", "P-521", or the OID. */
  curve?: string;
  /** SHA-256 over the DER SubjectPublicKeyInfo, lowercase hex: pairs keys with certificates. */
  spkiSha256: string;
}

export type GeneralName =
  | { type: 'dns'; value: string }
  | { type: 'ip'; value: string }
  | { type: 'email'; value: string }
  | { type: 'uri'; value: string }
  | { type: 'dirName'; value: string; name: DistinguishedName }
  | { type: 'registeredId'; value: string }
  | { type: 'other'; value: string };

export interface Extension {
  oid: string;
  /** Human name, e.g. "subjectAltName", or the OID when unknown. */
  name: string;
  critical: boolean;
  /** DER of extnValue's contents, lowercase hex. */
  valueHex: string;
  /** Set when the extension value could not be decoded. */
  error?: string;
}

export interface CertificateExtensions {
  basicConstraints?: { ca: boolean; pathLen?: number; critical: boolean };
  keyUsage?: { usages: string[]; critical: boolean };
  extKeyUsage?: { usages: string[]; oids: string[]; critical: boolean };
  subjectAltName?: { names: GeneralName[]; critical: boolean };
  issuerAltName?: { names: GeneralName[] };
  authorityKeyId?: { keyIdHex?: string; issuer?: GeneralName[]; serialHex?: string };
  subjectKeyIdHex?: string;
  authorityInfoAccess?: { ocsp: string[]; caIssuers: string[] };
  crlDistributionPoints?: Array<{ urls: string[]; names: GeneralName[]; reasons?: string[]; crlIssuer?: GeneralName[] }>;
  certificatePolicies?: Array<{ oid: string; cps: string[]; userNotices: string[] }>;
  policyMappings?: Array<{ issuerDomainPolicy: string; subjectDomainPolicy: string }>;
  policyConstraints?: { requireExplicitPolicy?: number; inhibitPolicyMapping?: number };
  inhibitAnyPolicy?: number;
  nameConstraints?: { permitted: GeneralName[]; excluded: GeneralName[]; critical: boolean };
  /** TLS Feature (RFC 7633); mustStaple is true when status_request (5) is listed. */
  tlsFeature?: { features: number[]; mustStaple: boolean };
  /** Signed Certificate Timestamps (RFC 6962). */
  sct?: { count: number; logIdsHex: string[] };
  /** Every extension in encoded order, decoded ones included (for "unknown extension" display). */
  all: Extension[];
}

type ValidityStatus = 'valid' | 'expired' | 'notYetValid';

export interface CertificateModel {
  kind: 'certificate';
  version: number;
  serialHex: string;
  /** Serial as openssl prints it: colon-separated hex pairs. */
  serialColon: string;
  signatureAlgorithm: { oid: string; name: string };
  issuer: DistinguishedName;
  subject: DistinguishedName;
  notBefore: Date;
  notAfter: Date;
  publicKey: PublicKeyInfo;
  extensions: CertificateExtensions;
  fingerprints: { sha1: string; sha256: string };
  /** Subject and issuer names are equal (self-issued) and the signature verifies with its own key. */
  selfSigned: boolean;
  isCA: boolean;
  /** The full DER, for chain building and signature checks inside core. */
  der: Uint8Array;
}

/**
 * Cheap listing view of a certificate (summarizeCertificate): no extension decoding, no signature
 * check. Use decodeCertificate when the full detail is needed.
 */
export interface CertificateSummary {
  kind: 'certificateSummary';
  serialHex: string;
  subject: DistinguishedName;
  issuer: DistinguishedName;
  notBefore: Date;
  notAfter: Date;
  isCA: boolean;
  /** Subject and issuer names are equal (the signature is not checked here). */
  selfIssued: boolean;
  sha256: string;
}

export interface ValidityAt {
  status: ValidityStatus;
  /** Whole days until notAfter (negative once expired). */
  daysLeft: number;
  /** "expires in 23 days", "expired 4 days ago", "not valid until 2027-01-01". */
  text: string;
}

export type RevocationReason =
  | 'unspecified' | 'keyCompromise' | 'cACompromise' | 'affiliationChanged' | 'superseded'
  | 'cessationOfOperation' | 'certificateHold' | 'removeFromCRL' | 'privilegeWithdrawn' | 'aACompromise';

export interface CrlEntry {
  serialHex: string;
  revocationDate: Date;
  reason?: RevocationReason;
  invalidityDate?: Date;
  certificateIssuer?: GeneralName[];
}

export interface CrlModel {
  kind: 'crl';
  version: number;
  issuer: DistinguishedName;
  signatureAlgorithm: { oid: string; name: string };
  thisUpdate: Date;
  nextUpdate?: Date;
  crlNumber?: string;
  deltaCrlIndicator?: string;
  authorityKeyIdHex?: string;
  issuingDistributionPoint?: {
    urls: string[];
    names: GeneralName[];
    onlyUser: boolean;
    onlyCA: boolean;
    onlyAttribute: boolean;
    indirect: boolean;
    onlySomeReasons?: string[];
  };
  extensions: Extension[];
  entryCount: number;
  /** Entries in encoded order. Large CRLs are decoded by a direct DER scan. */
  entries: CrlEntry[];
  /** O(1) lookup by serial: key is lowercase hex without colons or leading zeros (see normalizeSerial). */
  bySerial: ReadonlyMap<string, CrlEntry>;
  /** Bytes signed by the issuer (tbsCertList) and the signature, for verification inside core. */
  der: Uint8Array;
}

export type OcspCertStatus =
  | { status: 'good' }
  | { status: 'revoked'; revocationTime: Date; reason?: RevocationReason }
  | { status: 'unknown' };

export interface OcspCertId {
  hashAlgorithm: string;
  issuerNameHashHex: string;
  issuerKeyHashHex: string;
  serialHex: string;
}

export interface OcspSingleResponse {
  certId: OcspCertId;
  certStatus: OcspCertStatus;
  thisUpdate: Date;
  nextUpdate?: Date;
}

export type OcspResponseStatus =
  | 'successful' | 'malformedRequest' | 'internalError' | 'tryLater' | 'sigRequired' | 'unauthorized';

export interface OcspResponseModel {
  kind: 'ocspResponse';
  responseStatus: OcspResponseStatus;
  /** Absent unless responseStatus is successful. */
  basic?: {
    responderId: { byName?: DistinguishedName; byKeyHashHex?: string };
    producedAt: Date;
    responses: OcspSingleResponse[];
    nonceHex?: string;
    signatureAlgorithm: { oid: string; name: string };
    certificates: CertificateModel[];
  };
  der: Uint8Array;
}

export interface OcspRequestModel {
  kind: 'ocspRequest';
  certIds: OcspCertId[];
  nonceHex?: string;
  requestorName?: GeneralName;
  signed: boolean;
  der: Uint8Array;
}

export interface CsrModel {
  kind: 'csr';
  version: number;
  subject: DistinguishedName;
  publicKey: PublicKeyInfo;
  signatureAlgorithm: { oid: string; name: string };
  /** Extensions requested through the extensionRequest attribute. */
  requestedExtensions: CertificateExtensions;
  signatureValid: boolean;
  der: Uint8Array;
}

/** Key metadata only. The secret never enters this model. */
export interface KeyModel {
  kind: 'privateKey' | 'publicKey';
  /** PEM label or "DER". */
  format: string;
  encrypted: boolean;
  /** Absent for encrypted keys (we cannot see the public part without the password). */
  publicKey?: PublicKeyInfo;
}

export interface Pkcs7Model {
  kind: 'pkcs7';
  certificates: CertificateModel[];
  crls: CrlModel[];
}

export interface Pkcs12Model {
  kind: 'pkcs12';
  /** False when no password was given or the password was wrong. */
  opened: boolean;
  certificates: CertificateModel[];
  keys: KeyModel[];
  error?: string;
}

export type DecodedObject =
  | CertificateModel | CrlModel | OcspResponseModel | OcspRequestModel | CsrModel | KeyModel
  | Pkcs7Model | Pkcs12Model;

/** A structured decoding failure: never an exception escaping the API. */
export interface DecodeError {
  kind: 'error';
  /** PEM label (or DER guess) of the block that failed. */
  label: string;
  /** Specific and short: "truncated base64", "not a certificate: expected SEQUENCE at byte 0". */
  message: string;
  /** 0-based source line where the problem was found (PEM-level errors), when known. */
  line?: number;
}

/** One item found in a file: a decoded object or an error, with where it sits. */
export interface DecodedItem {
  range: SourceRange;
  /** The PEM label ("CERTIFICATE", "X509 CRL", ...) or "DER". */
  label: string;
  result: DecodedObject | DecodeError;
}
