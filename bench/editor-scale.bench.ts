// The Workspace PKI at fleet scale, measured INSIDE code-server's extension host (the integration
// tier's harness, test/integration/code-server.mjs) for 5,000 and 50,000 certificate files
// (CERTSCOPE_BENCH_FLEET=5000 to run one size). Rows, each with a peer from the same run:
//   scan -> populated tree        vs the core-only index of the same files (editor overhead as a ratio)
//                                 and VS Code's own findFiles over them
//   extension-host RSS added      (absolute targets: 150 MB for 5,000, 1 GB for 50,000)
//   expand the largest CA / the widest node in the real view (target < 500 ms)
//   hover latency on fleet files
//   hover round trip while a hostile file is indexed (issue 10: < 100 ms)
//   core index vs a plain Node X509Certificate loop (time within 2x, < 300 MB for 5,000)
// Needs `npm run build` (dist/) and code-server (.ci/setup-code-server.sh, cached).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import * as esbuild from 'esbuild';
import { makeFleet } from '../test/support/fleet';
import type { Bench, BenchRow } from './types';

interface ProbeResult {
  files: number; indexed: number; findFilesMs: number; findFilesCount: number; populatedMs: number; scan: Trips;
  rssAtPopulatedMb: number; rssSettledMb: number; rssMaxMb: number; roots: number;
  expandBigCa?: { label: string; children: number; ms: number }; expandWidest?: { label: string; children: number; ms: number };
  hovers: number[]; hostileScanMs: number; hostile: Trips; abandoned: number;
}
interface Trips { trips: number[]; loopMaxMs: number; loopP99Ms: number }

/** The parts of test/integration/code-server.mjs used here. */
interface CodeServerHarness {
  repoRoot: string;
  resultsDir: string;
  ensureCodeServer(): Promise<unknown>;
  makeSandbox(prefix: string): { root: string; workspace: string };
  seedUserSettings(sandbox: unknown): void;
  startCodeServer(cs: unknown, sandbox: unknown, o: { smokeTestDriver: boolean; logFile: string }): Promise<{ port: number; origin: string; stop(): Promise<void> }>;
  launchChromium(sandbox: unknown): Promise<import('playwright-core').BrowserContext>;
  removeSandbox(sandbox: unknown): void;
  deadline(ms: number, message: string): Promise<never> & { cancel(): void };
}

const TARGETS: Record<number, { treeMs: number; mb: number }> = { 5000: { treeMs: 2000, mb: 150 }, 50000: { treeMs: 15000, mb: 1024 } };
const PROBE_TIMEOUT_MS = 15 * 60_000;

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

const met = (ok: boolean): string => (ok ? 'met' : 'MISSED');

/** The hostile folder: a text that is slow to scan (unterminated BEGIN lines) and a max-size bundle. */
function writeHostile(dir: string, certPem: string): number {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'unterminated.pem'), '-----BEGIN CERTIFICATE-----\n'.repeat(40_000));
  writeFileSync(join(dir, 'huge-bundle.pem'), certPem.repeat(Math.floor(4.5 * 1024 * 1024 / certPem.length)));
  return 2;
}

function coreChild(mode: 'core' | 'x509', dir: string): { ms: number; rssMb: number; count: number } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join('bench', 'editor', 'coreIndex.ts'), mode, dir], {
    encoding: 'utf8', timeout: 10 * 60_000, maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as { ms: number; rssMb: number; count: number };
}

