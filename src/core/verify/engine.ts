// Verification driver: builds candidate paths from a pool, runs §6.1 checks (pathValidation.ts),
// revocation by CRL (crlCheck.ts) and optionally OCSP, then reports a verdict per certificate.
import { OID } from '../oids';
import { formatDate } from '../dates';
import { parseCertificate, parseCrl, type ParsedCert, type ParsedCrl } from './parse';
import { checkPath } from './pathValidation';
import { checkCrlStatus, type CrlContext } from './crlCheck';
import { checkSignature } from './signature';
import { checkHostname } from './hostname';
import { nameToString } from '../x509/name';
import type { PolicySettings } from './policy';
import type { CertVerdict, Problem, RevocationStatus, VerifyResult } from './types';

export interface OcspChecker {
  /** Asks the responder(s) named in the certificate's AIA; never throws. */
  check(cert: ParsedCert, issuer: ParsedCert, at: Date): Promise<RevocationStatus>;
}

export interface VerifyOptions {
  /** Trust anchors (DER). */
  anchors: Uint8Array[];
  /** Intermediates and any other certificates to build from (DER). */
  pool?: Uint8Array[];
  /** CRLs (DER). */
  crls?: Uint8Array[];
  at?: Date;
  /** Which certificates get a revocation check: none (default), the leaf, or all but the anchor. */
  revocation?: 'none' | 'leaf' | 'all';
  /** Fail when a checked certificate's status cannot be determined (default true). */
  requireRevocationStatus?: boolean;
  useDeltaCrls?: boolean;
  policy?: PolicySettings;
  ocsp?: OcspChecker;
  /** Host name or IP the leaf must be valid for (implies purpose serverAuth). */
  host?: string;
  purpose?: 'serverAuth' | 'clientAuth';
}

const EKU: Record<string, string> = { serverAuth: OID.serverAuth, clientAuth: OID.clientAuth };
const ANY_EKU = OID.anyExtendedKeyUsage;
const MAX_PATHS = 16;
const MAX_DEPTH = 12;
const MAX_SIGNER_DEPTH = 4;

interface Candidate {
  anchor?: ParsedCert;
  /** Anchor-issued first, target last. */
  certs: ParsedCert[];
  /** When no anchor was reached: the top certificate's problem. */
  incomplete?: Problem;
}

function sameKeyAndName(a: ParsedCert, b: ParsedCert): boolean {
  return a.subject.key === b.subject.key && Buffer.compare(Buffer.from(a.spki), Buffer.from(b.spki)) === 0;
}

/** Candidate paths for `target`, most plausible first (key identifiers and signatures agree). */
function buildPaths(target: ParsedCert, pool: ParsedCert[], anchors: ParsedCert[]): Candidate[] {
  const out: Candidate[] = [];
  const score = (child: ParsedCert, cand: ParsedCert): number => {
    let s = 0;
    if (child.authorityKeyId && cand.subjectKeyId === child.authorityKeyId) s += 2;
    if (checkSignature(child.tbs, child.sigAlg, child.signature, cand.spki).ok) s += 4;
    return s;
  };
  const walk = (chain: ParsedCert[]): void => {
    if (out.length >= MAX_PATHS) return;
    const top = chain[chain.length - 1];
    const asAnchor = anchors.find((a) => sameKeyAndName(a, top));
    if (asAnchor) {
      out.push({ anchor: asAnchor, certs: chain.slice(0, -1).reverse() });
      return;
    }
    if (chain.length > MAX_DEPTH) return;
    const used = new Set(chain.map((c) => c.fingerprint));
    const issuers = [...anchors, ...pool]
      .filter((c) => c.subject.key === top.issuer.key && !used.has(c.fingerprint) && !chain.some((x) => sameKeyAndName(x, c)))
      .map((c) => ({ c, s: score(top, c) + (anchors.includes(c) ? 1 : 0) }))
      .sort((a, b) => b.s - a.s);
    const before = out.length;
    for (const { c } of issuers) {
      if (anchors.includes(c)) out.push({ anchor: c, certs: [...chain].reverse() });
      else walk([...chain, c]);
      if (out.length >= MAX_PATHS) return;
    }
    if (out.length === before && issuers.length === 0) {
      const selfSigned = top.selfIssued && checkSignature(top.tbs, top.sigAlg, top.signature, top.spki).ok;
      out.push({
        certs: [...chain].reverse(),
        incomplete: selfSigned
          ? { code: 'untrusted', message: `self-signed certificate "${nameToString(top.subject)}" is not a trusted root` }
          : { code: 'noIssuer', message: `issuer certificate "${nameToString(top.issuer)}" not found` },
      });
    }
  };
  walk([target]);
  return out;
}

