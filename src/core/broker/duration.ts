// EMQX-style durations: "15m", "15s", "500ms", "1h", "2d", or a number of milliseconds.

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(value);
    if (m) return Math.round(Number(m[1]) * units[(m[2] ?? 'ms').toLowerCase()]);
  }
  throw new Error(`${what}: expected a duration like "15s", "15m" or milliseconds, got ${JSON.stringify(value)}`);
}

export function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0 && ms > 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0 && ms > 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

// EMQX-style byte sizes: "1MB", "256KB", "512B", or a number of bytes (EMQX: KB = 1024 bytes).
const sizeUnits: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024, gb: 1024 * 1024 * 1024 };

export function parseSize(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const m = /^\s*(\d+)\s*(b|kb|mb|gb)?\s*$/i.exec(value);
    if (m) return Number(m[1]) * sizeUnits[(m[2] ?? 'b').toLowerCase()];
  }
  throw new Error(`${what}: expected a size like "1MB", "256KB" or a number of bytes, got ${JSON.stringify(value)}`);
}
