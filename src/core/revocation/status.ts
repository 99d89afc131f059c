// "What is the status of this certificate, and why": the one answer every surface shows (Workspace
// PKI tree, hover, CodeLens, Problems, the Inspect document, Verify, the Certificate Authorities
// view, `certscope scan` / `verify --workspace`). Its sources are the CRLs and OCSP responses found
// in the workspace, wherever they are and whatever they are called: a CRL speaks for a certificate
// when its issuer name and key identifier match the certificate's issuer and its signature verifies
// with that issuer's key (when the issuer is in the workspace: two CAs may share a name). The
// newest such CRL decides (a released hold is gone from it). The answer carries its evidence.
import { shortName } from '../x509/name';
import { createHash } from 'node:crypto';
import type { CertificateModel, CrlEntry, OcspCertStatus, RevocationReason } from '../model';
import { serialKey } from '../serial';
import type { CertRef, CrlRef, Location, OcspRef } from '../workspace/types';
import { SignatureCache, subjectPublicKeyBits } from './signatures';
import { pushTo } from '../multiMap';
import { crlNumberValue } from './evidence';

export interface CrlEvidence {
  kind: 'crl';
  loc: Location;
  crl: CrlRef['crl'];
  /** Checked with the issuer's key ('verified'), or the issuer is not in the workspace ('unchecked'). */
  signature: 'verified' | 'unchecked';
  stale: boolean;
  /** The entry listing the certificate, when this CRL revokes it. */
  entry?: CrlEntry;
}

export interface OcspEvidence {
  kind: 'ocsp';
  loc: Location;
  thisUpdate: Date;
  nextUpdate?: Date;
  stale: boolean;
  status: OcspCertStatus;
}

export type Evidence = CrlEvidence | OcspEvidence;

export interface RevocationAnswer {
  verdict: 'revoked' | 'good' | 'unknown';
  /** The source that decided: the revoking CRL or OCSP response, else the newest covering source. */
  source?: Evidence;
  revokedAt?: Date;
  reason?: RevocationReason;
  /** Why the verdict is 'unknown' ("no CRL or OCSP response from CN=X in the workspace", "stale"). */
  note?: string;
}

export interface RevocationSources {
  certs: CertRef[];
  crls: CrlRef[];
  ocsp: OcspRef[];
}

const MAX_CHAIN = 10;

export class RevocationService {
  private readonly sigs = new SignatureCache();
  private readonly bySubject = new Map<string, CertificateModel[]>();
  private readonly crlsByIssuer = new Map<string, CrlRef[]>();
  private readonly ocspBySerial = new Map<string, Array<{ ref: OcspRef; index: number }>>();
  private readonly answers = new Map<string, RevocationAnswer>();
  private readonly issuerCache = new Map<string, CertificateModel[]>();

  constructor(sources: RevocationSources, private readonly now: Date) {
    const seen = new Set<string>();
    for (const { cert } of sources.certs) {
      if (seen.has(cert.fingerprints.sha256)) continue;
      seen.add(cert.fingerprints.sha256);
      pushTo(this.bySubject, cert.subject.derHex, cert);
    }
    for (const c of sources.crls) pushTo(this.crlsByIssuer, c.crl.issuer.derHex, c);
    for (const list of this.crlsByIssuer.values()) list.sort(newestFirst);
    for (const o of sources.ocsp) {
      o.ocsp.basic?.responses.forEach((r, index) => pushTo(this.ocspBySerial, serialKey(r.certId.serialHex), { ref: o, index }));
    }
  }

  /**
   * The workspace certificates that issued `cert`: same name, compatible key identifiers, and,
   * when several keys qualify, the one whose key verifies the certificate's signature.
   */
  issuersOf(cert: CertificateModel): CertificateModel[] {
    const hit = this.issuerCache.get(cert.fingerprints.sha256);
    if (hit) return hit;
    const aki = cert.extensions.authorityKeyId?.keyIdHex?.toLowerCase();
    let found = (this.bySubject.get(cert.issuer.derHex) ?? []).filter((c) => {
      const ski = c.extensions.subjectKeyIdHex?.toLowerCase();
      return c.fingerprints.sha256 !== cert.fingerprints.sha256 && !(aki && ski && aki !== ski);
    });
    if (new Set(found.map((c) => c.publicKey.spkiSha256)).size > 1) found = found.filter((c) => this.sigs.certSignedBy(cert, c));
    this.issuerCache.set(cert.fingerprints.sha256, found);
    return found;
  }

