// Runs the NIST PKITS cases (test/fixtures/pkits, see its README) through
// src/core/verify and compares each verdict with the expected one.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { verifyCertificate } from '../../src/core/verify/engine';

// The data lives in the repository (public domain); PKITS_DIR points at another copy if needed.
export const PKITS_DIR = process.env.PKITS_DIR ?? join(__dirname, '..', 'fixtures', 'pkits');
const AT = new Date('2023-11-14T00:00:00Z');

interface PkitsCase {
  id: string;
  section: string;
  name: string;
  trust: string[];
  chain: string[];
  crls: string[];
  expected: 'valid' | 'invalid';
  policy?: { initialExplicitPolicy?: boolean; initialPolicySet?: string[]; initialPolicyMappingInhibit?: boolean; initialInhibitPolicy?: boolean };
  needs?: string;
  missing?: string[];
}

export interface PkitsOutcome {
  id: string;
  section: string;
  name: string;
  expected: string;
  got: string;
  pass: boolean;
  reason?: string;
}

export function pkitsAvailable(): boolean {
  return existsSync(join(PKITS_DIR, 'cases.json'));
}

export async function runPkits(): Promise<{ outcomes: PkitsOutcome[]; skipped: number }> {
  const cases = JSON.parse(readFileSync(join(PKITS_DIR, 'cases.json'), 'utf8')) as PkitsCase[];
  const cert = (f: string): Buffer => readFileSync(join(PKITS_DIR, 'certs', f));
  const crl = (f: string): Buffer => readFileSync(join(PKITS_DIR, 'crls', f));
  const outcomes: PkitsOutcome[] = [];
  let skipped = 0;
  for (const c of cases) {
    if (c.needs || c.missing?.length) { skipped++; continue; }
    const target = cert(c.chain[c.chain.length - 1]);
    const result = await verifyCertificate(target, {
      anchors: c.trust.map(cert),
      pool: c.chain.slice(0, -1).map(cert),
      crls: c.crls.map(crl),
      at: AT,
      revocation: 'all',
      requireRevocationStatus: true,
      useDeltaCrls: true,
      policy: c.policy ? {
        initialExplicitPolicy: c.policy.initialExplicitPolicy,
        initialPolicySet: c.policy.initialPolicySet,
        initialPolicyMappingInhibit: c.policy.initialPolicyMappingInhibit,
        initialInhibitAnyPolicy: c.policy.initialInhibitPolicy,
      } : undefined,
    });
    const got = result.valid ? 'valid' : 'invalid';
    outcomes.push({
      id: c.id, section: c.section, name: c.name, expected: c.expected, got, pass: got === c.expected,
      reason: result.failure ? `${result.failure.code}: ${result.failure.message} (cert #${result.failure.certIndex})` : undefined,
    });
  }
  return { outcomes, skipped };
}
