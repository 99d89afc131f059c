// RFC 5280 §6.1 basic path validation of one candidate path: signatures, validity, name chaining,
// basic constraints and path length, key usage, name constraints, policies, critical extensions.
// Revocation is layered on top by engine.ts. Problems are collected per certificate so that every
// certificate gets a verdict; the first one found (from the anchor down) is the path's failure.
import { formatDate } from '../dates';
import { isKnownCertExtension, type ParsedCert } from './parse';
import { checkSignature } from './signature';
import { NameConstraintState } from './nameConstraints';
import { PolicyState, type PolicySettings } from './policy';
import type { Problem } from './types';

const KU_KEY_CERT_SIGN = 1 << 5;

export interface PathCheckOptions {
  at: Date;
  policy?: PolicySettings;
  /** Skip policy processing entirely (CRL signer paths). */
  skipPolicies?: boolean;
}

export interface PathCheck {
  /** problems[k] belongs to certs[k] (certs[0] issued by the anchor, last = target). */
  problems: Problem[][];
  first?: { index: number; problem: Problem };
  policies?: string[];
}

/** `anchor` is the trust anchor; `certs` runs from the certificate it issued down to the target. */
export function checkPath(anchor: ParsedCert, certs: ParsedCert[], opts: PathCheckOptions): PathCheck {
  const n = certs.length;
  const problems: Problem[][] = certs.map(() => []);
  let first: PathCheck['first'];
  const fail = (k: number, p: Problem): void => {
    problems[k].push(p);
    if (!first) first = { index: k, problem: p };
  };
  const at = opts.at.getTime();
  const policy = opts.skipPolicies ? undefined : new PolicyState(n, opts.policy ?? {});
  const nc = new NameConstraintState();
  let workingSpki = anchor.spki;
  let workingIssuer = anchor.subject;
  let maxPathLength = n;
  let policies: string[] | undefined;

  for (let k = 0; k < n; k++) {
    const c = certs[k];
    const i = k + 1; // RFC numbering
    const last = k === n - 1;
    const sig = checkSignature(c.tbs, c.sigAlg, c.signature, workingSpki);
    if (!sig.ok) fail(k, { code: 'signature', message: `invalid signature: ${sig.reason}` });
    if (at < c.notBefore.getTime()) fail(k, { code: 'notYetValid', message: `not valid before ${formatDate(c.notBefore)}` });
    if (at > c.notAfter.getTime()) fail(k, { code: 'expired', message: `expired at ${formatDate(c.notAfter)}` });
    if (c.issuer.key !== workingIssuer.key) fail(k, { code: 'nameChaining', message: 'issuer name does not match the subject of the issuing certificate' });
    if (!c.selfIssued || last) {
      const ncErr = nc.check(c);
      if (ncErr) fail(k, { code: 'nameConstraints', message: ncErr });
    }
    if (policy) {
      const pErr = policy.processCertificate(c, i);
      if (pErr) fail(k, { code: 'policy', message: pErr });
    }
    for (const e of c.extensions) {
      if (e.critical && !isKnownCertExtension(e.oid)) fail(k, { code: 'unknownCriticalExtension', message: `unknown critical extension ${e.oid}` });
    }
    if (!last) {
      if (policy) {
        const mErr = policy.prepareNext(c, i);
        if (mErr) fail(k, { code: 'policy', message: mErr });
      }
      nc.add(c);
      if (!c.basicConstraints?.ca) {
        fail(k, { code: 'notCA', message: c.basicConstraints ? 'used as a CA but basicConstraints says cA=FALSE' : 'used as a CA but has no basicConstraints extension' });
      }
      if (!c.selfIssued) {
        if (maxPathLength <= 0) fail(k, { code: 'pathLength', message: 'path length constraint exceeded' });
        maxPathLength--;
      }
      if (c.basicConstraints?.pathLen !== undefined && c.basicConstraints.pathLen < maxPathLength) maxPathLength = c.basicConstraints.pathLen;
      if (c.keyUsage !== undefined && !(c.keyUsage & KU_KEY_CERT_SIGN)) fail(k, { code: 'keyUsage', message: 'used as a CA but keyUsage lacks keyCertSign' });
      workingSpki = c.spki;
      workingIssuer = c.subject;
    }
  }
  if (policy && n > 0) {
    const w = policy.wrapUp(certs[n - 1]);
    if (w.error) fail(n - 1, { code: 'policy', message: w.error });
    policies = w.policies;
  }
  return { problems, first, policies };
}
