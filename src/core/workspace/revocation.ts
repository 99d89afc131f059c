// Cross-checks certificates against the CRLs found in the workspace: a CRL covers a certificate
// when its issuer name equals the certificate's issuer (and the key ids agree when both exist).
import type { CertificateModel, CrlEntry } from '../model';
import type { CrlRef } from './types';

export interface Revocation {
  crl: CrlRef;
  entry: CrlEntry;
}

export interface CrlIndex {
  /** CRLs that speak for this certificate's issuer (newest thisUpdate first). */
  covering(cert: CertificateModel): CrlRef[];
  /** The revocation entry from the newest covering CRL that lists the certificate, if any. */
  revocation(cert: CertificateModel): Revocation | undefined;
}

/** Lowercase hex without leading zeros: the key format of CrlModel.bySerial. */
export function serialKey(serialHex: string): string {
  return serialHex.replace(/:/g, '').toLowerCase().replace(/^0+(?=.)/, '');
}

export function buildCrlIndex(crls: CrlRef[]): CrlIndex {
  const byIssuer = new Map<string, CrlRef[]>();
  for (const c of crls) {
    const list = byIssuer.get(c.crl.issuer.derHex);
    if (list) list.push(c); else byIssuer.set(c.crl.issuer.derHex, [c]);
  }
  for (const list of byIssuer.values()) list.sort((a, b) => b.crl.thisUpdate.getTime() - a.crl.thisUpdate.getTime());

  const covering = (cert: CertificateModel): CrlRef[] => {
    const aki = cert.extensions.authorityKeyId?.keyIdHex?.toLowerCase();
    return (byIssuer.get(cert.issuer.derHex) ?? []).filter((c) => {
      const crlAki = c.crl.authorityKeyIdHex?.toLowerCase();
      return !(aki && crlAki && aki !== crlAki);
    });
  };
  return {
    covering,
    revocation(cert) {
      const key = serialKey(cert.serialHex);
      for (const c of covering(cert)) {
        const entry = c.crl.bySerial.get(key);
        if (entry) return { crl: c, entry };
      }
      return undefined;
    },
  };
}
