// OID -> human names. Name attribute short names follow OpenSSL's (so our RFC 4514 strings match
// `openssl x509 -nameopt RFC2253`); everything else uses the names from the RFCs.

import type { RevocationReason } from './model';

/** Named OIDs: every OID that more than one module needs is spelled out here, once. */
export const OID = {
  userId: '0.9.2342.19200300.100.1.1',
  domainComponent: '0.9.2342.19200300.100.1.25',
  dsaWithSha1: '1.2.840.10040.4.3',
  ecdsaWithSha1: '1.2.840.10045.4.1',
  ecdsaWithSha224: '1.2.840.10045.4.3.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  md5WithRsaEncryption: '1.2.840.113549.1.1.4',
  sha1WithRsaEncryption: '1.2.840.113549.1.1.5',
  rsassaPss: '1.2.840.113549.1.1.10',
  sha256WithRsaEncryption: '1.2.840.113549.1.1.11',
  sha384WithRsaEncryption: '1.2.840.113549.1.1.12',
  sha512WithRsaEncryption: '1.2.840.113549.1.1.13',
  sha224WithRsaEncryption: '1.2.840.113549.1.1.14',
  emailAddress: '1.2.840.113549.1.9.1',
  signedCertificateTimestampList: '1.3.6.1.4.1.11129.2.4.2',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  subjectInfoAccess: '1.3.6.1.5.5.7.1.11',
  tlsFeature: '1.3.6.1.5.5.7.1.24',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  accessOcsp: '1.3.6.1.5.5.7.48.1',
  ocspBasic: '1.3.6.1.5.5.7.48.1.1',
  ocspNonce: '1.3.6.1.5.5.7.48.1.2',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
  accessCaIssuers: '1.3.6.1.5.5.7.48.2',
  sha1: '1.3.14.3.2.26',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  countryName: '2.5.4.6',
  localityName: '2.5.4.7',
  stateOrProvinceName: '2.5.4.8',
  streetAddress: '2.5.4.9',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  title: '2.5.4.12',
  givenName: '2.5.4.42',
  initials: '2.5.4.43',
  generationQualifier: '2.5.4.44',
  dnQualifier: '2.5.4.46',
  pseudonym: '2.5.4.65',
  subjectDirectoryAttributes: '2.5.29.9',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  crlNumber: '2.5.29.20',
  reasonCode: '2.5.29.21',
  holdInstructionCode: '2.5.29.23',
  invalidityDate: '2.5.29.24',
  deltaCrlIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
  certificateIssuer: '2.5.29.29',
  nameConstraints: '2.5.29.30',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  anyPolicy: '2.5.29.32.0',
  policyMappings: '2.5.29.33',
  authorityKeyIdentifier: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extKeyUsage: '2.5.29.37',
  anyExtendedKeyUsage: '2.5.29.37.0',
  freshestCrl: '2.5.29.46',
  expiredCertsOnCrl: '2.5.29.60',
  inhibitAnyPolicy: '2.5.29.54',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  sha224: '2.16.840.1.101.3.4.2.4',
  dsaWithSha224: '2.16.840.1.101.3.4.3.1',
  dsaWithSha256: '2.16.840.1.101.3.4.3.2',
} as const;

const NAME_ATTRIBUTES: Record<string, string> = {
  [OID.commonName]: 'CN', [OID.surname]: 'SN', [OID.serialNumber]: 'serialNumber', [OID.countryName]: 'C', [OID.localityName]: 'L',
  [OID.stateOrProvinceName]: 'ST', [OID.streetAddress]: 'street', [OID.organizationName]: 'O', [OID.organizationalUnitName]: 'OU', [OID.title]: 'title',
  '2.5.4.13': 'description', '2.5.4.15': 'businessCategory', '2.5.4.17': 'postalCode',
  '2.5.4.41': 'name', [OID.givenName]: 'GN', [OID.initials]: 'initials', [OID.generationQualifier]: 'generationQualifier',
  '2.5.4.45': 'x500UniqueIdentifier', [OID.dnQualifier]: 'dnQualifier', [OID.pseudonym]: 'pseudonym',
  '2.5.4.97': 'organizationIdentifier', '2.5.4.16': 'postalAddress', '2.5.4.18': 'postOfficeBox',
  '2.5.4.20': 'telephoneNumber', '2.5.4.54': 'dmdName',
  [OID.emailAddress]: 'emailAddress', '1.2.840.113549.1.9.2': 'unstructuredName',
  '1.2.840.113549.1.9.8': 'unstructuredAddress',
  [OID.userId]: 'UID', [OID.domainComponent]: 'DC',
  '1.3.6.1.4.1.311.60.2.1.1': 'jurisdictionL', '1.3.6.1.4.1.311.60.2.1.2': 'jurisdictionST',
  '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionC',
};

