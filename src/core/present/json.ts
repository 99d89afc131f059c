// Stable JSON for `certscope inspect --json` and the webview: Dates as ISO strings, bytes as
// lowercase hex, Maps as arrays. The full DER is left out (it is in the input file already) except
// as its length; key order follows the models.
import { validityAt } from '../decode/validity';
import type { DecodedItem } from '../model';

/** Adds the time-dependent facts a reader wants next to the data: validity and CRL staleness. */
function withStatus(item: DecodedItem, now: Date): unknown {
  const r = item.result;
  if (r.kind === 'certificate') return { ...item, result: { ...r, validity: validityAt(r, now) } };
  if (r.kind === 'crl') return { ...item, result: { ...r, stale: r.nextUpdate !== undefined && r.nextUpdate.getTime() < now.getTime() } };
  return item;
}

function convert(value: unknown, key: string): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return key === 'der' ? undefined : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
  if (value instanceof Map) return undefined; // bySerial duplicates `entries`
  if (Array.isArray(value)) return value.map((v) => convert(v, ''));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const c = convert(v, k);
      if (c !== undefined) out[k] = c;
    }
    if ('der' in value && (value as { der: unknown }).der instanceof Uint8Array) out.derLength = (value as { der: Uint8Array }).der.length;
    return out;
  }
  return value;
}

/** Plain JSON-ready data for decoded items (no Date, Uint8Array or Map left). */
export function toJsonData(items: DecodedItem[], options: { now?: Date; fileName?: string } = {}): unknown {
  return {
    ...(options.fileName !== undefined ? { file: options.fileName } : {}),
    ...(options.now ? { at: options.now.toISOString() } : {}),
    items: items.map((i) => convert(withStatus(i, options.now ?? new Date()), '')),
  };
}

export function renderJson(items: DecodedItem[], options: { now?: Date; fileName?: string } = {}): string {
  return JSON.stringify(toJsonData(items, options), null, 2);
}
