// `npm run bench [name...]`: runs every bench/*.bench.ts (or the named ones) in this process, one
// after the other, and prints one table. Each row is compared with a peer measured in the same run.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Bench, BenchRow } from './types';

function ratio(row: BenchRow): string {
  if (!row.peer) return '';
  const r = row.value / row.peer.value;
  const ok = row.target === undefined ? '' : (row.better === 'lower' ? r <= row.target : r >= row.target) ? ' ok' : ' MISSED';
  return `${r.toFixed(2)}x vs ${row.peer.name}${row.target === undefined ? '' : ` (target ${row.better === 'lower' ? '<=' : '>='} ${row.target})`}${ok}`;
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const dir = join(process.cwd(), 'bench');
  const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort()
    .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)));
  const rows: BenchRow[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default: Bench };
    process.stderr.write(`bench: ${mod.default.name}...\n`);
    rows.push(...(await mod.default.run()));
  }
  const lines = rows.map((r) => [r.group, r.name, `${fmt(r.value)} ${r.unit}`, r.peer ? `${fmt(r.peer.value)} ${r.unit}` : '', ratio(r), r.note ?? '']);
  const head = ['group', 'measurement', 'certscope', 'peer', 'ratio', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const out = [head, widths.map((w) => '-'.repeat(w)), ...lines].map((l) => l.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
  process.stdout.write(out.join('\n') + '\n');
}

void main();
