// Compiles the in-host suites (index.ts + *.test.ts) to out/integration/ for the extension host.
// `vscode` and `mocha` stay external: VS Code provides the first, node_modules the second.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './code-server.mjs';

export const defaultOutDir = join(repoRoot, 'out', 'integration');

/**
 * Returns the path of the compiled index.js. The output must stay inside the repository: VS Code
 * gives code under the extension's folder the extension's own `vscode` API instance.
 */
export async function buildSuites(outDir = defaultOutDir) {
  const src = join(repoRoot, 'test', 'integration');
  const entries = readdirSync(src).filter((f) => f === 'index.ts' || f.endsWith('.test.ts')).map((f) => join(src, f));
  rmSync(outDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: entries,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode'],
    plugins: [{
      // mocha 12's main entry is ESM; load its CJS build so hosts without require(esm) (Electron's
      // Node 20.18 in desktop VS Code 1.100) can run the suites too.
      name: 'mocha-cjs',
      setup(b) { b.onResolve({ filter: /^mocha$/ }, () => ({ path: 'mocha/lib/mocha.cjs', external: true })); },
    }],
    logLevel: 'warning',
  });
  return join(outDir, 'index.js');
}

// `node test/integration/build.mjs`: compile only (used by the "Extension Tests" launch config).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(`built ${await buildSuites()}`);
}
