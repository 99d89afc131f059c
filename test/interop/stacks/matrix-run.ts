// Runs every case of the matrix against one running stack, a few probes at a time (2 cores), and
// condenses each result to what the matrix reports: verdict, first cause, confidence, wire alerts.
import { casesFor, probeArgs, type MatrixCase } from './cases';
import type { StacksPki } from './pki';
import { probeCli, type ProbeRun } from './probe-cli';
import type { RunningStack } from './stack';

const PROBE_CONCURRENCY = 3;

export interface CaseOutcome {
  case: MatrixCase;
  run: ProbeRun;
  /** "ok" or diagnosis[0].kind. */
  answer: string;
  confidence?: string;
  /** Alerts the probe received, in order: "49 access_denied, 42 bad_certificate", or "none". */
  wire: string;
}

/** Runs `fn` over `items` with at most `limit` running at once, keeping the order of the results. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function wireAlerts(run: ProbeRun): string {
  const got = run.result.alerts.filter((a) => a.direction === 'received');
  return got.length ? got.map((a) => `${a.number} ${a.name}`).join(', ') : 'none';
}

function outcomeOf(c: MatrixCase, run: ProbeRun): CaseOutcome {
  const first = run.result.diagnosis[0];
  return {
    case: c, run,
    answer: run.result.ok ? 'ok' : first?.kind ?? '(no diagnosis)',
    confidence: run.result.ok ? undefined : first?.confidence,
    wire: wireAlerts(run),
  };
}

/** `extraArgs` go to every probe (e.g. --no-differential, to see what the extra probes add). */
export async function runMatrix(pki: StacksPki, stack: RunningStack, cases: MatrixCase[] = casesFor(stack.name), extraArgs: string[] = []): Promise<Map<string, CaseOutcome>> {
  const outcomes = await pool(cases, PROBE_CONCURRENCY, async (c) => outcomeOf(c, await probeCli([...probeArgs(pki, stack, c), ...extraArgs], stack.wrap)));
  return new Map(outcomes.map((o) => [o.case.id, o]));
}
