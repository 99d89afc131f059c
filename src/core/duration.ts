// Durations, one home: the EMQX syntax every setting, config file and CLI flag of Certscope uses
// ("500ms", "15s", "5m", "1h", "2d"; a bare number is in `bareUnit`, milliseconds unless said).

class DurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DurationError';
  }
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds (rounded). `positive` refuses 0; `what` names the setting or flag in the error. */
export function parseDuration(value: unknown, what: string, opts: { positive?: boolean; bareUnit?: 'ms' | 's' } = {}): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && (opts.positive ? value > 0 : value >= 0)) return value;
    throw new DurationError(`${what}: ${value} is not a ${opts.positive ? 'positive ' : ''}duration`);
  }
  const m = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(value) : null;
  if (!m) {
    throw new DurationError(`${what}: ${JSON.stringify(value)} is not a duration (e.g. 500ms, 15s, 5m, 1h; a bare number is ${opts.bareUnit === 's' ? 'seconds' : 'milliseconds'})`);
  }
  const ms = Math.round(Number(m[1]) * UNITS[(m[2] ?? opts.bareUnit ?? 'ms').toLowerCase()]);
  if (opts.positive && !(ms > 0)) throw new DurationError(`${what}: duration must be positive`);
  return ms;
}

/** 900000 -> "15m", 15000 -> "15s", 1500 -> "1500ms"; whole days as "2d" unless `days` is false. */
export function formatDuration(ms: number, opts: { days?: boolean } = {}): string {
  if (!Number.isFinite(ms) || ms <= 0) throw new DurationError(`duration must be positive, got ${ms} ms`);
  if (opts.days !== false && ms > 0 && ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms > 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms > 0 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms > 0 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** An elapsed time as the probe's timeline shows it: "12.3 ms", "1.25 s". */
export function formatElapsed(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}
