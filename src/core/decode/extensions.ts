// X.509v3 extensions -> CertificateExtensions (display model), from the values the registry
// (x509/extensions/registry.ts) decoded. One broken extension yields an `error` on its entry
// instead of failing the whole certificate.
import { toHex } from '../der/reader';
import type { CertificateExtensions, Extension, GeneralName as GeneralNameModel } from '../model';
import { ACCESS_METHODS, EXTENDED_KEY_USAGES, extensionName, OID } from '../oids';
import type { RawExtension } from '../x509/extension';
import { accessUris } from '../x509/extensions/accessDescriptions';
import { authorityInfoAccess } from '../x509/extensions/authorityInfoAccess';
import { authorityKeyIdentifier, type AuthorityKeyId } from '../x509/extensions/authorityKeyIdentifier';
import { basicConstraints } from '../x509/extensions/basicConstraints';
import { certificatePolicies } from '../x509/extensions/certificatePolicies';
import { crlDistributionPoints } from '../x509/extensions/crlDistributionPoints';
import { maskNames } from '../x509/extensions/descriptor';
import type { DistributionPointName } from '../x509/extensions/distributionPoints';
import { extKeyUsage } from '../x509/extensions/extKeyUsage';
import { inhibitAnyPolicy } from '../x509/extensions/inhibitAnyPolicy';
import { issuerAltName } from '../x509/extensions/issuerAltName';
import { keyUsage } from '../x509/extensions/keyUsage';
import { nameConstraints } from '../x509/extensions/nameConstraints';
import { policyConstraints } from '../x509/extensions/policyConstraints';
import { policyMappings } from '../x509/extensions/policyMappings';
import { DecodedExtensions } from '../x509/extensions/registry';
import { sct } from '../x509/extensions/sct';
import { subjectAltName } from '../x509/extensions/subjectAltName';
import { subjectKeyIdentifier } from '../x509/extensions/subjectKeyIdentifier';
import { tlsFeature } from '../x509/extensions/tlsFeature';
import { distinguishedName } from '../x509/name';
import { generalNameModel, type GeneralName } from '../x509/generalName';

const REASON_FLAGS = ['unused', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded',
  'cessationOfOperation', 'certificateHold', 'privilegeWithdrawn', 'aACompromise'];

export function reasonFlagNames(mask: number): string[] {
  return maskNames(mask, REASON_FLAGS);
}

export function namesModel(names: GeneralName[]): GeneralNameModel[] {
  return names.map(generalNameModel);
}

/** Display names of a distribution point name; a relative name is shown on its own, as openssl does. */
export function dpNamesModel(dp: DistributionPointName): GeneralNameModel[] {
  if (dp.fullName) return namesModel(dp.fullName);
  if (!dp.relativeName) return [];
  const rdn = distinguishedName(dp.relativeName);
  return [{ type: 'dirName', value: `relative to the CRL issuer: ${rdn.rfc4514}`, name: rdn }];
}

export function uris(names: GeneralNameModel[]): string[] {
  return names.filter((n) => n.type === 'uri').map((n) => n.value);
}

function authorityKeyIdModel(aki: AuthorityKeyId): NonNullable<CertificateExtensions['authorityKeyId']> {
  const out: NonNullable<CertificateExtensions['authorityKeyId']> = {};
  if (aki.keyIdHex !== undefined) out.keyIdHex = aki.keyIdHex;
  if (aki.issuer) out.issuer = namesModel(aki.issuer);
  if (aki.serialHex !== undefined) out.serialHex = aki.serialHex;
  return out;
}

/** The extension list entries (every extension, in encoded order, with decoding errors). */
export function extensionEntries(decoded: DecodedExtensions): Extension[] {
  return decoded.list.map((e) => {
    const entry: Extension = { oid: e.oid, name: extensionName(e.oid), critical: e.critical, valueHex: toHex(e.value) };
    if (e.error !== undefined) entry.error = e.error;
    return entry;
  });
}

/** Decodes the certificate (or CSR-requested) extensions. */
export function decodeExtensionsFromRaw(raws: RawExtension[]): CertificateExtensions {
  return extensionsModel(new DecodedExtensions(raws));
}

function extensionsModel(d: DecodedExtensions): CertificateExtensions {
  const out: CertificateExtensions = { all: extensionEntries(d) };
  const critical = (oid: string): boolean => d.list.some((e) => e.oid === oid && e.critical);
  const bc = d.get(basicConstraints);
  if (bc) out.basicConstraints = bc.pathLen === undefined ? { ca: bc.ca, critical: critical(OID.basicConstraints) } : { ca: bc.ca, pathLen: bc.pathLen, critical: critical(OID.basicConstraints) };
  const ku = d.get(keyUsage);
  if (ku) out.keyUsage = { usages: ku.names, critical: critical(OID.keyUsage) };
  const eku = d.get(extKeyUsage);
  if (eku) out.extKeyUsage = { oids: eku, usages: eku.map((o) => EXTENDED_KEY_USAGES[o] ?? o), critical: critical(OID.extKeyUsage) };
  const san = d.get(subjectAltName);
  if (san) out.subjectAltName = { names: namesModel(san), critical: critical(OID.subjectAltName) };
  const ian = d.get(issuerAltName);
  if (ian) out.issuerAltName = { names: namesModel(ian) };
  const aki = d.get(authorityKeyIdentifier);
  if (aki) out.authorityKeyId = authorityKeyIdModel(aki);
  const ski = d.get(subjectKeyIdentifier);
  if (ski !== undefined) out.subjectKeyIdHex = ski;
  const aia = d.get(authorityInfoAccess);
  if (aia) out.authorityInfoAccess = { ocsp: accessUris(aia, ACCESS_METHODS.ocsp), caIssuers: accessUris(aia, ACCESS_METHODS.caIssuers) };
  const cdp = d.get(crlDistributionPoints);
  if (cdp) {
    out.crlDistributionPoints = cdp.map((dp) => {
      const names = dpNamesModel(dp);
      const entry: NonNullable<CertificateExtensions['crlDistributionPoints']>[number] = { urls: uris(names), names };
      if (dp.reasons !== undefined) entry.reasons = reasonFlagNames(dp.reasons);
      if (dp.crlIssuer) entry.crlIssuer = namesModel(dp.crlIssuer);
      return entry;
    });
  }
  const policies = d.get(certificatePolicies);
  if (policies) out.certificatePolicies = policies.map((p) => ({ oid: p.oid, cps: p.cps, userNotices: p.userNotices }));
  const mappings = d.get(policyMappings);
  if (mappings) out.policyMappings = mappings;
  const pc = d.get(policyConstraints);
  if (pc) out.policyConstraints = pc;
  const iap = d.get(inhibitAnyPolicy);
  if (iap !== undefined) out.inhibitAnyPolicy = iap;
  const nc = d.get(nameConstraints);
  if (nc) {
    out.nameConstraints = {
      permitted: namesModel((nc.permitted ?? []).map((s) => s.base)), excluded: namesModel((nc.excluded ?? []).map((s) => s.base)),
      critical: critical(OID.nameConstraints),
    };
  }
  const features = d.get(tlsFeature);
  if (features) out.tlsFeature = { features, mustStaple: features.includes(5) };
  const scts = d.get(sct);
  if (scts) out.sct = scts;
  return out;
}
