// EMQX-style byte sizes ("1MB", "256KB", "512B", or a number of bytes; EMQX: KB = 1024 bytes), for
// limits such as max_packet_size.
const sizeUnits: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024, gb: 1024 * 1024 * 1024 };

export function parseSize(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const m = /^\s*(\d+)\s*(b|kb|mb|gb)?\s*$/i.exec(value);
    if (m) return Number(m[1]) * sizeUnits[(m[2] ?? 'b').toLowerCase()];
  }
  throw new Error(`${what}: expected a size like "1MB", "256KB" or a number of bytes, got ${JSON.stringify(value)}`);
}
