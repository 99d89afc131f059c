// Revocation status from CRLs, following RFC 5280 §6.3.3: distribution points and their scope
// (issuingDistributionPoint), reason masks (onlySomeReasons), indirect CRLs (cRLIssuer,
// certificateIssuer entries), delta CRLs, CRL validity and the CRL signer's own validation.
import { formatDate } from '../dates';
import type { DistributionPoint, DistributionPointName } from '../x509/extensions/distributionPoints';
import type { GeneralName } from '../x509/generalName';
import { nameToString } from '../x509/name';
import type { ParsedCert, ParsedCrl } from './parse';
import { reasonName } from '../oids';
import { checkSignature } from './signature';
import type { RevocationStatus } from './types';

/** ReasonFlags bits 1..8 (keyCompromise .. aACompromise). */
const ALL_REASONS = 0x1fe;
const KU_CRL_SIGN = 1 << 6;

export interface CrlContext {
  crls: ParsedCrl[];
  at: Date;
  useDeltas: boolean;
  /** Validates a candidate CRL signer certificate (path to the same trust anchor, revocation included). */
  validateSigner(signer: ParsedCert): string | undefined;
  /** Every certificate available (path, pool, anchors): where CRL signers are found. */
  certificates: ParsedCert[];
}

function dnKey(key: string): string {
  return 'dn:' + key;
}

function gnKeys(names: GeneralName[] | undefined): string[] {
  return (names ?? []).map((g) => {
    switch (g.type) {
      case 'dirName': return dnKey(g.name.key);
      case 'uri': return 'uri:' + g.value;
      case 'dns': return 'dns:' + g.value.toLowerCase();
      case 'email': return 'email:' + g.value.toLowerCase();
      case 'ip': return 'ip:' + Buffer.from(g.bytes).toString('hex');
      default: return g.type + ':' + g.value;
    }
  });
}

/** Names of a distribution point name, with nameRelativeToCRLIssuer resolved against `issuerKey`. */
function dpNameKeys(dp: DistributionPointName, issuerKey: string): string[] {
  if (dp.fullName) return gnKeys(dp.fullName);
  if (dp.relativeName) return [dnKey(issuerKey ? issuerKey + '/' + dp.relativeName.key : dp.relativeName.key)];
  return [];
}

function isCa(cert: ParsedCert): boolean {
  return cert.basicConstraints?.ca === true;
}

interface SignerCache {
  map: Map<ParsedCrl, { ok: boolean; reason?: string }>;
}

export function checkCrlStatus(cert: ParsedCert, ctx: CrlContext, cache: SignerCache = { map: new Map() }): RevocationStatus {
  const dps: DistributionPoint[] = cert.crlDistributionPoints?.length
    ? cert.crlDistributionPoints
    : [{ crlIssuer: [{ type: 'dirName', name: cert.issuer }] }];
  const complete = ctx.crls.filter((c) => c.deltaBase === undefined);
  const deltas = ctx.crls.filter((c) => c.deltaBase !== undefined);
  let reasonsMask = 0;
  const notes: string[] = [];
  let usedCrl = '';

  for (const dp of dps) {
    // An implicit DP (no CDP extension) or one without cRLIssuer: the CRL issuer is the cert issuer.
    const crlIssuerKeys = dp.crlIssuer ? gnKeys(dp.crlIssuer).filter((k) => k.startsWith('dn:')) : [dnKey(cert.issuer.key)];
    const implicit = !cert.crlDistributionPoints?.length;
    for (const crl of complete) {
      // (b)(1) issuer
      if (dp.crlIssuer && !implicit) {
        // A DP naming a cRLIssuer is served by an indirect CRL from that issuer.
        if (!crlIssuerKeys.includes(dnKey(crl.issuer.key)) || !crl.idp?.indirect) continue;
      } else if (crl.issuer.key !== cert.issuer.key) {
        continue;
      }
      // (b)(2) scope
      if (!inScope(cert, dp, crl, implicit)) continue;
      // (d), (e) reasons
      const interim = (crl.idp?.onlySomeReasons ?? ALL_REASONS) & (dp.reasons ?? ALL_REASONS) & ALL_REASONS;
      if ((interim & ~reasonsMask) === 0) continue;
      const label = `CRL of ${nameToString(crl.issuer)}${crl.crlNumber !== undefined ? ` #${crl.crlNumber}` : ''}`;
      if (crl.unknownCritical) { notes.push(`${label} has an unknown critical extension ${crl.unknownCritical}`); continue; }
      // (f), (g) signer and signature
      const signer = crlSignerCheck(crl, ctx, cache);
      if (!signer.ok) { notes.push(`${label}: ${signer.reason}`); continue; }
      // validity
      if (crl.thisUpdate.getTime() > ctx.at.getTime()) { notes.push(`${label} is not yet valid (thisUpdate ${formatDate(crl.thisUpdate)})`); continue; }
      if (crl.nextUpdate && crl.nextUpdate.getTime() < ctx.at.getTime()) { notes.push(`${label} expired at ${formatDate(crl.nextUpdate)} (nextUpdate)`); continue; }
      // (c), (h) delta
      let delta: ParsedCrl | undefined;
      if (ctx.useDeltas) {
        const candidates = deltas.filter((d) => d.issuer.key === crl.issuer.key && (d.idp?.derHex ?? '') === (crl.idp?.derHex ?? '')
          && crl.crlNumber !== undefined && d.deltaBase! <= crl.crlNumber && (d.crlNumber === undefined || d.crlNumber > crl.crlNumber));
        let deltaProblem: string | undefined;
        for (const d of candidates) {
          if (d.unknownCritical) { deltaProblem = `delta CRL has an unknown critical extension ${d.unknownCritical}`; continue; }
          const s = crlSignerCheck(d, ctx, cache);
          if (!s.ok) { deltaProblem = `delta CRL: ${s.reason}`; continue; }
          if (d.nextUpdate && d.nextUpdate.getTime() < ctx.at.getTime()) { deltaProblem = `delta CRL expired at ${formatDate(d.nextUpdate)}`; continue; }
          if (!delta || (d.crlNumber ?? 0n) > (delta.crlNumber ?? 0n)) delta = d;
        }
        if (!delta && deltaProblem) { notes.push(`${label}: ${deltaProblem}`); continue; }
      }
      usedCrl = delta ? `${label} + delta #${delta.crlNumber}` : label;
      // (j) delta entries first, then (k) the complete CRL
      const fromDelta = delta ? findEntry(delta, cert) : undefined;
      if (fromDelta === 'unusable') { notes.push(`${label}: delta entry has an unknown critical extension`); continue; }
      if (fromDelta) {
        if (fromDelta.reason === 8) { reasonsMask |= interim; continue; }
        return revoked(fromDelta, usedCrl);
      }
      const entry = findEntry(crl, cert);
      if (entry === 'unusable') { notes.push(`${label}: entry has an unknown critical extension`); continue; }
      if (entry && entry.reason !== 8) return revoked(entry, usedCrl);
      reasonsMask |= interim;
      if (reasonsMask === ALL_REASONS) break;
    }
    if (reasonsMask === ALL_REASONS) break;
  }
  if (reasonsMask === ALL_REASONS) return { status: 'good', source: 'crl', detail: usedCrl };
  const why = notes.length ? notes.join('; ') : reasonsMask ? 'the available CRLs do not cover all revocation reasons' : `no CRL from ${nameToString(cert.issuer)} covers this certificate`;
  return { status: 'unknown', source: 'crl', detail: why };
}