async function runProbe(size: number): Promise<{ probe: ProbeResult; core: { ms: number; rssMb: number }; x509: { ms: number; rssMb: number } }> {
  // @ts-expect-error: the harness is plain JavaScript (shared with the integration and e2e tiers)
  const cs = (await import('../test/integration/code-server.mjs')) as CodeServerHarness;
  const code = await cs.ensureCodeServer();
  const sandbox = cs.makeSandbox('csb');
  const probeDir = join(cs.repoRoot, 'out', `editor-bench-${process.pid}`);
  let server: { port: number; origin: string; stop(): Promise<void> } | undefined;
  let browser: import('playwright-core').BrowserContext | undefined;
  try {
    const ws = sandbox.workspace;
    const fleetDir = join(ws, 'fleet');
    process.stderr.write(`bench: generating ${size} certificate files...\n`);
    const fleet = makeFleet(fleetDir, size);
    const leafPem = readFileSync(fleet.paths[3], 'utf8');
    const hostileFiles = writeHostile(join(ws, 'hostile'), leafPem);
    const smallDoc = join(ws, 'probe.pem');
    writeFileSync(smallDoc, `# a small PEM file the probe hovers on\n${leafPem}`);
    mkdirSync(join(ws, '.vscode'));
    writeFileSync(join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'certscope.inspect.exclude': ['fleet/**', 'hostile/**'] }));
    cs.seedUserSettings(sandbox);

    const core = coreChild('core', fleetDir);
    const x509 = coreChild('x509', fleetDir);

    await esbuild.build({
      entryPoints: [join(cs.repoRoot, 'bench', 'editor', 'probe.ts')], outfile: join(probeDir, 'index.js'),
      bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], logLevel: 'warning',
    });
    const step = Math.floor(fleet.paths.length / 20);
    writeFileSync(join(probeDir, 'probe-config.json'), JSON.stringify({
      files: fleet.paths.length + 1, hostileFiles, bigCa: fleet.bigCa, smallDoc, profile: Boolean(process.env.CERTSCOPE_BENCH_PROFILE),
      hoverFiles: Array.from({ length: 20 }, (_, i) => fleet.paths[3 + i * step]),
    }));

    server = await cs.startCodeServer(code, sandbox, { smokeTestDriver: true, logFile: join(cs.resultsDir, `code-server-editor-bench-${size}.log`) });
    const ctx = await cs.launchChromium(sandbox);
    browser = ctx;
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    let exit!: (code: number) => void;
    const exited = new Promise<number>((res) => { exit = res; });
    let result: ProbeResult | undefined;
    const onLine = (text: string): void => {
      const m = /CERTSCOPE_EDITOR_BENCH (\{.*\})/.exec(text);
      if (m) result = JSON.parse(m[1]) as ProbeResult;
      else if (process.env.CERTSCOPE_DEBUG) process.stderr.write(`[host] ${text}\n`);
    };
    await page.exposeFunction('codeAutomationLog', (type: unknown, args: unknown) => onLine(Array.isArray(args) ? format(...(args as unknown[])) : String(type)));
    await page.exposeFunction('codeAutomationExit', (c: unknown) => exit(Number(c)));
    page.on('console', (msg) => onLine(msg.text()));
    const srv = server;
    const remote = (p: string) => `vscode-remote://127.0.0.1:${srv.port}${p}`;
    const payload = JSON.stringify([['extensionDevelopmentPath', remote(cs.repoRoot)], ['extensionTestsPath', remote(join(probeDir, 'index.js'))]]);
    await page.goto(`${srv.origin}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(payload)}`, { timeout: 120_000 });
    const timeout = cs.deadline(PROBE_TIMEOUT_MS, `the editor probe did not finish within ${PROBE_TIMEOUT_MS / 60_000} min`);
    let codeOut: number;
    try { codeOut = await Promise.race([exited, timeout]); } finally { timeout.cancel(); }
    if (result && 'profile' in result) process.stderr.write(`host main thread during the scan (self time):\n${(result as { profile: string[] }).profile.join('\n')}\n`);
    if (result && 'hostileProfile' in result) process.stderr.write(`host main thread while hostile files are indexed (self time):\n${(result as { hostileProfile: string[] }).hostileProfile.join('\n')}\n`);
    if (codeOut !== 0 || !result) throw new Error(`the editor probe failed (exit ${codeOut}); see test-results/code-server-editor-bench-${size}.log (CERTSCOPE_DEBUG=1 shows the host log)`);
    return { probe: result, core, x509 };
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop();
    cs.removeSandbox(sandbox);
    rmSync(probeDir, { recursive: true, force: true });
  }
}

