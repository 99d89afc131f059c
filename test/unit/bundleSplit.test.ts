// The extension's startup bundle stays small: building with esbuild.config.mjs gives a
// dist/extension.js without pkijs, asn1js, aedes, mqtt-packet, ws or the decoders, activation (in a
// fresh process, the way the extension host loads it) does not load dist/engine.js, and the first
// hover loads the engine and answers with the decoded certificate.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../support/tmp';

describe('bundle split: dist/extension.js + dist/engine.js', function () {
  this.timeout(120_000);
  const tmp = makeTempDir('certscope-bundle-');
  let out: string;
  before(() => {
    out = join(tmp.dir, 'dist');
    execFileSync(process.execPath, ['esbuild.config.mjs', `--outdir=${out}`], { stdio: 'pipe' });
  });
  after(() => tmp.cleanup());

  it('keeps the heavy libraries and the decoders out of extension.js and in engine.js', () => {
    const ext = readFileSync(join(out, 'extension.js'), 'utf8');
    const engine = readFileSync(join(out, 'engine.js'), 'utf8');
    // esbuild marks each bundled file with a `// path` comment in non-minified builds.
    for (const heavy of ['node_modules/pkijs/', 'node_modules/asn1js/', 'node_modules/aedes/', 'node_modules/mqtt-packet/', 'node_modules/ws/', 'src/core/decode/certificate.ts']) {
      assert.ok(!ext.includes(`// ${heavy}`), `extension.js bundles ${heavy}`);
      assert.ok(engine.includes(`// ${heavy}`), `engine.js lacks ${heavy}`);
    }
    assert.ok(ext.length < engine.length / 5, `extension.js is ${ext.length} bytes, engine.js ${engine.length}`);
  });

  it('activates without loading the engine; the first hover loads it and decodes the certificate', () => {
    const pem = join(process.cwd(), 'test', 'fixtures', 'workspace', 'server.crt');
    const r = JSON.parse(execFileSync(process.execPath, [join('test', 'support', 'stubHost.cjs'), join(out, 'extension.js'), pem], { encoding: 'utf8' })) as
      { atActivation: string[]; afterHover: string[]; hoverText: string | null };
    assert.deepEqual(r.atActivation.filter((f) => f !== 'stubHost.cjs'), ['extension.js']);
    assert.ok(r.afterHover.includes('engine.js'), `after the hover: ${r.afterHover.join(', ')}`);
    assert.match(r.hoverText ?? '', /\*\*Certificate\*\* CN\\=fixture\\\.certscope\\\.test/);
  });
});