const SIGNATURE_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.1': 'rsaEncryption',
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  [OID.md5WithRsaEncryption]: 'md5WithRSAEncryption',
  [OID.sha1WithRsaEncryption]: 'sha1WithRSAEncryption',
  [OID.rsassaPss]: 'rsassaPss',
  [OID.sha256WithRsaEncryption]: 'sha256WithRSAEncryption',
  [OID.sha384WithRsaEncryption]: 'sha384WithRSAEncryption',
  [OID.sha512WithRsaEncryption]: 'sha512WithRSAEncryption',
  [OID.sha224WithRsaEncryption]: 'sha224WithRSAEncryption',
  [OID.ecdsaWithSha1]: 'ecdsa-with-SHA1',
  [OID.ecdsaWithSha224]: 'ecdsa-with-SHA224',
  [OID.ecdsaWithSha256]: 'ecdsa-with-SHA256',
  [OID.ecdsaWithSha384]: 'ecdsa-with-SHA384',
  [OID.ecdsaWithSha512]: 'ecdsa-with-SHA512',
  [OID.dsaWithSha1]: 'dsa-with-SHA1',
  [OID.dsaWithSha224]: 'dsa-with-SHA224',
  [OID.dsaWithSha256]: 'dsa-with-SHA256',
  [OID.ed25519]: 'ED25519',
  [OID.ed448]: 'ED448',
};

/** Hash used by a signature algorithm, for crypto.verify (null = the key type implies it). */
export const SIGNATURE_HASH: Record<string, string | null> = {
  [OID.md5WithRsaEncryption]: 'md5', [OID.sha1WithRsaEncryption]: 'sha1', [OID.sha256WithRsaEncryption]: 'sha256',
  [OID.sha384WithRsaEncryption]: 'sha384', [OID.sha512WithRsaEncryption]: 'sha512', [OID.sha224WithRsaEncryption]: 'sha224',
  [OID.ecdsaWithSha1]: 'sha1', [OID.ecdsaWithSha224]: 'sha224', [OID.ecdsaWithSha256]: 'sha256',
  [OID.ecdsaWithSha384]: 'sha384', [OID.ecdsaWithSha512]: 'sha512',
  [OID.dsaWithSha1]: 'sha1', [OID.dsaWithSha224]: 'sha224', [OID.dsaWithSha256]: 'sha256',
  [OID.ed25519]: null, [OID.ed448]: null,
};

export const HASH_ALGORITHMS: Record<string, string> = {
  [OID.sha1]: 'sha1', [OID.sha256]: 'sha256', [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512', [OID.sha224]: 'sha224', '1.2.840.113549.2.5': 'md5',
};

export const KEY_ALGORITHMS: Record<string, 'RSA' | 'EC' | 'Ed25519' | 'Ed448' | 'DSA' | 'RSA-PSS'> = {
  '1.2.840.113549.1.1.1': 'RSA', '1.2.840.10045.2.1': 'EC', [OID.ed25519]: 'Ed25519',
  [OID.ed448]: 'Ed448', '1.2.840.10040.4.1': 'DSA', [OID.rsassaPss]: 'RSA-PSS',
};

export const CURVES: Record<string, { name: string; bits: number }> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', bits: 256 },
  '1.3.132.0.34': { name: 'P-384', bits: 384 },
  '1.3.132.0.35': { name: 'P-521', bits: 521 },
  '1.3.132.0.10': { name: 'secp256k1', bits: 256 },
  '1.2.840.10045.3.1.1': { name: 'P-192', bits: 192 },
  '1.3.132.0.33': { name: 'P-224', bits: 224 },
  '1.3.36.3.3.2.8.1.1.7': { name: 'brainpoolP256r1', bits: 256 },
  '1.3.36.3.3.2.8.1.1.11': { name: 'brainpoolP384r1', bits: 384 },
  '1.3.36.3.3.2.8.1.1.13': { name: 'brainpoolP512r1', bits: 512 },
};