function rows(size: number, r: Awaited<ReturnType<typeof runProbe>>): BenchRow[] {
  const p = r.probe;
  const g = `editor ${size.toLocaleString('en')}`;
  const tgt = TARGETS[size] ?? { treeMs: Infinity, mb: Infinity };
  const out: BenchRow[] = [
    { group: g, name: `scan -> populated tree in code-server (${p.indexed} of ${p.files} files indexed, ${p.roots} root groups)`, value: p.populatedMs, unit: 'ms',
      peer: { name: 'core-only index + tree, same files', value: r.core.ms }, better: 'lower',
      note: `absolute target < ${tgt.treeMs} ms: ${met(p.populatedMs < tgt.treeMs)}` },
    { group: g, name: 'scan -> populated tree vs VS Code findFiles over the same files', value: p.populatedMs, unit: 'ms',
      peer: { name: `findFiles (${p.findFilesCount} files)`, value: p.findFilesMs }, better: 'lower' },
    { group: g, name: 'extension-host RSS added (tree populated / settled / peak)', value: p.rssSettledMb, unit: 'MB', better: 'lower',
      note: `${p.rssAtPopulatedMb} / ${p.rssSettledMb} / ${p.rssMaxMb} MB; target < ${tgt.mb} MB: ${met(p.rssMaxMb < tgt.mb)}` },
  ];
  for (const [name, e] of [['expand the largest CA', p.expandBigCa], ['expand the widest node', p.expandWidest]] as const) {
    if (e) out.push({ group: g, name: `${name} in the view (${e.label}, ${e.children} children)`, value: e.ms, unit: 'ms', better: 'lower', note: `target < 500 ms: ${met(e.ms < 500)}` });
  }
  out.push(
    { group: g, name: `hover on a fleet file, median of ${p.hovers.length} (max ${quantile(p.hovers, 1).toFixed(0)} ms)`, value: quantile(p.hovers, 0.5), unit: 'ms', better: 'lower' },
    ...(['scan', 'hostile'] as const).flatMap((phase): BenchRow[] => {
      const x = p[phase];
      const what = phase === 'scan' ? 'during the scan' : `while hostile files are indexed (${p.abandoned} abandoned)`;
      return [
        { group: g, name: `hover round trip ${what}, median of ${x.trips.length} (p95 ${quantile(x.trips, 0.95).toFixed(0)}, max ${quantile(x.trips, 1).toFixed(0)} ms)`,
          value: quantile(x.trips, 0.5), unit: 'ms', better: 'lower', note: `target < 100 ms: ${met(quantile(x.trips, 0.95) < 100)} (p95)` },
        { group: g, name: `extension-host event-loop delay ${what}, max (p99 ${x.loopP99Ms.toFixed(0)} ms)`, value: x.loopMaxMs, unit: 'ms', better: 'lower',
          note: `target < 100 ms: ${met(x.loopMaxMs < 100)}` },
      ];
    }),
    { group: g, name: 'core index + tree of the fleet (one thread, no editor)', value: r.core.ms, unit: 'ms',
      peer: { name: 'X509Certificate read+parse loop', value: r.x509.ms }, better: 'lower', target: 2,
      note: `RSS added ${r.core.rssMb} MB (X509 loop ${r.x509.rssMb} MB)${size === 5000 ? `; target < 300 MB: ${met(r.core.rssMb < 300)}` : ''}` },
  );
  return out;
}

const bench: Bench = {
  name: 'Workspace PKI at fleet scale inside code-server',
  async run(): Promise<BenchRow[]> {
    const sizes = (process.env.CERTSCOPE_BENCH_FLEET ?? '5000,50000').split(',').map(Number).filter((n) => n > 0);
    const out: BenchRow[] = [];
    for (const size of sizes) out.push(...rows(size, await runProbe(size)));
    return out;
  },
};

export default bench;
