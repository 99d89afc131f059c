// DistributionPoint and DistributionPointName (RFC 5280 §4.2.1.13), shared by
// cRLDistributionPoints, freshestCRL and issuingDistributionPoint.
import { TAG, bitStringBytes, children, type Tlv, raw, readTlv } from '../../der/reader';
import { seq, set } from '../../der/writer';
import { parseGeneralNames, type GeneralName } from '../generalName';
import { parseName, type Name } from '../name';
import { bitsToMask, top, type ExtensionDescriptor, type ExtensionScope } from './descriptor';

export interface DistributionPointName {
  fullName?: GeneralName[];
  /**
   * nameRelativeToCRLIssuer: one RDN to append to the CRL issuer's name, as a one-RDN Name. The
   * display shows it on its own, as `openssl x509 -text` does ("Relative Name: CN = ..."); path
   * validation resolves it against the CRL issuer, as `openssl verify` does (verify/crlCheck.ts).
   */
  relativeName?: Name;
}

export interface DistributionPoint extends DistributionPointName {
  /** ReasonFlags as a mask (bit 1 keyCompromise .. bit 8 aACompromise); undefined = all reasons. */
  reasons?: number;
  crlIssuer?: GeneralName[];
}

/** Reads the [0] DistributionPointName CHOICE inside a DistributionPoint or an IDP into `out`. */
export function readDistributionPointName(b: Uint8Array, t: Tlv, out: DistributionPointName): void {
  const inner = readTlv(b, t.start, t.end);
  if (inner.tag === 0xa0) out.fullName = parseGeneralNames(b, inner);
  else if (inner.tag === 0xa1) {
    const asName = seq(set(...children(b, inner).map((atv) => raw(b, atv))));
    out.relativeName = parseName(asName, readTlv(asName, 0));
  }
}

export function reasonMask(b: Uint8Array, t: Tlv): number {
  return bitsToMask(bitStringBytes(b, t));
}

export function distributionPointsExtension(oid: string, scopes: readonly ExtensionScope[]): ExtensionDescriptor<DistributionPoint[]> {
  return {
    oid, in: scopes,
    decode: (v) => children(v, top(v, TAG.SEQUENCE)).map((dpT) => {
      const dp: DistributionPoint = {};
      for (const part of children(v, dpT)) {
        if (part.tag === 0xa0) readDistributionPointName(v, part, dp);
        else if (part.tag === 0x81) dp.reasons = reasonMask(v, part);
        else if (part.tag === 0xa2) dp.crlIssuer = parseGeneralNames(v, part);
      }
      return dp;
    }),
  };
}
