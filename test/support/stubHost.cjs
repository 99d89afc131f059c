// Loads a built extension (argv[2] = path of extension.js) in this fresh Node process the way the
// extension host does (require, then activate()) with a stand-in `vscode` module, then hovers the
// first line of a PEM file (argv[3]) through the hover provider the extension registered.
// Prints one JSON line: load and activate times, the first hover's time and text, and which
// bundle files were loaded after activation and after the hover. Used by
// bench/extension-load.bench.ts and test/unit/bundleSplit.test.ts.
'use strict';
const Module = require('node:module');
const { readFileSync } = require('node:fs');
const { basename } = require('node:path');

const NAMES = ['window', 'workspace', 'languages', 'commands', 'SymbolKind', 'EventEmitter', 'Uri', 'ThemeIcon', 'ThemeColor', 'TreeItem', 'TreeItemCollapsibleState', 'MarkdownString', 'CodeLens', 'Range', 'Position', 'Diagnostic', 'DiagnosticSeverity', 'CodeAction', 'CodeActionKind', 'WorkspaceEdit', 'DocumentSymbol', 'FileDecoration', 'RelativePattern', 'env', 'extensions', 'CancellationError', 'FileSystemError', 'ConfigurationTarget', 'TabInputCustom', 'Disposable', 'l10n', 'ProgressLocation', 'StatusBarAlignment', 'ViewColumn', 'Hover', 'LogLevel', 'EndOfLine', 'FileType'];
const hovers = [];
// Real behaviour where the extension reads it back: settings answer their defaults, hover
// providers are kept, MarkdownString/Hover keep their text; everything else is an inert stub.
const real = {
  getConfiguration: () => ({ get: (_k, d) => d, has: () => false, inspect: () => undefined, update: async () => {} }),
  registerHoverProvider: (_selector, provider) => { hovers.push(provider); return stub; },
  MarkdownString: function MarkdownString(value) { this.value = value; },
  Hover: function Hover(contents) { this.contents = contents; },
  workspaceFolders: undefined,
};
const stub = new Proxy(function () {}, {
  get(_t, k) {
    if (typeof k === 'string' && Object.hasOwn(real, k)) return real[k];
    if (k === 'then') return undefined;
    if (k === Symbol.toPrimitive) return () => '';
    if (k === Symbol.iterator) return function* () {};
    return stub;
  },
  apply() { return stub; }, construct() { return stub; }, set() { return true; }, defineProperty() { return true; },
  ownKeys(t) { return [...new Set([...Reflect.ownKeys(t), ...NAMES])]; },
  getOwnPropertyDescriptor(t, k) { return Reflect.getOwnPropertyDescriptor(t, k) ?? { configurable: true, enumerable: true, value: stub }; },
});
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? stub : load.call(this, request, ...rest); };

function memento() {
  const m = new Map();
  return { get: (k, d) => (m.has(k) ? m.get(k) : d), update: async (k, v) => { m.set(k, v); }, keys: () => [...m.keys()] };
}
const loaded = () => Object.keys(require.cache).map((f) => basename(f)).filter((f) => f.endsWith('.js'));

async function main() {
  const [bundle, pemFile] = process.argv.slice(2);
  const t0 = performance.now();
  const ext = require(bundle);
  const t1 = performance.now();
  ext.activate({ subscriptions: [], extension: { packageJSON: { version: '0' } }, workspaceState: memento(), globalState: memento(), secrets: stub, extensionUri: stub, extensionPath: '' });
  const t2 = performance.now();
  const atActivation = loaded();
  const text = readFileSync(pemFile, 'utf8');
  const lines = text.split('\n');
  const doc = {
    uri: { scheme: 'file', fsPath: pemFile, path: pemFile, toString: () => `file://${pemFile}` },
    fileName: pemFile, languageId: 'pem', version: 1, lineCount: lines.length,
    getText: () => text, lineAt: (i) => ({ text: lines[i] }),
  };
  const t3 = performance.now();
  let hover;
  for (const p of hovers) hover = (await p.provideHover(doc, { line: 0, character: 0 }, stub)) ?? hover;
  const t4 = performance.now();
  process.stdout.write(JSON.stringify({
    load: t1 - t0, activate: t2 - t1, hover: t4 - t3,
    hoverText: hover?.contents?.value ?? null, atActivation, afterHover: loaded(),
  }) + '\n');
  process.exit(0);
}
main().catch((err) => { process.stderr.write(`${err.stack}\n`); process.exit(1); });
