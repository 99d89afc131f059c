// Six bundles: the extension (Node, CJS, `vscode` external) in three parts, its decode worker, the
// CLI, and the webview (browser).
//
// The extension is what VS Code loads at startup, so dist/extension.js holds only the VS Code layer
// and the few small core modules activation needs (ACTIVATION_CORE). The rest of src/core lives in
// two bundles the extension requires at first use: dist/engine.js (decoders, workspace index,
// presenters, path validation, revocation: what hovers, the tree and diagnostics need) and
// dist/servers.js (broker, OCSP, probe, CA, TLS, export, with aedes, ws and
// mqtt-packet). esbuild cannot code-split CommonJS, so the split plugin below turns each import of a
// module owned by another bundle into `require('./<bundle>.js').load('<module>')`; every module is
// in exactly one bundle (ACTIVATION_CORE, pure helpers, is copied), and inside a bundle each module
// initialises only when first loaded. A static import of an engine module from code that runs at
// activation would load the engine at startup: test/unit/bundleSplit.test.ts fails then (make the
// import lazy with `await import(...)`, or add a small dependency-free module to ACTIVATION_CORE).
import * as esbuild from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const outdir = process.argv.find((a) => a.startsWith('--outdir='))?.slice('--outdir='.length) ?? 'dist';

/** Core modules bundled into dist/extension.js itself (and copied where others use them): small, dependency-free, no module state. */
const ACTIVATION_CORE = new Set([
  'src/core/present/safeText.ts',
  'src/core/present/certName.ts', // how views name a certificate (string functions only)
  'src/core/workspace/embeddedSniff.ts',
  'src/core/dates.ts',
  'src/core/serial.ts',
  'src/core/ca/layout.ts',
  'src/core/revocation/evidence.ts',
  'src/core/oids.ts', // the named OID constants (tables and lookups only)
  'src/core/ca/localCdp.ts', // CRL distribution point URLs on this machine (URL parsing only)
  'src/core/broker/format.ts', // the one wording of broker events (the broker log channel is made at activation)
]);
/** The bundle that owns a core module (repository-relative path). */
function owner(key) {
  if (ACTIVATION_CORE.has(key)) return undefined;
  return /^src\/core\/(broker|ocsp|probe|ca|tls|export)\//.test(key) ? 'servers' : 'engine';
}
/** Worker entry (its own bundle), never loaded in the extension host's thread. */
const NOT_LOADED = new Set(['src/core/workspace/decodeWorker.ts']);

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
  legalComments: 'none',
};

/** Repository-relative path with forward slashes (the module key). */
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

/** Imports of modules another bundle owns become lazy requires of that bundle. */
function splitPlugin(bundle) {
  return {
    name: 'certscope-split',
    setup(build) {
      build.onResolve({ filter: /^\./ }, (args) => {
        if (args.namespace === 'split') return { path: args.path, external: true };
        const key = args.importer ? coreFile(args.importer, args.path) : undefined;
        const o = key && owner(key);
        if (!o || o === bundle) return undefined;
        return { path: key, namespace: 'split', pluginData: o };
      });
      build.onLoad({ filter: /.*/, namespace: 'split' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(`./${args.pluginData}.js`)}).load(${JSON.stringify(args.path)});`,
        loader: 'js',
        resolveDir: process.cwd(),
      }));
    },
  };
}

/** Every .ts file under `dir`, repository-relative. */
function tsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [repoPath(join(dir, e.name))] : []);
}

/** A lazily loaded bundle: one loader per module it owns, so each module initialises at its first load. */
function lazyBundle(bundle) {
  const keys = tsFiles('src/core').filter((k) => owner(k) === bundle && !NOT_LOADED.has(k)).sort();
  const contents = [
    'const loaders = {',
    ...keys.map((k) => `  ${JSON.stringify(k)}: () => require(${JSON.stringify(`./${k}`)}),`),
    '};',
    'exports.load = (key) => {',
    '  const load = loaders[key];',
    `  if (!load) throw new Error(\`dist/${bundle}.js has no module \${key}: rebuild (npm run build)\`);`,
    '  return load();',
    '};',
  ].join('\n');
  return {
    ...common,
    ...node,
    stdin: { contents, resolveDir: process.cwd(), sourcefile: `${bundle}-entry.js`, loader: 'js' },
    outfile: `${outdir}/${bundle}.js`,
    plugins: [splitPlugin(bundle)],
  };
}

const node = { platform: 'node', format: 'cjs', target: 'node20' };

const builds = [
  {
    ...common,
    ...node,
    entryPoints: ['src/extension/activate.ts'],
    outfile: `${outdir}/extension.js`,
    external: ['vscode'],
    plugins: [splitPlugin('extension')],
  },
  lazyBundle('engine'),
  lazyBundle('servers'),
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
  // The lazy bundles list the core files found at start: a new file under src/core needs a restart.
  for (const b of builds) (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