  /** CRLs that speak for `cert` (issuer name, key id and signature checked), newest first. */
  crlsFor(cert: CertificateModel): CrlEvidence[] {
    const issuers = this.issuersOf(cert);
    const aki = cert.extensions.authorityKeyId?.keyIdHex?.toLowerCase();
    const out: CrlEvidence[] = [];
    for (const ref of this.crlsByIssuer.get(cert.issuer.derHex) ?? []) {
      const crlAki = ref.crl.authorityKeyIdHex?.toLowerCase();
      if (aki && crlAki && aki !== crlAki) continue;
      let signature: CrlEvidence['signature'] = 'unchecked';
      if (issuers.length) {
        if (!issuers.some((i) => this.sigs.crlSignedBy(ref.crl, i, locKey(ref.loc)))) continue;
        signature = 'verified';
      }
      out.push({ kind: 'crl', loc: ref.loc, crl: ref.crl, signature, stale: isStale(ref.crl.nextUpdate, this.now) });
    }
    return out;
  }

  /** CRLs signed by this CA certificate (the CA view's "current CRL" is the first), newest first. */
  crlsIssuedBy(ca: CertificateModel): CrlRef[] {
    const ski = ca.extensions.subjectKeyIdHex?.toLowerCase();
    return (this.crlsByIssuer.get(ca.subject.derHex) ?? []).filter((ref) => {
      const aki = ref.crl.authorityKeyIdHex?.toLowerCase();
      return !(aki && ski && aki !== ski) && this.sigs.crlSignedBy(ref.crl, ca, locKey(ref.loc));
    });
  }

  /** The revocation status of the certificate itself (its CAs: see revokedIssuer). */
  revocation(cert: CertificateModel): RevocationAnswer {
    let a = this.answers.get(cert.fingerprints.sha256);
    if (!a) {
      a = this.compute(cert);
      this.answers.set(cert.fingerprints.sha256, a);
    }
    return a;
  }

  /** The first CA above `cert` (in the workspace) that is revoked, with its answer. */
  revokedIssuer(cert: CertificateModel): { cert: CertificateModel; answer: RevocationAnswer } | undefined {
    const seen = new Set([cert.fingerprints.sha256]);
    let cur = cert;
    for (let depth = 0; depth < MAX_CHAIN; depth++) {
      if (cur.subject.derHex === cur.issuer.derHex) return undefined;
      const issuer = this.issuersOf(cur)[0];
      if (!issuer || seen.has(issuer.fingerprints.sha256)) return undefined;
      seen.add(issuer.fingerprints.sha256);
      const answer = this.revocation(issuer);
      if (answer.verdict === 'revoked') return { cert: issuer, answer };
      cur = issuer;
    }
    return undefined;
  }

  private compute(cert: CertificateModel): RevocationAnswer {
    // A self-issued certificate (a root) has no issuer to revoke it.
    if (cert.subject.derHex === cert.issuer.derHex) return { verdict: 'unknown', note: 'a self-issued CA certificate is not covered by CRLs' };
    const fromCrl = fromCrls(this.crlsFor(cert), serialKey(cert.serialHex));
    if (fromCrl.verdict === 'revoked') return fromCrl;
    const newest = fromCrl.source as CrlEvidence | undefined;
    const ocsp = this.ocspFor(cert);
    const revokedOcsp = ocsp.find((o) => o.status.status === 'revoked');
    if (revokedOcsp && revokedOcsp.status.status === 'revoked') {
      return revokedBy(revokedOcsp, revokedOcsp.status.revocationTime, revokedOcsp.status.reason);
    }
    const fresh = [newest, ...ocsp.filter((o) => o.status.status === 'good')].find((e) => e && !e.stale);
    if (fresh) return { verdict: 'good', source: fresh };
    const staleSource = newest ?? ocsp.find((o) => o.status.status === 'good');
    if (staleSource) return { verdict: 'unknown', source: staleSource, note: `${staleSource.kind === 'crl' ? 'the CRL' : 'the OCSP response'} is past its next update` };
    return { verdict: 'unknown', note: `no CRL or OCSP response from ${shortName(cert.issuer)} in the workspace` };
  }

  /**
   * The answer for a serial number `ca` issued, from the CRLs it signed: the CA view lists
   * index.txt entries whether or not their certificate file is in the workspace.
   */
  serialStatus(ca: CertificateModel, serialHex: string): RevocationAnswer {
    const crls = this.crlsIssuedBy(ca).map((ref): CrlEvidence => ({
      kind: 'crl', loc: ref.loc, crl: ref.crl, signature: 'verified', stale: isStale(ref.crl.nextUpdate, this.now),
    }));
    const a = fromCrls(crls, serialKey(serialHex));
    if (a.verdict !== 'good' || !a.source?.stale) return a;
    return { verdict: 'unknown', source: a.source, note: 'the CRL is past its next update' };
  }

