// "Verify" against what the workspace provides: RFC 5280 path validation (src/core/verify) with the
// workspace's self-signed CAs as trust anchors and every other certificate as a possible
// intermediate, and revocation from the revocation service: the very answer the tree, hover and
// Problems show, so Verify can never call "valid" what they call "revoked". Used by "Verify
// Certificate Against Its CA", the CodeLens "Verify chain" and `certscope verify --workspace`.
import { shortName } from '../x509/name';
import { basename } from 'node:path';
import type { CertificateModel } from '../model';
import type { CertVerdict, VerifyResult } from '../verify/types';
import type { WorkspaceAnalysis } from '../workspace/analysis';
import { revokedText, type CertStatus } from './certStatus';
import { describeEvidence, describeRevocation, type FileLabel } from './evidence';

export interface WorkspaceVerification {
  /** Path valid and nothing on it revoked. */
  ok: boolean;
  /** The engine's result with each certificate's revocation taken from the service. */
  result: VerifyResult;
  /** Status of each certificate on the path, leaf first (the tree's status). */
  statuses: CertStatus[];
  /** One line for a notification or the CLI: "Chain OK: a → b → c; not revoked per CRL #2 in ...". */
  summary: string;
}

export async function verifyInWorkspace(cert: CertificateModel, a: WorkspaceAnalysis, fileLabel: FileLabel = basename): Promise<WorkspaceVerification> {
  const { verifyCertificate } = await import('../verify/engine');
  const unique = new Map<string, CertificateModel>();
  for (const n of a.forest.nodes.values()) unique.set(n.cert.fingerprints.sha256.toLowerCase(), n.cert);
  unique.set(cert.fingerprints.sha256.toLowerCase(), cert);
  const anchors = [...unique.values()].filter((c) => c.selfSigned && c.isCA);
  const result = await verifyCertificate(cert.der, {
    anchors: anchors.map((c) => c.der),
    pool: [...unique.values()].filter((c) => !anchors.includes(c)).map((c) => c.der),
    at: a.options.now,
    revocation: 'none',
  });
  const models = result.path.map((v) => unique.get(v.sha256.replace(/:/g, '').toLowerCase()));
  const byIndex = models.map((m) => (m ? a.status(m) : undefined));
  byIndex.forEach((s, i) => { if (s) result.path[i].revocation = verdictRevocation(s, result.path[i], fileLabel); });
  const statuses = byIndex.filter((s): s is CertStatus => s !== undefined);
  const revokedAt = result.valid ? result.path.findIndex((v) => v.revocation.status === 'revoked') : -1;
  if (revokedAt >= 0) {
    const v = result.path[revokedAt];
    const answer = byIndex[revokedAt]!.revocation;
    result.valid = false;
    const who = revokedAt === 0 ? '' : `issuing CA ${v.subject} `;
    result.failure = { code: 'revoked', message: `${who}${revokedText(answer)} per ${describeEvidence(answer.source!, fileLabel)}`, certIndex: revokedAt };
    v.ok = false;
    v.problems.push({ code: 'revoked', message: result.failure.message });
  }
  const names = result.path.map((v, i) => (models[i] ? shortName(models[i]!.subject) : v.subject));
  const path = names.join(' → ');
  const leafRevocation = statuses[0] ? `; ${describeRevocation(statuses[0].revocation, fileLabel)}` : '';
  const summary = result.valid
    ? `Chain OK: ${path}${leafRevocation}`
    : `Chain invalid: ${result.failure?.certIndex !== undefined && names[result.failure.certIndex] ? `${names[result.failure.certIndex]}: ` : ''}${result.failure?.message ?? 'path validation failed'} (${path})`;
  return { ok: result.valid, result, statuses, summary };
}

function verdictRevocation(s: CertStatus, v: CertVerdict, fileLabel: FileLabel): CertVerdict['revocation'] {
  if (v.role === 'anchor') return { status: 'notChecked' };
  const r = s.revocation;
  const detail = describeRevocation(r, fileLabel);
  if (r.verdict === 'revoked') {
    return { status: 'revoked', source: r.source?.kind, detail, ...(r.reason ? { reason: r.reason } : {}), ...(r.revokedAt ? { revocationDate: r.revokedAt } : {}) };
  }
  return { status: r.verdict, ...(r.source ? { source: r.source.kind } : {}), detail };
}


