// X.509v3 extensions -> CertificateExtensions (display model), from the values the registry
// (x509/extensions/registry.ts) decoded. One broken extension yields an `error` on its entry
// instead of failing the whole certificate.
import { toHex } from '../der/reader';
import type { CertificateExtensions, Extension, GeneralName as GeneralNameModel } from '../model';
import { ACCESS_METHODS, EXTENDED_KEY_USAGES, extensionName } from '../oids';
import type { RawExtension } from '../x509/extension';
import { accessUris } from '../x509/extensions/accessDescriptions';
import type { AuthorityKeyId } from '../x509/extensions/authorityKeyIdentifier';
import { maskNames, type ExtensionDescriptor } from '../x509/extensions/descriptor';
import type { DistributionPointName } from '../x509/extensions/distributionPoints';
import { DecodedExtensions, EXT } from '../x509/extensions/registry';
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
  const critical = (desc: ExtensionDescriptor<unknown>): boolean => d.find(desc)?.critical === true;
  const bc = d.get(EXT.basicConstraints);
  if (bc) {
    out.basicConstraints = { ca: bc.ca, critical: critical(EXT.basicConstraints) };
    if (bc.pathLen !== undefined) out.basicConstraints.pathLen = bc.pathLen;
  }
  const ku = d.get(EXT.keyUsage);
  if (ku) out.keyUsage = { usages: ku.names, critical: critical(EXT.keyUsage) };
  const eku = d.get(EXT.extKeyUsage);
  if (eku) out.extKeyUsage = { oids: eku, usages: eku.map((o) => EXTENDED_KEY_USAGES[o] ?? o), critical: critical(EXT.extKeyUsage) };
  const san = d.get(EXT.subjectAltName);
  if (san) out.subjectAltName = { names: namesModel(san), critical: critical(EXT.subjectAltName) };
  const ian = d.get(EXT.issuerAltName);
  if (ian) out.issuerAltName = { names: namesModel(ian) };
  const aki = d.get(EXT.authorityKeyIdentifier);
  if (aki) out.authorityKeyId = authorityKeyIdModel(aki);
  const ski = d.get(EXT.subjectKeyIdentifier);
  if (ski !== undefined) out.subjectKeyIdHex = ski;
  const aia = d.get(EXT.authorityInfoAccess);
  if (aia) out.authorityInfoAccess = { ocsp: accessUris(aia, ACCESS_METHODS.ocsp), caIssuers: accessUris(aia, ACCESS_METHODS.caIssuers) };
  const cdp = d.get(EXT.crlDistributionPoints);
  if (cdp) {
    out.crlDistributionPoints = cdp.map((dp) => {
      const names = dpNamesModel(dp);
      const entry: NonNullable<CertificateExtensions['crlDistributionPoints']>[number] = { urls: uris(names), names };
      if (dp.reasons !== undefined) entry.reasons = reasonFlagNames(dp.reasons);
      if (dp.crlIssuer) entry.crlIssuer = namesModel(dp.crlIssuer);
      return entry;
    });
  }
  const policies = d.get(EXT.certificatePolicies);
  if (policies) out.certificatePolicies = policies.map((p) => ({ oid: p.oid, cps: p.cps, userNotices: p.userNotices }));
  const mappings = d.get(EXT.policyMappings);
  if (mappings) out.policyMappings = mappings;
  const pc = d.get(EXT.policyConstraints);
  if (pc) out.policyConstraints = pc;
  const iap = d.get(EXT.inhibitAnyPolicy);
  if (iap !== undefined) out.inhibitAnyPolicy = iap;
  const nc = d.get(EXT.nameConstraints);
  if (nc) {
    out.nameConstraints = {
      permitted: namesModel((nc.permitted ?? []).map((s) => s.base)), excluded: namesModel((nc.excluded ?? []).map((s) => s.base)),
      critical: critical(EXT.nameConstraints),
    };
  }
  const features = d.get(EXT.tlsFeature);
  if (features) out.tlsFeature = { features, mustStaple: features.includes(5) };
  const scts = d.get(EXT.sct);
  if (scts) out.sct = scts;
  return out;
}
