// What VS Code pays at startup for Certscope: require('dist/extension.js') + activate(), in fresh
// Node processes with a stand-in `vscode` module (test/support/stubHost.cjs), and what the first
// hover pays afterwards (since the split, it loads dist/engine.js; dist/servers.js stays unloaded). Both bundles are production
// builds made in this run into temp folders: "before" from git revision CERTSCOPE_BENCH_BASELINE
// (default: the last main commit before the split), "after" from the working tree. The processes
// alternate (before, after, before, ...) so machine load hits both alike; medians of ROUNDS.
// `npm run bench extension-load` runs only this file.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './timing';
import type { Bench, BenchRow } from './types';

const BASELINE = process.env.CERTSCOPE_BENCH_BASELINE ?? '6f71db5';
const ROUNDS = 15;
const PEM = join(process.cwd(), 'test', 'fixtures', 'workspace', 'server.crt');
const HOST = join(process.cwd(), 'test', 'support', 'stubHost.cjs');

interface Sample { load: number; activate: number; hover: number; hoverText: string | null; atActivation: string[]; afterHover: string[] }

function sample(extensionJs: string): Sample {
  const r = spawnSync(process.execPath, [HOST, extensionJs, PEM], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`stub host failed for ${extensionJs}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Sample;
}

/** Production build of `srcDir` (a checkout with node_modules) into its dist/. */
function build(srcDir: string, outdir?: string): void {
  execFileSync(process.execPath, ['esbuild.config.mjs', '--production', ...(outdir ? [`--outdir=${outdir}`] : [])], { cwd: srcDir, stdio: 'ignore' });
}

const bench: Bench = {
  name: 'extension load: one bundle (before) vs extension + lazy engine (after)',
  async run(): Promise<BenchRow[]> {
    const tmp = mkdtempSync(join(tmpdir(), 'certscope-load-'));
    try {
      const old = join(tmp, 'before');
      execFileSync('sh', ['-c', `mkdir -p "${old}" && git archive ${BASELINE} | tar -x -C "${old}"`]);
      // The baseline's own dependencies (it still bundles pkijs/asn1js, which this tree no longer has).
      execFileSync('npm', ['ci', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: old, stdio: 'ignore' });
      build(old);
      const after = join(tmp, 'after');
      build(process.cwd(), after);
      const before = join(old, 'dist', 'extension.js');
      const now = join(after, 'extension.js');
      const b: Sample[] = [];
      const a: Sample[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        b.push(sample(before));
        a.push(sample(now));
      }
      if (!a[0].hoverText || a[0].hoverText !== b[0].hoverText) throw new Error('the two bundles hover differently: compare like with like');
      const startup = (s: Sample[]): number => median(s.map((x) => x.load + x.activate));
      const kb = (f: string): number => statSync(f).size / 1024;
      const engineLoaded = a.some((s) => s.atActivation.some((f) => f === 'engine.js' || f === 'servers.js'));
      return [
        { group: 'extension load', name: 'dist/extension.js size (production)', value: kb(now), unit: 'KB',
          peer: { name: `before (${BASELINE})`, value: kb(before) }, better: 'lower',
          note: `lazy: dist/engine.js ${kb(join(after, 'engine.js')).toFixed(0)} KB (inspection), dist/servers.js ${kb(join(after, 'servers.js')).toFixed(0)} KB (broker, OCSP, probe, CA)` },
        { group: 'extension load', name: 'require(extension.js) + activate()', value: startup(a), unit: 'ms',
          peer: { name: `before (${BASELINE})`, value: startup(b) }, better: 'lower', target: 0.5,
          note: `median of ${ROUNDS} fresh processes each; engine loaded at activation: ${engineLoaded ? 'YES (a static import of an engine module)' : 'no'}` },
        { group: 'extension load', name: 'activate() call alone', value: median(a.map((x) => x.activate)), unit: 'ms',
          peer: { name: `before (${BASELINE})`, value: median(b.map((x) => x.activate)) }, better: 'lower' },
        { group: 'extension load', name: 'first hover on a PEM certificate', value: median(a.map((x) => x.hover)), unit: 'ms',
          peer: { name: `before (${BASELINE})`, value: median(b.map((x) => x.hover)) }, better: 'lower',
          note: `the cost the split moved here: loading dist/engine.js + initialising the decoders${a.some((s) => s.afterHover.includes('servers.js')) ? '; servers.js loaded too' : ''}` },
        { group: 'extension load', name: 'startup + first hover', value: median(a.map((x) => x.load + x.activate + x.hover)), unit: 'ms',
          peer: { name: `before (${BASELINE})`, value: median(b.map((x) => x.load + x.activate + x.hover)) }, better: 'lower',
          note: 'net effect for a user who hovers a certificate right away' },
        { group: 'extension load', name: 'require(extension.js) (parse + top level)', value: median(a.map((x) => x.load)), unit: 'ms',
          peer: { name: `before (${BASELINE})`, value: median(b.map((x) => x.load)) }, better: 'lower' },
      ];
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};

export default bench;
