// The text report of `certscope verify` (plain and --workspace): one module so that verify.ts
// and scan.ts (which implements --workspace) do not import each other.
import { formatDate, formatDay } from '../core/dates';
import { forTerminal } from '../core/present/safeText';
import type { VerifyResult } from '../core/verify/index';
import { colonSerial } from '../core/serial';

/** The text report; every line is escaped (subjects, messages and names come from certificates). */
export function formatResult(file: string, r: VerifyResult): string {
  return reportLines(file, r).map(forTerminal).join('\n');
}

function reportLines(file: string, r: VerifyResult): string[] {
  const lines: string[] = [];
  lines.push(r.valid ? `${file}: OK` : `${file}: INVALID: ${r.failure?.message}${r.failure?.certIndex !== undefined && r.path[r.failure.certIndex] ? ` (at [${r.failure.certIndex}] ${r.path[r.failure.certIndex].subject})` : ''}`);
  lines.push(`  checked at ${formatDate(r.at)}`);
  for (const c of r.path) {
    const rev = c.revocation.status === 'notChecked' ? '' : `; revocation: ${c.revocation.status}${c.revocation.reason ? ` (${c.revocation.reason})` : ''}${c.revocation.detail ? ` via ${c.revocation.detail}` : ''}`;
    lines.push(`  [${c.index}] ${c.role.padEnd(12)} ${c.subject}`);
    lines.push(`      serial ${colonSerial(c.serialHex)}, valid ${formatDay(c.notBefore)} .. ${formatDay(c.notAfter)}: ${c.ok ? 'ok' : 'FAILED'}${rev}`);
    for (const pr of c.problems) lines.push(`      - ${pr.code}: ${pr.message}`);
  }
  if (r.hostname) lines.push(`  host: ${r.hostname.detail}`);
  if (r.policies?.length) lines.push(`  policies: ${r.policies.join(', ')}`);
  return lines;
}