function parseAll<T>(ders: Uint8Array[] | undefined, parse: (d: Uint8Array) => T): T[] {
  const out: T[] = [];
  for (const d of ders ?? []) {
    try { out.push(parse(d)); } catch { /* unparsable input is reported by the caller's loader */ }
  }
  return out;
}

class Verifier {
  private readonly signerInProgress = new Set<string>();
  private readonly crlCache = { map: new Map() };

  constructor(
    private readonly pool: ParsedCert[],
    private readonly anchors: ParsedCert[],
    private readonly crls: ParsedCrl[],
    private readonly opts: VerifyOptions,
    private readonly at: Date,
  ) {}

  crlStatus(cert: ParsedCert, extra: ParsedCert[], depth: number): RevocationStatus {
    const ctx: CrlContext = {
      crls: this.crls, at: this.at, useDeltas: this.opts.useDeltaCrls !== false,
      certificates: [...extra, ...this.pool, ...this.anchors],
      validateSigner: (signer) => this.validateSigner(signer, extra, depth + 1),
    };
    return checkCrlStatus(cert, ctx, this.crlCache);
  }

  /** A CRL signer needs a valid path to an anchor, with its own revocation status checked. */
  validateSigner(signer: ParsedCert, extra: ParsedCert[], depth: number): string | undefined {
    if (this.anchors.some((a) => sameKeyAndName(a, signer))) return undefined;
    // The issuer in the path being validated: its checks (and, in "all" mode, its revocation) are
    // part of that path already.
    if (depth === 1 && extra.some((c) => c.fingerprint === signer.fingerprint)) return undefined;
    if (depth > MAX_SIGNER_DEPTH) return 'CRL signer path nesting too deep';
    if (this.signerInProgress.has(signer.fingerprint)) return undefined;
    this.signerInProgress.add(signer.fingerprint);
    try {
      let lastErr = 'no path to a trust anchor';
      for (const cand of buildPaths(signer, [...extra, ...this.pool], this.anchors)) {
        if (cand.incomplete || !cand.anchor) { lastErr = cand.incomplete?.message ?? lastErr; continue; }
        const pc = checkPath(cand.anchor, cand.certs, { at: this.at, skipPolicies: true });
        if (pc.first) { lastErr = pc.first.problem.message; continue; }
        let revErr: string | undefined;
        for (const c of cand.certs) {
          const st = this.crlStatus(c, extra, depth);
          if (st.status === 'revoked') { revErr = `certificate "${nameToString(c.subject)}" is revoked`; break; }
          if (st.status === 'unknown') { revErr = `revocation status of "${nameToString(c.subject)}" unknown: ${st.detail}`; break; }
        }
        if (revErr) { lastErr = revErr; continue; }
        return undefined;
      }
      return lastErr;
    } finally {
      this.signerInProgress.delete(signer.fingerprint);
    }
  }
}

function certInfo(c: ParsedCert, index: number, role: CertVerdict['role']): CertVerdict {
  return {
    index, role, subject: nameToString(c.subject), issuer: nameToString(c.issuer), serialHex: c.serial,
    notBefore: c.notBefore, notAfter: c.notAfter, sha256: c.fingerprint, ok: true, problems: [],
    revocation: { status: 'notChecked' },
  };
}

/** Verifies `target` (DER) against the options. Never throws for bad certificates: see `failure`. */
export async function verifyCertificate(target: Uint8Array, opts: VerifyOptions): Promise<VerifyResult> {
  const at = opts.at ?? new Date();
  let leaf: ParsedCert;
  try {
    leaf = parseCertificate(target);
  } catch (e) {
    return { valid: false, at, failure: { code: 'parse', message: (e as Error).message }, path: [] };
  }
  const anchors = parseAll(opts.anchors, parseCertificate);
  const pool = parseAll(opts.pool, parseCertificate);
  const crls = parseAll(opts.crls, parseCrl);
  const v = new Verifier(pool, anchors, crls, opts, at);
  const candidates = buildPaths(leaf, pool, anchors);
  if (anchors.some((a) => sameKeyAndName(a, leaf))) candidates.unshift({ anchor: leaf, certs: [] });

  let best: VerifyResult | undefined;
  let bestRank = -1;
  for (const cand of candidates) {
    const result = await evaluate(cand, leaf, v, opts, at);
    if (result.valid) return result;
    // Prefer failures on paths whose signatures and names chain correctly: the likely intended path.
    const rank = result.path.every((p) => !p.problems.some((x) => x.code === 'signature' || x.code === 'nameChaining')) ? 2 : cand.incomplete ? 0 : 1;
    if (rank > bestRank) { best = result; bestRank = rank; }
  }
  return best ?? { valid: false, at, failure: { code: 'noIssuer', message: 'no certification path found', certIndex: 0 }, path: [certInfo(leaf, 0, 'leaf')] };
}

