// What the CRLs and OCSP responses at hand say about the client certificate: given by the user
// (--crl, --ocsp-response), found in the workspace (ProbeContext), or, only when asked
// (fetchRevocation), fetched from the certificate's own CRL distribution point and AIA OCSP URL.
// Also notes CRLs of the certificate's issuer that are past nextUpdate: a server that loads one
// refuses every client (OpenSSL, Erlang/OTP, nginx). Never throws: unreadable inputs become notes.
import { issuedBy } from '../issuedBy';
import type { KnownRevocation, RevocationEvidence, RevocationSource } from './types';
import { decodeCertificate } from '../decode/certificate';
import { decodeCrl } from '../decode/crl';
import { decodeOcspResponse } from '../decode/ocsp';
import type { CertificateModel } from '../model';
import { checkOcsp, verifyOcspResponse } from '../ocsp/client';
import { fetchCrl } from '../verify/index';
import { RevocationService, type CrlEvidence } from '../revocation/status';
import { serialKey } from '../serial';
import type { CertRef, CrlRef } from '../workspace/types';
import { crlName } from '../revocation/evidence';
import { formatDate } from '../dates';

const FETCH_TIMEOUT_MS = 5_000;
const FETCH_MAX_BYTES = 16 * 1024 * 1024;

export interface RevocationInputs {
  leaf: Buffer;
  /** Candidates for the leaf's issuer (the rest of the --cert file, the --ca file). */
  issuers: Buffer[];
  crls: RevocationSource[];
  ocspResponses: RevocationSource[];
  known: KnownRevocation[];
  fetch: boolean;
  now: Date;
}

function crlLabel(crlNumber: string | undefined, issuer: string, source: string): string {
  return `${crlName(crlNumber)} of ${issuer} (${source})`;
}

export async function revocationEvidence(i: RevocationInputs): Promise<RevocationEvidence> {
  const out: RevocationEvidence = { status: 'unknown', staleCrls: [], checked: [] };
  let cert: CertificateModel;
  try {
    cert = decodeCertificate(i.leaf);
  } catch {
    return out;
  }
  const issuer = i.issuers.find((c) => issuedBy(i.leaf, c));
  const revoked = (source: string, at?: Date | string, reason?: string): void => {
    if (out.status === 'revoked') return;
    Object.assign(out, { status: 'revoked', source, revokedAt: at instanceof Date ? at.toISOString() : at, reason });
  };

  const crls = [...i.crls];
  const ocsp = [...i.ocspResponses];
  if (i.fetch) {
    for (const url of (cert.extensions.crlDistributionPoints ?? []).flatMap((d) => d.urls).filter((u) => /^http:\/\//i.test(u)).slice(0, 2)) {
      try {
        for (const der of await fetchCrl(url, FETCH_TIMEOUT_MS, FETCH_MAX_BYTES)) crls.push({ der, source: url });
      } catch (err) {
        out.checked.push(`fetching the CRL ${url} failed: ${(err as Error).message}`);
      }
    }
    if (issuer && cert.extensions.authorityInfoAccess?.ocsp.length) {
      const r = await checkOcsp(i.leaf, issuer, { timeoutMs: FETCH_TIMEOUT_MS, now: i.now });
      if (r.valid) {
        out.checked.push(`OCSP ${r.url}: ${r.status}`);
        if (r.status === 'revoked') revoked(`OCSP responder ${r.url}`, r.revocationTime, r.reason);
        else if (r.status === 'good' && out.status === 'unknown') Object.assign(out, { status: 'good', source: `OCSP responder ${r.url}` });
      } else out.checked.push(`OCSP ${r.url ?? '(no URL)'}: ${r.problems.join('; ')}`);
    }
  }

  // The workspace's own rule picks the CRLs that speak for the issuer (name + AKI), newest first.
  const refs: CrlRef[] = [];
  crls.forEach((c, i) => {
    try {
      refs.push({ loc: { file: c.source, item: i }, crl: decodeCrl(c.der), range: { block: i, startLine: 0, endLine: 0, startOffset: 0, endOffset: c.der.length } });
    } catch (err) {
      out.checked.push(`${c.source}: not a CRL (${(err as Error).message})`);
    }
  });
  // The issuer candidates let the service check each CRL's signature (two CAs may share a name).
  const issuerRefs: CertRef[] = [];
  i.issuers.forEach((der, n) => {
    try {
      issuerRefs.push({ loc: { file: 'issuer', item: n }, cert: decodeCertificate(der), range: { block: n, startLine: 0, endLine: 0, startOffset: 0, endOffset: der.length } });
    } catch { /* not a certificate: no signature check with it */ }
  });
  const service = new RevocationService({ certs: issuerRefs, crls: refs, ocsp: [] }, i.now);
  const covering = service.crlsFor(cert);
  const label = (r: CrlEvidence): string => crlLabel(r.crl.crlNumber, r.crl.issuer.commonName ?? r.crl.issuer.rfc4514, r.loc.file);
  for (const r of covering) {
    const listed = r.crl.bySerial.has(serialKey(cert.serialHex));
    out.checked.push(`${label(r)}: ${listed ? 'lists the certificate' : 'does not list the certificate'}${r.stale ? `; past its nextUpdate ${formatDate(r.crl.nextUpdate!)}` : ''}`);
  }
  // Only the newest CRL counts as what a broker would load at best: an older stale copy beside a
  // fresh one says nothing.
  const newest = covering.find((c) => c.crl.deltaCrlIndicator === undefined) ?? covering[0];
  if (newest?.stale) out.staleCrls.push({ source: label(newest), nextUpdate: newest.crl.nextUpdate!.toISOString() });
  const hit = service.revocation(cert);
  if (hit.verdict === 'revoked' && hit.source?.kind === 'crl') revoked(label(hit.source), hit.revokedAt, hit.reason);
  else if (newest && out.status === 'unknown' && !out.staleCrls.length) Object.assign(out, { status: 'good', source: label(newest) });

  for (const o of ocsp) {
    if (issuer) {
      const r = verifyOcspResponse(o.der, { cert: i.leaf, issuer, now: i.now });
      out.checked.push(`OCSP response ${o.source}: ${r.valid ? r.status : `not usable (${r.problems.join('; ')})`}`);
      if (r.valid && r.status === 'revoked') revoked(`OCSP response ${o.source}`, r.revocationTime, r.reason);
      else if (r.valid && r.status === 'good' && out.status === 'unknown') Object.assign(out, { status: 'good', source: `OCSP response ${o.source}` });
      continue;
    }
    // Without the issuer the response cannot be verified: use what it claims for this serial.
    try {
      const single = decodeOcspResponse(o.der).basic?.responses.find((s) => s.certId.serialHex === cert.serialHex);
      out.checked.push(`OCSP response ${o.source} (signature not checked: issuer unknown): ${single?.certStatus.status ?? 'not about this certificate'}`);
      if (single?.certStatus.status === 'revoked') revoked(`OCSP response ${o.source} (unverified)`, single.certStatus.revocationTime, single.certStatus.reason);
    } catch (err) {
      out.checked.push(`${o.source}: not an OCSP response (${(err as Error).message})`);
    }
  }

  for (const k of i.known) {
    if (serialKey(k.serialHex) === serialKey(cert.serialHex)) revoked(k.source, k.revokedAt, k.reason);
  }
  return out;
}
