// Five bundles: the extension (Node, CJS, `vscode` external) split in two, its decode worker, the
// CLI, and the webview (browser).
//
// The extension is what VS Code loads at startup, so dist/extension.js holds only the VS Code layer
// and the few small core modules activation needs (ACTIVATION_CORE). Every other src/core module
// the extension imports (pkijs, asn1js, aedes, mqtt-packet, ws, the decoders, CA, OCSP, probe...)
// lives in dist/engine.js, which the extension requires at first use: esbuild cannot code-split
// CommonJS, so the engine plugin below turns each such import into
// `require('./engine.js').load('<module>')`. Inside the engine each module is still initialised
// only when first loaded. A static import of an engine module from code that runs at activation
// would load the engine at startup: test/unit/bundleSplit.test.ts fails then (make the import lazy
// with `await import(...)`, or add a small dependency-free module to ACTIVATION_CORE).
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const outdir = process.argv.find((a) => a.startsWith('--outdir='))?.slice('--outdir='.length) ?? 'dist';

/** Core modules bundled into dist/extension.js itself: small, dependency-free, no module state. */
const ACTIVATION_CORE = new Set([
  'src/core/present/safeText.ts',
  'src/core/workspace/embeddedSniff.ts',
  'src/core/dates.ts',
  'src/core/serial.ts',
  'src/core/ca/layout.ts',
  'src/core/revocation/evidence.ts',
]);
const ENGINE_FILE = 'engine.js';

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
  legalComments: 'none',
};

/** Repository-relative path with forward slashes (the engine's module key). */
function repoPath(abs) {
  return relative(process.cwd(), abs).split(sep).join('/');
}

/** Resolves a relative import to a src/core .ts file, or undefined. */
function coreFile(importer, spec) {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(importer), spec);
  for (const f of [`${base}.ts`, join(base, 'index.ts'), base]) {
    if (f.endsWith('.ts') && existsSync(f)) return repoPath(f).startsWith('src/core/') ? repoPath(f) : undefined;
  }
  return undefined;
}

/** Extension build: imports of engine modules become lazy requires of dist/engine.js; collects their keys. */
function enginePlugin(keys) {
  return {
    name: 'certscope-engine',
    setup(build) {
      build.onResolve({ filter: /^\./ }, (args) => {
        if (args.namespace === 'engine') return { path: `./${ENGINE_FILE}`, external: true };
        const key = args.importer ? coreFile(args.importer, args.path) : undefined;
        if (!key || ACTIVATION_CORE.has(key)) return undefined;
        keys.add(key);
        return { path: key, namespace: 'engine' };
      });
      build.onLoad({ filter: /.*/, namespace: 'engine' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(`./${ENGINE_FILE}`)}).load(${JSON.stringify(args.path)});`,
        loader: 'js',
        resolveDir: process.cwd(),
      }));
    },
  };
}

/** The engine's entry: one loader per module key, so each module initialises at its first load. */
function engineEntry(keys) {
  const loaders = [...keys].sort().map((k) => `  ${JSON.stringify(k)}: () => require(${JSON.stringify(`./${k}`)}),`);
  return [
    'const loaders = {',
    ...loaders,
    '};',
    'exports.load = (key) => {',
    '  const load = loaders[key];',
    "  if (!load) throw new Error(`dist/engine.js has no module ${key}: rebuild (npm run build)`);",
    '  return load();',
    '};',
  ].join('\n');
}

const node = { platform: 'node', format: 'cjs', target: 'node20' };
const engineKeys = new Set();
const extension = {
  ...common,
  ...node,
  entryPoints: ['src/extension/activate.ts'],
  outfile: `${outdir}/extension.js`,
  external: ['vscode'],
  plugins: [enginePlugin(engineKeys)],
};
const engine = () => ({
  ...common,
  ...node,
  stdin: { contents: engineEntry(engineKeys), resolveDir: process.cwd(), sourcefile: 'engine-entry.js', loader: 'js' },
  outfile: `${outdir}/${ENGINE_FILE}`,
});

const builds = [
  {
    // Worker thread that reads and decodes workspace files off the extension host's main thread
    // (src/core/workspace/decodePool.ts loads it from next to dist/extension.js).
    ...common,
    ...node,
    entryPoints: ['src/core/workspace/decodeWorker.ts'],
    outfile: `${outdir}/decodeWorker.js`,
  },
  {
    ...common,
    ...node,
    entryPoints: ['src/cli/main.ts'],
    outfile: `${outdir}/cli.js`,
    banner: { js: '#!/usr/bin/env node' },
  },
];
if (existsSync('src/webview/main.ts')) {
  builds.push({
    ...common,
    entryPoints: ['src/webview/main.ts'],
    outfile: `${outdir}/webview.js`,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  });
}

if (watch) {
  // The engine's module list comes from the extension build: a new engine import needs a restart.
  await esbuild.build({ ...extension, logLevel: 'warning' });
  for (const b of [extension, engine(), ...builds]) (await esbuild.context(b)).watch();
} else {
  // The extension first: its build decides which modules the engine exports.
  await Promise.all([esbuild.build(extension).then(() => esbuild.build(engine())), ...builds.map((b) => esbuild.build(b))]);
}