  /** OCSP single responses about this certificate (serial, issuer name hash, issuer key hash when known). */
  private ocspFor(cert: CertificateModel): OcspEvidence[] {
    const out: OcspEvidence[] = [];
    const issuers = this.issuersOf(cert);
    for (const { ref, index } of this.ocspBySerial.get(serialKey(cert.serialHex)) ?? []) {
      const r = ref.ocsp.basic!.responses[index];
      const alg = r.certId.hashAlgorithm;
      if (!/^(sha1|sha256|sha384|sha512)$/.test(alg)) continue;
      if (hashHex(alg, Buffer.from(cert.issuer.derHex, 'hex')) !== r.certId.issuerNameHashHex.toLowerCase()) continue;
      if (issuers.length && !issuers.some((i) => keyHash(alg, i) === r.certId.issuerKeyHashHex.toLowerCase())) continue;
      out.push({
        kind: 'ocsp', loc: { ...ref.loc, sub: index }, thisUpdate: r.thisUpdate, nextUpdate: r.nextUpdate,
        stale: isStale(r.nextUpdate, this.now), status: r.certStatus,
      });
    }
    return out.sort((a, b) => b.thisUpdate.getTime() - a.thisUpdate.getTime());
  }
}

/**
 * What a CA's CRLs (newest first) say about one serial: the newest complete CRL decides, and delta
 * CRLs at least as new add to it (RFC 5280 §5.2.4; removeFromCRL in a delta undoes a hold).
 * 'good' carries the deciding CRL as its source; no CRL at all is 'unknown' without a source.
 */
function fromCrls(crls: CrlEvidence[], key: string): RevocationAnswer {
  const newest = crls.find((c) => c.crl.deltaCrlIndicator === undefined);
  const deltas = crls.filter((c) => c.crl.deltaCrlIndicator !== undefined && (!newest || c.crl.thisUpdate >= newest.crl.thisUpdate));
  for (const d of deltas) {
    const entry = d.crl.bySerial.get(key);
    if (entry && entry.reason !== 'removeFromCRL') return revokedBy({ ...d, entry }, entry.revocationDate, entry.reason);
    if (entry) return { verdict: 'good', source: d };
  }
  if (!newest) return { verdict: 'unknown', note: 'no CRL from this CA in the workspace' };
  const entry = newest.crl.bySerial.get(key);
  if (entry && entry.reason !== 'removeFromCRL') return revokedBy({ ...newest, entry }, entry.revocationDate, entry.reason);
  return { verdict: 'good', source: newest };
}

function revokedBy(source: Evidence, revokedAt: Date, reason?: RevocationReason): RevocationAnswer {
  return { verdict: 'revoked', source, revokedAt, ...(reason ? { reason } : {}) };
}

export function isStale(nextUpdate: Date | undefined, now: Date): boolean {
  return nextUpdate !== undefined && nextUpdate.getTime() < now.getTime();
}

function hashHex(alg: string, data: Uint8Array): string {
  return createHash(alg).update(data).digest('hex');
}

/** OCSP's issuerKeyHash: the hash of the issuer's subjectPublicKey BIT STRING contents. */
function keyHash(alg: string, issuer: CertificateModel): string | undefined {
  const bits = subjectPublicKeyBits(issuer);
  return bits ? hashHex(alg, bits) : undefined;
}

/**
 * Newest first; the same CRL in several files (a CA's crl.pem and crl.der) in a fixed order, so every
 * surface and every run names the same file whatever order the files were indexed in: the higher CRL
 * number, then a PEM file (what mosquitto and most brokers load), then the path.
 */
function newestFirst(a: CrlRef, b: CrlRef): number {
  return b.crl.thisUpdate.getTime() - a.crl.thisUpdate.getTime()
    || crlNumberOrder(a, b)
    || Number(/\.pem$/i.test(b.loc.file)) - Number(/\.pem$/i.test(a.loc.file))
    || (a.loc.file < b.loc.file ? -1 : a.loc.file > b.loc.file ? 1 : a.loc.item - b.loc.item);
}

function crlNumberOrder(a: CrlRef, b: CrlRef): number {
  const na = crlNumberValue(a.crl.crlNumber) ?? -1n;
  const nb = crlNumberValue(b.crl.crlNumber) ?? -1n;
  return nb > na ? 1 : nb < na ? -1 : 0;
}

function locKey(l: Location): string {
  return `${l.file}#${l.item}${l.sub !== undefined ? `.${l.sub}` : ''}`;
}