async function evaluate(cand: Candidate, leaf: ParsedCert, v: Verifier, opts: VerifyOptions, at: Date): Promise<VerifyResult> {
  // Verdicts leaf first, anchor last.
  const certsTopDown = cand.certs;
  const n = certsTopDown.length;
  const verdicts: CertVerdict[] = [];
  for (let k = n - 1; k >= 0; k--) verdicts.push(certInfo(certsTopDown[k], n - 1 - k, k === n - 1 ? 'leaf' : 'intermediate'));
  if (cand.anchor) verdicts.push(certInfo(cand.anchor, n, n === 0 ? 'leaf' : 'anchor'));
  const idxOf = (k: number): number => n - 1 - k; // certs index -> verdict index
  const ordered: Array<{ certIndex: number; problem: Problem }> = [];

  if (cand.incomplete || !cand.anchor) {
    const top = verdicts[verdicts.length - 1];
    top.problems.push(cand.incomplete!);
    ordered.push({ certIndex: top.index, problem: cand.incomplete! });
  } else if (n === 0) {
    // The target itself is trusted: only its validity period matters.
    const t = at.getTime();
    if (t > leaf.notAfter.getTime()) ordered.push({ certIndex: 0, problem: { code: 'expired', message: `expired at ${formatDate(leaf.notAfter)}` } });
    if (t < leaf.notBefore.getTime()) ordered.push({ certIndex: 0, problem: { code: 'notYetValid', message: `not valid before ${formatDate(leaf.notBefore)}` } });
    for (const o of ordered) verdicts[0].problems.push(o.problem);
  } else {
    const pc = checkPath(cand.anchor, certsTopDown, { at, policy: opts.policy });
    for (let k = 0; k < n; k++) {
      for (const p of pc.problems[k]) { verdicts[idxOf(k)].problems.push(p); ordered.push({ certIndex: idxOf(k), problem: p }); }
    }
    // Revocation, top-down like the path checks.
    const mode = opts.revocation ?? 'none';
    if (mode !== 'none') {
      for (let k = 0; k < n; k++) {
        if (mode === 'leaf' && k !== n - 1) continue;
        const cert = certsTopDown[k];
        const issuer = k === 0 ? cand.anchor : certsTopDown[k - 1];
        let st: RevocationStatus = v.crlStatus(cert, certsTopDown, 0);
        if (opts.ocsp && st.status !== 'revoked' && ordered.length === 0) {
          // CRL first (local, cheap); OCSP decides when the CRL did not say "revoked".
          const o = await opts.ocsp.check(cert, issuer, at);
          if (o.status === 'revoked' || o.status === 'good') st = o;
          else if (st.status === 'unknown') st = { ...st, detail: `${st.detail}; OCSP: ${o.detail}` };
        }
        verdicts[idxOf(k)].revocation = st;
        const p = revocationProblem(st, opts);
        if (p) { verdicts[idxOf(k)].problems.push(p); ordered.push({ certIndex: idxOf(k), problem: p }); }
      }
    }
  }
  // Purpose and host name concern the leaf.
  const purpose = opts.purpose ?? (opts.host ? 'serverAuth' : undefined);
  if (purpose && leaf.extKeyUsage && !leaf.extKeyUsage.includes(EKU[purpose]) && !leaf.extKeyUsage.includes(ANY_EKU)) {
    const p: Problem = { code: 'extKeyUsage', message: `extendedKeyUsage does not allow ${purpose}` };
    verdicts[0].problems.push(p);
    ordered.push({ certIndex: 0, problem: p });
  }
  let hostname: VerifyResult['hostname'];
  if (opts.host) {
    const h = checkHostname(leaf, opts.host);
    hostname = { name: opts.host, ...h };
    if (!h.matched) {
      const p: Problem = { code: 'hostname', message: h.detail };
      verdicts[0].problems.push(p);
      ordered.push({ certIndex: 0, problem: p });
    }
  }
  for (const vd of verdicts) vd.ok = vd.problems.length === 0;
  const failure = ordered[0] ? { ...ordered[0].problem, certIndex: ordered[0].certIndex } : undefined;
  const result: VerifyResult = { valid: !failure, at, path: verdicts };
  if (failure) result.failure = failure;
  if (hostname) result.hostname = hostname;
  return result;
}

function revocationProblem(st: RevocationStatus, opts: VerifyOptions): Problem | undefined {
  if (st.status === 'revoked') {
    return { code: 'revoked', message: `certificate revoked${st.reason ? ` (${st.reason})` : ''}${st.revocationDate ? ` on ${formatDate(st.revocationDate)}` : ''}${st.detail ? ` [${st.source?.toUpperCase()}: ${st.detail}]` : ''}` };
  }
  if (st.status === 'unknown' && opts.requireRevocationStatus !== false) {
    return { code: 'revocationUnknown', message: `revocation status unknown: ${st.detail ?? 'no CRL or OCSP answer'}` };
  }
  return undefined;
}
