// Runs INSIDE code-server's extension host (extensionTestsPath) for bench/editor-scale.bench.ts:
// measures what a user of a fleet-sized workspace waits for, with the real workbench in the loop.
// The workspace starts with fleet/ and hostile/ excluded (workspace settings); the probe then
//  A. removes fleet/ from the exclusion and times until the index and tree hold every file,
//     sampling extension-host RSS and hover round trips meanwhile; VS Code's own findFiles over
//     the same files is the peer;
//  B. expands the largest CA and the widest node in the real view (reveal waits for the workbench);
//  C. times hovers on fleet files;
//  D. includes hostile/ (a slow-to-decode file and a max-size bundle) and times hover round trips
//     while it is indexed.
// It prints one line "CERTSCOPE_EDITOR_BENCH <json>" and resolves (exit code 0).
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import * as vscode from 'vscode';

interface ProbeConfig { files: number; hostileFiles: number; bigCa: string; hoverFiles: string[]; smallDoc: string; profile?: boolean }
interface Refresh { stats?: { files: number; finishedAt: number }; abandoned: number; roots: number; expanded?: { label: string; children: number; ms: number } }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

async function refresh(extra: Record<string, unknown> = {}): Promise<Refresh> {
  return (await vscode.commands.executeCommand<Refresh>('certscope.tree.refresh', { rescan: false, walk: false, ...extra }))!;
}

/**
 * Hover round trips (host -> workbench -> host providers -> back) every 25 ms until stopped, and
 * the host's own event-loop delay meanwhile (the round trip also waits for the server and the
 * browser, which share the machine's cores with the decode workers).
 */
function roundTrips(doc: vscode.TextDocument): { stop(): Promise<{ trips: number[]; loopMaxMs: number; loopP99Ms: number }> } {
  const times: number[] = [];
  const loop$ = monitorEventLoopDelay({ resolution: 10 });
  loop$.enable();
  let running = true;
  const loop = (async () => {
    while (running) {
      const t = performance.now();
      await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, new vscode.Position(1, 0));
      times.push(performance.now() - t);
      await sleep(25);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      loop$.disable();
      return { trips: times, loopMaxMs: loop$.max / 1e6, loopP99Ms: loop$.percentile(99) / 1e6 };
    },
  };
}

/** Waits for the scan that the settings change started (one that finished after `since`). */
async function untilScanned(since: number): Promise<Refresh> {
  for (;;) {
    const r = await refresh();
    if ((r.stats?.finishedAt ?? 0) > since) return r;
    await sleep(25);
  }
}

async function setExclude(globs: string[]): Promise<void> {
  await vscode.workspace.getConfiguration('certscope').update('inspect.exclude', globs, vscode.ConfigurationTarget.Workspace);
}

interface CpuProfile { nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>; samples: number[]; timeDeltas: number[] }

/** CERTSCOPE_BENCH_PROFILE=1: where the host's main thread spends the scan (self time per function). */
async function startProfile(): Promise<() => Promise<string[]>> {
  const { Session } = await import('node:inspector');
  const session = new Session();
  session.connect();
  const post = <T>(method: string) => new Promise<T>((res, rej) => session.post(method, {}, (e, r) => (e ? rej(e) : res(r as T))));
  await post('Profiler.enable');
  await post('Profiler.start');
  return async () => {
    const { profile } = await post<{ profile: CpuProfile }>('Profiler.stop');
    session.disconnect();
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map<string, number>();
    profile.samples.forEach((id: number, i: number) => {
      const f = byId.get(id)!.callFrame;
      const k = `${f.functionName || '(anon)'} ${String(f.url).split('/').slice(-2).join('/')}:${f.lineNumber}`;
      self.set(k, (self.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
    });
    return [...self].sort((x, y) => y[1] - x[1]).slice(0, 40).map(([k, v]) => `${v.toFixed(0)} ms ${k}`);
  };
}

export async function run(): Promise<void> {
  const cfg = JSON.parse(readFileSync(join(__dirname, 'probe-config.json'), 'utf8')) as ProbeConfig;
  const out: Record<string, unknown> = { files: cfg.files };
  const ext = vscode.extensions.getExtension('certscope.certscope');
  if (!ext) throw new Error('certscope extension not found');
  await ext.activate();
  await vscode.commands.executeCommand('certscope.workspacePki.focus');
  await refresh();
  const small = await vscode.workspace.openTextDocument(vscode.Uri.file(cfg.smallDoc));
  await vscode.commands.executeCommand('vscode.executeHoverProvider', small.uri, new vscode.Position(1, 0));
  await sleep(2000);

  // Peer: VS Code's own file search over the same files.
  let t = performance.now();
  const found = await vscode.workspace.findFiles('fleet/**/*.pem');
  out.findFilesMs = performance.now() - t;
  out.findFilesCount = found.length;

  // A. Scan -> populated tree.
  const rss0 = process.memoryUsage().rss;
  let rssMax = rss0;
  const sampler = setInterval(() => { rssMax = Math.max(rssMax, process.memoryUsage().rss); }, 100);
  let trips = roundTrips(small);
  const profiler = cfg.profile ? await startProfile() : undefined;
  t = performance.now();
  let since = Date.now();
  await setExclude(['hostile/**']);
  const a = await untilScanned(since);
  out.indexed = a.stats?.files;
  out.populatedMs = performance.now() - t;
  if (profiler) out.profile = await profiler();
  out.scan = await trips.stop();
  out.rssAtPopulatedMb = mb(process.memoryUsage().rss - rss0);
  out.roots = a.roots;
  await sleep(3000); // diagnostics, badges and the view settle
  out.rssSettledMb = mb(process.memoryUsage().rss - rss0);

  // B. Expansion in the real view.
  out.expandBigCa = (await refresh({ expand: cfg.bigCa })).expanded;
  out.expandWidest = (await refresh({ expand: 'widest' })).expanded;

  // C. Hovers on fleet files (each a fresh document: decode + markdown + workspace context).
  const hovers: number[] = [];
  for (const file of cfg.hoverFiles) {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    t = performance.now();
    const h = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(1, 0));
    hovers.push(performance.now() - t);
    if (!h?.length) throw new Error(`no hover on ${file}`);
  }
  out.hovers = hovers;
  clearInterval(sampler);
  out.rssMaxMb = mb(rssMax - rss0);

  // D. Hostile files indexed while the user works.
  trips = roundTrips(small);
  const hostileProfiler = cfg.profile ? await startProfile() : undefined;
  t = performance.now();
  since = Date.now();
  await setExclude([]);
  const d = await untilScanned(since);
  out.hostileScanMs = performance.now() - t;
  if (hostileProfiler) out.hostileProfile = await hostileProfiler();
  out.hostile = await trips.stop();
  out.abandoned = d.abandoned;

  console.log(`CERTSCOPE_EDITOR_BENCH ${JSON.stringify(out)}`);
}
