// What RFC 5280 path validation reads from certificates and CRLs: a thin view over the one parse
// layer (x509/: the certificate and CRL splitters, names, the extension registry). Results leave
// verify/ as plain data in types.ts.
import { createHash } from 'node:crypto';
import { bitStringBytes, children, integerHex, oidString, raw, toHex, type Tlv } from '../der/reader';
import { ACCESS_METHODS, extensionName } from '../oids';
import { splitCertificate } from '../x509/certificate';
import { scanEntries, splitCrl } from '../x509/crl';
import type { RawExtension } from '../x509/extension';
import { accessUris } from '../x509/extensions/accessDescriptions';
import type { PolicyInformation } from '../x509/extensions/certificatePolicies';
import type { ExtensionDescriptor } from '../x509/extensions/descriptor';
import type { DistributionPoint } from '../x509/extensions/distributionPoints';
import type { IssuingDistributionPoint } from '../x509/extensions/issuingDistributionPoint';
import type { NameConstraints } from '../x509/extensions/nameConstraints';
import type { PolicyConstraints } from '../x509/extensions/policyConstraints';
import type { PolicyMapping } from '../x509/extensions/policyMappings';
import { DecodedExtensions, EXT, KNOWN } from '../x509/extensions/registry';
import type { GeneralName } from '../x509/generalName';
import { parseName, type Name } from '../x509/name';
import { pushTo } from '../multiMap';

export interface AlgorithmId {
  oid: string;
  /** DER of the parameters, if any. */
  params?: Uint8Array;
}

export interface ParsedCert {
  der: Uint8Array;
  tbs: Uint8Array;
  sigAlg: AlgorithmId;
  signature: Uint8Array;
  /** Lowercase hex, no leading zeros. */
  serial: string;
  issuer: Name;
  subject: Name;
  notBefore: Date;
  notAfter: Date;
  spki: Uint8Array;
  spkiAlg: AlgorithmId;
  extensions: RawExtension[];
  basicConstraints?: { ca: boolean; pathLen?: number };
  /** Bit i set = KeyUsage bit i (0 digitalSignature ... 5 keyCertSign, 6 cRLSign). */
  keyUsage?: number;
  extKeyUsage?: string[];
  san?: GeneralName[];
  nameConstraints?: NameConstraints;
  policies?: PolicyInformation[];
  policyMappings?: PolicyMapping[];
  policyConstraints?: PolicyConstraints;
  inhibitAnyPolicy?: number;
  authorityKeyId?: string;
  subjectKeyId?: string;
  crlDistributionPoints?: DistributionPoint[];
  freshestCrl?: DistributionPoint[];
  ocspUrls: string[];
  caIssuerUrls: string[];
  /** sha256 of the DER, hex: identity in pools. */
  fingerprint: string;
  selfIssued: boolean;
}

interface ParsedCrlEntry {
  serial: string;
  date: Date;
  /** CRLReason code; undefined when absent. */
  reason?: number;
  /** Issuer of this entry (indirect CRLs: from certificateIssuer, carried forward). */
  issuerKey: string;
  /** An unknown critical entry extension makes the CRL unusable for this entry. */
  unknownCritical: boolean;
}

export interface ParsedCrl {
  der: Uint8Array;
  tbs: Uint8Array;
  sigAlg: AlgorithmId;
  signature: Uint8Array;
  issuer: Name;
  thisUpdate: Date;
  nextUpdate?: Date;
  crlNumber?: bigint;
  deltaBase?: bigint;
  authorityKeyId?: string;
  idp?: IssuingDistributionPoint & {
    /** Raw DER, to compare the scope of a delta with its base. */
    derHex: string;
  };
  freshestCrl?: DistributionPoint[];
  /** Unknown critical CRL extension (the CRL must not be used). */
  unknownCritical?: string;
  /** Entries by serial; several when an indirect CRL lists the same serial for different issuers. */
  entries: Map<string, ParsedCrlEntry[]>;
  entryCount: number;
}

class ParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParseError';
  }
}

function algId(buf: Uint8Array, t: Tlv): AlgorithmId {
  const parts = children(buf, t);
  const out: AlgorithmId = { oid: oidString(buf, parts[0]) };
  if (parts[1]) out.params = raw(buf, parts[1]);
  return out;
}

export function isKnownCertExtension(oid: string): boolean {
  return KNOWN.certificate.has(oid);
}

/**
 * The value of an extension path validation relies on. Unlike the display, which marks just the
 * broken entry, an undecodable one rejects the certificate or CRL, as `openssl verify` does
 * ("invalid or inconsistent certificate extension"). Extensions that only say where to fetch
 * things (authorityInfoAccess) are read leniently: a broken one lists no URLs.
 */
function strict<T>(ext: DecodedExtensions, d: ExtensionDescriptor<T>): T | undefined {
  const error = ext.find(d)?.error;
  if (error !== undefined) throw new Error(`${extensionName(d.oid)}: ${error}`);
  return ext.get(d);
}