function revoked(entry: { reason?: number; date: Date }, label: string): RevocationStatus {
  return {
    status: 'revoked', source: 'crl', revocationDate: entry.date,
    reason: entry.reason !== undefined ? reasonName(entry.reason) ?? `reason ${entry.reason}` : undefined,
    detail: label,
  };
}

function findEntry(crl: ParsedCrl, cert: ParsedCert): { reason?: number; date: Date } | 'unusable' | undefined {
  const list = crl.entries.get(cert.serial);
  if (!list) return undefined;
  const e = list.find((x) => x.issuerKey === cert.issuer.key);
  if (!e) return undefined;
  return e.unknownCritical ? 'unusable' : e;
}

function inScope(cert: ParsedCert, dp: DistributionPoint, crl: ParsedCrl, implicit: boolean): boolean {
  const idp = crl.idp;
  if (!idp) return true;
  if (idp.fullName || idp.relativeName) {
    const idpNames = dpNameKeys(idp, crl.issuer.key);
    let dpNames: string[];
    if (!implicit && (dp.fullName || dp.relativeName)) dpNames = dpNameKeys(dp, dp.crlIssuer ? (gnKeys(dp.crlIssuer)[0] ?? '').replace(/^dn:/, '') : cert.issuer.key);
    else dpNames = gnKeys(dp.crlIssuer);
    if (!idpNames.some((n) => dpNames.includes(n))) return false;
  }
  if (idp.onlyUser && isCa(cert)) return false;
  if (idp.onlyCA && !isCa(cert)) return false;
  if (idp.onlyAttr) return false;
  return true;
}

function crlSignerCheck(crl: ParsedCrl, ctx: CrlContext, cache: SignerCache): { ok: boolean; reason?: string } {
  const hit = cache.map.get(crl);
  if (hit) return hit;
  let result: { ok: boolean; reason?: string } = { ok: false, reason: `no certificate for the CRL issuer ${nameToString(crl.issuer)} was found` };
  const candidates = ctx.certificates.filter((c) => c.subject.key === crl.issuer.key);
  const problems: string[] = [];
  for (const cand of candidates) {
    const sig = checkSignature(crl.tbs, crl.sigAlg, crl.signature, cand.spki);
    if (!sig.ok) { problems.push('CRL signature does not verify'); continue; }
    if (cand.keyUsage !== undefined && !(cand.keyUsage & KU_CRL_SIGN)) { problems.push('the CRL signer certificate lacks the cRLSign key usage'); continue; }
    const err = ctx.validateSigner(cand);
    if (err) { problems.push(`CRL signer certificate invalid: ${err}`); continue; }
    result = { ok: true };
    break;
  }
  if (!result.ok && problems.length) result = { ok: false, reason: problems[problems.length - 1] };
  cache.map.set(crl, result);
  return result;
}
