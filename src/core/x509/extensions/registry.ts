// Every extension Certscope understands, by OID: the one place that decodes extension values for
// the display (decode/) and path validation (verify/), and the source of the "known extension"
// sets behind the unknown-critical-extension checks.
import type { RawExtension } from '../extension';
import { authorityInfoAccess } from './authorityInfoAccess';
import { authorityKeyIdentifier } from './authorityKeyIdentifier';
import { basicConstraints } from './basicConstraints';
import { certificateIssuer } from './certificateIssuer';
import { certificatePolicies } from './certificatePolicies';
import { crlDistributionPoints } from './crlDistributionPoints';
import { crlNumber } from './crlNumber';
import { deltaCrlIndicator } from './deltaCrlIndicator';
import type { ExtensionDescriptor, ExtensionScope } from './descriptor';
import { expiredCertsOnCrl } from './expiredCertsOnCrl';
import { extKeyUsage } from './extKeyUsage';
import { freshestCrl } from './freshestCrl';
import { holdInstructionCode } from './holdInstructionCode';
import { inhibitAnyPolicy } from './inhibitAnyPolicy';
import { invalidityDate } from './invalidityDate';
import { issuerAltName } from './issuerAltName';
import { issuingDistributionPoint } from './issuingDistributionPoint';
import { keyUsage } from './keyUsage';
import { nameConstraints } from './nameConstraints';
import { ocspNoCheck } from './ocspNoCheck';
import { policyConstraints } from './policyConstraints';
import { policyMappings } from './policyMappings';
import { reasonCode } from './reasonCode';
import { sct } from './sct';
import { subjectAltName } from './subjectAltName';
import { subjectDirectoryAttributes } from './subjectDirectoryAttributes';
import { subjectInfoAccess } from './subjectInfoAccess';
import { subjectKeyIdentifier } from './subjectKeyIdentifier';
import { tlsFeature } from './tlsFeature';

/** The descriptors by name, for typed access: `decoded.get(EXT.keyUsage)`. */
export const EXT = {
  basicConstraints, keyUsage, extKeyUsage, subjectAltName, issuerAltName, authorityKeyIdentifier, subjectKeyIdentifier,
  authorityInfoAccess, subjectInfoAccess, crlDistributionPoints, freshestCrl, certificatePolicies, policyMappings,
  policyConstraints, inhibitAnyPolicy, nameConstraints, tlsFeature, sct, ocspNoCheck, subjectDirectoryAttributes,
  crlNumber, deltaCrlIndicator, issuingDistributionPoint, expiredCertsOnCrl, reasonCode, invalidityDate, certificateIssuer,
  holdInstructionCode,
} as const;

const ALL: ReadonlyArray<ExtensionDescriptor<unknown>> = Object.values(EXT);

export const REGISTRY: ReadonlyMap<string, ExtensionDescriptor<unknown>> = new Map(ALL.map((d) => [d.oid, d]));

function known(scope: ExtensionScope): ReadonlySet<string> {
  return new Set(ALL.filter((d) => d.in.includes(scope)).map((d) => d.oid));
}

/** Extensions a relying party understands where they stand: an unknown critical one rejects the object. */
export const KNOWN = { certificate: known('certificate'), crl: known('crl'), crlEntry: known('crlEntry') } as const;

export interface DecodedExtension extends RawExtension {
  /** Why the registry's decoder rejected the value. */
  error?: string;
}

/** Extensions decoded once, each on its own: one broken value sets `error` on its entry only. */
export class DecodedExtensions {
  readonly list: DecodedExtension[];
  private readonly values = new Map<string, unknown>();

  constructor(raws: RawExtension[]) {
    this.list = raws.map((raw) => {
      const d = REGISTRY.get(raw.oid);
      if (!d) return raw;
      try {
        this.values.set(raw.oid, d.decode(raw.value));
        return raw;
      } catch (err) {
        return { ...raw, error: err instanceof Error ? err.message : String(err) };
      }
    });
  }

  /** The decoded value, undefined when absent or undecodable. */
  get<T>(d: ExtensionDescriptor<T>): T | undefined {
    return this.values.get(d.oid) as T | undefined;
  }

  /** The entry, when present. */
  find(d: ExtensionDescriptor<unknown>): DecodedExtension | undefined {
    return this.list.find((e) => e.oid === d.oid);
  }
}
