// Activation cost of the built extension (dist/extension.js, run `npm run build` first) in a fresh
// Node process with a stub `vscode` module: module load (parse + top-level evaluation) and the
// activate() call itself. Peer: loading pkijs alone in a fresh process, i.e. what an activation
// that imported the decoders eagerly would pay on top. The in-editor number is in the host's
// "Extension activation" timings; this isolates our own code.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Bench, BenchRow } from './types';

const PROBE = String.raw`
const Module = require('node:module');
const NAMES = ['window','workspace','languages','commands','SymbolKind','EventEmitter','Uri','ThemeIcon','ThemeColor','TreeItem','TreeItemCollapsibleState','MarkdownString','CodeLens','Range','Position','Diagnostic','DiagnosticSeverity','CodeAction','CodeActionKind','WorkspaceEdit','DocumentSymbol','FileDecoration','RelativePattern','env','extensions','CancellationError','FileSystemError','ConfigurationTarget','TabInputCustom','Disposable','l10n','ProgressLocation','StatusBarAlignment','ViewColumn','Hover','LogLevel','EndOfLine','FileType'];
function stub() {
  const fn = function () {};
  const p = new Proxy(fn, {
    get(_t, k) { if (k === 'then') return undefined; if (k === Symbol.toPrimitive) return () => ''; if (k === Symbol.iterator) return function* () {}; return p; },
    apply() { return p; }, construct() { return p; }, set() { return true; }, defineProperty() { return true; },
    ownKeys(t) { return [...new Set([...Reflect.ownKeys(t), ...NAMES])]; },
    getOwnPropertyDescriptor(t, k) { return Reflect.getOwnPropertyDescriptor(t, k) ?? { configurable: true, enumerable: true, value: p }; },
  });
  return p;
}
const vscode = stub();
const load = Module._load;
Module._load = function (req, ...rest) { return req === 'vscode' ? vscode : load.call(this, req, ...rest); };
const mode = process.argv[1];
const t0 = performance.now();
if (mode === 'peer') { require(process.argv[2]); console.log(JSON.stringify({ load: performance.now() - t0 })); process.exit(0); }
const ext = require(process.argv[2]);
const t1 = performance.now();
ext.activate({ subscriptions: [], extension: { packageJSON: { version: '0' } } });
console.log(JSON.stringify({ load: t1 - t0, activate: performance.now() - t1 }));
process.exit(0);
`;

function probe(args: string[]): { load: number; activate?: number } {
  const r = spawnSync(process.execPath, ['-e', PROBE, ...args], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`activation probe failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { load: number; activate?: number };
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

const bench: Bench = {
  name: 'extension activation (stub vscode, fresh process)',
  async run(): Promise<BenchRow[]> {
    const ext = join(process.cwd(), 'dist', 'extension.js');
    if (!existsSync(ext)) return [{ group: 'activation', name: 'dist/extension.js missing: run npm run build', value: 0, unit: 'ms', better: 'lower' }];
    const pkijs = require.resolve('pkijs');
    const ours: Array<{ load: number; activate?: number }> = [];
    const peer: number[] = [];
    for (let i = 0; i < 5; i++) {
      ours.push(probe(['ext', ext]));
      peer.push(probe(['peer', pkijs]).load);
    }
    const activate = median(ours.map((o) => o.activate ?? 0));
    return [
      { group: 'activation', name: 'activate() call (all features registered)', value: activate, unit: 'ms', better: 'lower',
        note: `absolute target < 50 ms: ${activate < 50 ? 'met' : 'MISSED'}` },
      { group: 'activation', name: 'load dist/extension.js (parse + top level)', value: median(ours.map((o) => o.load)), unit: 'ms',
        peer: { name: 'require(pkijs) alone', value: median(peer) }, better: 'lower', target: 1.5 },
    ];
  },
};

export default bench;
