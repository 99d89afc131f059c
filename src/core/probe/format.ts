// The probe result as readable text: a timeline with timings, the alert highlighted, then the
// diagnosis. Used by `certscope probe` and `certscope demo`. Colours only when asked (a TTY).
// Text from the peer or its certificates (titles, details, diagnosis) is escaped before painting.
import { forTerminal as safe } from '../present/safeText';
import type { ProbeResult, StepStatus } from './types';
import { formatElapsed } from '../duration';

export interface FormatOptions {
  color?: boolean;
}

const ICON: Record<StepStatus, string> = { ok: '✓', fail: '✗', warn: '!', skipped: '-' };

function paint(on: boolean | undefined, code: string, text: string): string {
  return on ? `\x1b[${code}m${text}\x1b[0m` : text;
}

export function formatProbe(r: ProbeResult, o: FormatOptions = {}): string {
  const c = o.color;
  const lines: string[] = [];
  lines.push(paint(c, '1', `Probe ${safe(r.url)}`));
  for (const s of r.steps) {
    const colour = s.status === 'ok' ? '32' : s.status === 'fail' ? '31' : s.status === 'warn' ? '33' : '2';
    const head = `${paint(c, '2', `+${formatElapsed(s.startMs).padStart(9)}`)}  ${paint(c, colour, ICON[s.status])} ${safe(s.title)}`;
    lines.push(s.durationMs > 0 ? `${head}  ${paint(c, '2', `(${formatElapsed(s.durationMs)})`)}` : head);
    for (const [k, v] of s.details) {
      if (k === 'ALERT') lines.push(`               ${paint(c, '1;41;97', ` ALERT ${safe(v)} `)}`);
      else lines.push(`               ${paint(c, '2', `${safe(k)}:`)} ${safe(v.replace(/\n/g, ' '))}`);
    }
  }
  const received = r.alerts.filter((a) => a.direction === 'received');
  if (received.length && !r.steps.some((s) => s.details.some(([k]) => k === 'ALERT'))) {
    for (const a of received) lines.push(`               ${paint(c, '1;41;97', ` ALERT ${a.name} (${a.number}) received ${a.phase === 'after-handshake' ? 'after' : 'during'} the handshake `)}`);
  }
  if (r.diagnosis.length) {
    lines.push('');
    lines.push(paint(c, '1', 'Diagnosis'));
    for (const d of r.diagnosis) {
      lines.push(`  ${d.severity === 'error' ? paint(c, '31', '✗') : paint(c, '33', '!')} ${d.confidence ? paint(c, '2', `[${d.confidence}] `) : ''}${safe(d.cause)}`);
      lines.push(`    ${paint(c, '36', 'Fix:')} ${safe(d.fix)}`);
      for (const e of d.evidence ?? []) lines.push(`    ${paint(c, '2', `evidence: ${safe(e)}`)}`);
    }
  }
  if (r.serverStack) lines.push(`  ${paint(c, '2', `Server TLS stack (${r.serverStack.confidence}): ${safe(r.serverStack.name)}`)}`);
  if (r.differential?.length) {
    lines.push('', paint(c, '1', 'Extra probes'));
    for (const x of r.differential) lines.push(`  ${safe(x.variant)}: ${safe(x.outcome)}`);
  }
  lines.push('');
  lines.push(r.ok
    ? paint(c, '1;32', `Result: the connection works (${formatElapsed(r.totalMs)})`)
    : paint(c, '1;31', `Result: the connection fails (${formatElapsed(r.totalMs)})`));
  return lines.join('\n') + '\n';
}
