// The repository stands alone: the path check run by `npm run lint` passes on this tree and fails
// on a tree whose tracked file names a folder outside it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../support/tmp';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'check-repo-paths.mjs');

function check(cwd: string) {
  return spawnSync(process.execPath, [SCRIPT], { cwd, encoding: 'utf8' });
}

describe('repository paths', () => {
  it('this repository names no path outside itself', () => {
    const r = check(join(__dirname, '..', '..'));
    assert.equal(r.status, 0, r.stderr);
  });

  for (const [name, line] of [
    // Built from parts so that this file itself does not trip the check.
    ['an absolute work path', `const ROOT = '${'/wo' + 'rk/'}shared/conformance/pkits';`],
    ['the reference folder beside the clone', `see ${'..' + '/shared/'}DESIGN.md`],
    ['a relative import that climbs out', `import x from '${'../'.repeat(3)}outside/x';`],
  ]) {
    it(`fails on ${name}`, () => {
      const t = makeTempDir();
      try {
        spawnSync('git', ['init', '-q'], { cwd: t.dir });
        mkdirSync(join(t.dir, 'src'));
        writeFileSync(join(t.dir, 'src', 'a.ts'), `// ok\n${line}\n`);
        const r = check(t.dir);
        assert.equal(r.status, 1);
        assert.match(r.stderr, /src\/a\.ts:2:/);
      } finally { t.cleanup(); }
    });
  }
});