const EXTENSIONS: Record<string, string> = {
  [OID.subjectKeyIdentifier]: 'subjectKeyIdentifier', [OID.keyUsage]: 'keyUsage', [OID.subjectAltName]: 'subjectAltName',
  [OID.issuerAltName]: 'issuerAltName', [OID.basicConstraints]: 'basicConstraints', [OID.crlNumber]: 'cRLNumber',
  [OID.reasonCode]: 'reasonCode', [OID.holdInstructionCode]: 'holdInstructionCode', [OID.invalidityDate]: 'invalidityDate', [OID.deltaCrlIndicator]: 'deltaCRLIndicator',
  [OID.issuingDistributionPoint]: 'issuingDistributionPoint', [OID.certificateIssuer]: 'certificateIssuer', [OID.nameConstraints]: 'nameConstraints',
  [OID.crlDistributionPoints]: 'cRLDistributionPoints', [OID.certificatePolicies]: 'certificatePolicies', [OID.policyMappings]: 'policyMappings',
  [OID.authorityKeyIdentifier]: 'authorityKeyIdentifier', [OID.policyConstraints]: 'policyConstraints', [OID.extKeyUsage]: 'extKeyUsage',
  [OID.freshestCrl]: 'freshestCRL', [OID.expiredCertsOnCrl]: 'expiredCertsOnCRL', [OID.inhibitAnyPolicy]: 'inhibitAnyPolicy', [OID.subjectDirectoryAttributes]: 'subjectDirectoryAttributes',
  [OID.authorityInfoAccess]: 'authorityInfoAccess', [OID.subjectInfoAccess]: 'subjectInfoAccess',
  [OID.tlsFeature]: 'tlsFeature', '1.3.6.1.5.5.7.1.3': 'qcStatements',
  [OID.signedCertificateTimestampList]: 'signedCertificateTimestampList', '1.3.6.1.4.1.11129.2.4.3': 'ctPrecertificatePoison',
  [OID.ocspNonce]: 'ocspNonce', [OID.ocspNoCheck]: 'ocspNoCheck', '1.3.6.1.5.5.7.48.1.3': 'ocspCrlId',
  '1.3.6.1.5.5.7.48.1.4': 'ocspAcceptableResponses', '1.3.6.1.5.5.7.48.1.6': 'ocspArchiveCutoff',
  '1.3.6.1.5.5.7.48.1.7': 'ocspServiceLocator',
  '2.16.840.1.113730.1.1': 'netscapeCertType', '2.16.840.1.113730.1.13': 'netscapeComment',
  '1.3.6.1.4.1.311.21.1': 'msCaVersion', '1.3.6.1.4.1.311.20.2': 'msCertificateTemplateName',
  '1.3.6.1.4.1.311.21.7': 'msCertificateTemplate', '1.3.6.1.4.1.311.21.10': 'msApplicationPolicies',
};

export const EXTENDED_KEY_USAGES: Record<string, string> = {
  [OID.serverAuth]: 'serverAuth', [OID.clientAuth]: 'clientAuth', [OID.codeSigning]: 'codeSigning',
  [OID.emailProtection]: 'emailProtection', [OID.timeStamping]: 'timeStamping', [OID.ocspSigning]: 'OCSPSigning',
  '1.3.6.1.5.5.7.3.5': 'ipsecEndSystem', '1.3.6.1.5.5.7.3.6': 'ipsecTunnel', '1.3.6.1.5.5.7.3.7': 'ipsecUser',
  '1.3.6.1.5.5.7.3.17': 'ipsecIKE', [OID.anyExtendedKeyUsage]: 'anyExtendedKeyUsage',
  '1.3.6.1.4.1.311.10.3.4': 'msEFS', '1.3.6.1.4.1.311.20.2.2': 'msSmartcardLogin',
};

export const KEY_USAGES = [
  'digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement',
  'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly',
];

/** CRLReason codes (RFC 5280 §5.3.1) by number; 7 is unused. The one table of reason names. */
const REASONS: ReadonlyArray<RevocationReason | undefined> = [
  'unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded',
  'cessationOfOperation', 'certificateHold', undefined, 'removeFromCRL', 'privilegeWithdrawn', 'aACompromise',
];

export function reasonName(code: number): RevocationReason | undefined {
  return REASONS[code];
}

export function reasonCode(reason: RevocationReason): number {
  return REASONS.indexOf(reason);
}

export const POLICY_QUALIFIERS = { cps: '1.3.6.1.5.5.7.2.1', unotice: '1.3.6.1.5.5.7.2.2' };

export const ACCESS_METHODS = { ocsp: OID.accessOcsp, caIssuers: OID.accessCaIssuers };

export const CONTENT_TYPES = {
  data: '1.2.840.113549.1.7.1', signedData: '1.2.840.113549.1.7.2', encryptedData: '1.2.840.113549.1.7.6',
};

export function signatureAlgorithmName(oid: string): string {
  return SIGNATURE_ALGORITHMS[oid] ?? oid;
}

export function extensionName(oid: string): string {
  return EXTENSIONS[oid] ?? oid;
}

export function attributeShortName(oid: string): string {
  return NAME_ATTRIBUTES[oid] ?? oid;
}