export function parseCertificate(input: Uint8Array): ParsedCert {
  try {
    const p = splitCertificate(input);
    const der = p.der;
    const issuer = parseName(der, p.issuer);
    const subject = parseName(der, p.subject);
    const ext = new DecodedExtensions(p.extensions);
    const aia = ext.get(EXT.authorityInfoAccess) ?? [];
    const c: ParsedCert = {
      der, tbs: raw(der, p.tbs), sigAlg: algId(der, p.sigAlg), signature: bitStringBytes(der, p.sigValue),
      serial: integerHex(der, p.serial), issuer, subject, notBefore: p.notBefore, notAfter: p.notAfter,
      spki: raw(der, p.spki), spkiAlg: algId(der, children(der, p.spki)[0]),
      extensions: p.extensions,
      ocspUrls: accessUris(aia, ACCESS_METHODS.ocsp), caIssuerUrls: accessUris(aia, ACCESS_METHODS.caIssuers),
      fingerprint: createHash('sha256').update(der).digest('hex'),
      selfIssued: issuer.key === subject.key,
    };
    const set = <K extends keyof ParsedCert>(key: K, value: ParsedCert[K] | undefined): void => setDefined(c, key, value);
    set('basicConstraints', strict(ext, EXT.basicConstraints));
    set('keyUsage', strict(ext, EXT.keyUsage)?.mask);
    set('extKeyUsage', strict(ext, EXT.extKeyUsage));
    set('san', strict(ext, EXT.subjectAltName));
    set('nameConstraints', strict(ext, EXT.nameConstraints));
    set('policies', strict(ext, EXT.certificatePolicies));
    set('policyMappings', strict(ext, EXT.policyMappings));
    set('policyConstraints', strict(ext, EXT.policyConstraints));
    set('inhibitAnyPolicy', strict(ext, EXT.inhibitAnyPolicy));
    set('authorityKeyId', strict(ext, EXT.authorityKeyIdentifier)?.keyIdHex);
    set('subjectKeyId', strict(ext, EXT.subjectKeyIdentifier));
    set('crlDistributionPoints', strict(ext, EXT.crlDistributionPoints));
    set('freshestCrl', strict(ext, EXT.freshestCrl));
    return c;
  } catch (e) {
    throw new ParseError(`not a valid certificate: ${(e as Error).message}`);
  }
}

/** Optional fields stay absent (not `undefined`) when the extension is. */
function setDefined<T, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function bigintOf(hex: string | undefined): bigint | undefined {
  return hex === undefined ? undefined : BigInt('0x' + (hex || '0'));
}

export function parseCrl(input: Uint8Array): ParsedCrl {
  try {
    const p = splitCrl(input);
    const der = p.der;
    const issuer = parseName(der, p.issuer);
    const ext = new DecodedExtensions(p.extensions);
    const crl: ParsedCrl = {
      der, tbs: raw(der, p.tbs), sigAlg: algId(der, p.sigAlg), signature: bitStringBytes(der, p.sigValue),
      issuer, thisUpdate: p.thisUpdate, entries: new Map(), entryCount: 0,
    };
    setDefined(crl, 'nextUpdate', p.nextUpdate);
    setDefined(crl, 'crlNumber', bigintOf(strict(ext, EXT.crlNumber)));
    setDefined(crl, 'deltaBase', bigintOf(strict(ext, EXT.deltaCrlIndicator)));
    setDefined(crl, 'authorityKeyId', strict(ext, EXT.authorityKeyIdentifier)?.keyIdHex);
    setDefined(crl, 'freshestCrl', strict(ext, EXT.freshestCrl));
    const idp = strict(ext, EXT.issuingDistributionPoint);
    if (idp) crl.idp = { ...idp, derHex: toHex(ext.find(EXT.issuingDistributionPoint)!.value) };
    const unknown = ext.list.find((e) => e.critical && !KNOWN.crl.has(e.oid));
    if (unknown) crl.unknownCritical = unknown.oid;
    if (p.entries) {
      // Indirect CRLs: certificateIssuer names the issuer of this entry and of those after it.
      let issuerKey = issuer.key;
      scanEntries(der, p.entries, (serial, date, e) => {
        const dn = e?.certificateIssuer?.find((g) => g.type === 'dirName');
        if (dn?.type === 'dirName') issuerKey = dn.name.key;
        const entry: ParsedCrlEntry = { serial, date, issuerKey, unknownCritical: e?.unknownCritical !== undefined };
        if (e?.reason !== undefined) entry.reason = e.reason;
        pushTo(crl.entries, serial, entry);
        crl.entryCount++;
      });
    }
    return crl;
  } catch (e) {
    throw new ParseError(`not a valid CRL: ${(e as Error).message}`);
  }
}

/** Finds DER blocks in PEM text (any of the given labels) or returns DER input as one block. */
export function derBlocks(input: Uint8Array | string, labels: string[]): Uint8Array[] {
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
  if (text.includes('-----BEGIN ')) {
    const out: Uint8Array[] = [];
    const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
    for (let m = re.exec(text); m; m = re.exec(text)) if (labels.includes(m[1])) out.push(Buffer.from(m[2].replace(/[^A-Za-z0-9+/=]/g, ''), 'base64'));
    return out;
  }
  return typeof input === 'string' ? [] : [input];
}
