// The extension's startup bundle stays small: building with esbuild.config.mjs gives a
// dist/extension.js without aedes, mqtt-packet, ws or the decoders (those are in
// dist/servers.js and dist/engine.js), activation (in a fresh process, the way the extension host
// loads it) loads neither, the first hover loads only the engine and answers with the decoded
// certificate, and every module of both lazy bundles loads.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../support/tmp';

describe('bundle split: dist/extension.js + lazy dist/engine.js and dist/servers.js', function () {
  this.timeout(120_000);
  const tmp = makeTempDir('certscope-bundle-');
  let out: string;
  before(() => {
    out = join(tmp.dir, 'dist');
    execFileSync(process.execPath, ['esbuild.config.mjs', `--outdir=${out}`], { stdio: 'pipe' });
  });
  after(() => tmp.cleanup());

  it('keeps the heavy libraries out of extension.js and engine.js, and the decoders out of extension.js', () => {
    const read = (f: string): string => readFileSync(join(out, f), 'utf8');
    const [ext, engine, servers] = [read('extension.js'), read('engine.js'), read('servers.js')];
    // esbuild marks each bundled file with a `// path` comment line in non-minified builds (relative
    // to the working directory: node_modules may be reached through a symlink).
    const has = (bundle: string, path: string): boolean =>
      bundle.split('\n').some((line) => line.startsWith('// ') && (line === `// ${path}` || line.endsWith(`/${path}`)));
    for (const lib of ['node_modules/aedes/aedes.js', 'node_modules/mqtt-packet/mqtt.js', 'node_modules/ws/lib/websocket.js']) {
      assert.ok(!has(ext, lib) && !has(engine, lib), `${lib} in extension.js or engine.js`);
      assert.ok(has(servers, lib), `servers.js lacks ${lib}`);
    }
    for (const decoder of ['src/core/decode/certificate.ts', 'src/core/decode/crl.ts', 'src/core/present/hover.ts']) {
      assert.ok(!has(ext, decoder) && !has(servers, decoder), `${decoder} outside engine.js`);
      assert.ok(has(engine, decoder), `engine.js lacks ${decoder}`);
    }
  });

  it('loads every module of the lazy bundles', () => {
    for (const bundle of ['engine.js', 'servers.js']) {
      const file = join(out, bundle);
      const keys = [...readFileSync(file, 'utf8').matchAll(/^ {2}"(src\/core\/[^"]+)": \(\) =>/gm)].map((m) => m[1]);
      assert.ok(keys.length > 20, `${bundle} lists ${keys.length} modules`);
      const script = `const b = require(${JSON.stringify(file)}); for (const k of ${JSON.stringify(keys)}) b.load(k);`;
      execFileSync(process.execPath, ['-e', script], { stdio: 'pipe' });
    }
  });

  it('activates without loading the engine; the first hover loads the engine (not servers.js) and decodes the certificate', () => {
    const pem = join(process.cwd(), 'test', 'fixtures', 'workspace', 'server.crt');
    const r = JSON.parse(execFileSync(process.execPath, [join('test', 'support', 'stubHost.cjs'), join(out, 'extension.js'), pem], { encoding: 'utf8' })) as
      { atActivation: string[]; afterHover: string[]; hoverText: string | null };
    assert.deepEqual(r.atActivation.filter((f) => f !== 'stubHost.cjs'), ['extension.js']);
    assert.deepEqual(r.afterHover.filter((f) => f !== 'stubHost.cjs').sort(), ['engine.js', 'extension.js']);
    assert.match(r.hoverText ?? '', /\*\*Certificate\*\* CN\\=fixture\\\.certscope\\\.test/);
  });
});
