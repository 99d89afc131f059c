#!/usr/bin/env node
// The repository stands alone: no tracked file may name a path outside it (an absolute path into
// the machine's work folders, or a relative path that climbs out of the repository). Run by
// `npm run lint`; exits 1 with every offending line.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, isAbsolute } from 'node:path';

const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  .split('\0').filter((f) => f && /\.(ts|mts|cts|js|mjs|cjs|json|md|sh|yml|yaml)$|^\.ci\//.test(f) && f !== 'package-lock.json' && !f.startsWith('test/fixtures/'));

// Absolute paths of the machines this project is developed on, and the reference folder beside it.
const ABSOLUTE = /(?:^|[\s'"`(=:])\/work\/|(?:^|[^.\w])\.\.\/shared\//;
// A quoted relative path (dot-dot segments) that resolves outside the repository.
const RELATIVE = /['"`]((?:\.\.\/)+[^'"`\s]*)['"`]/g;

const problems = [];
for (const file of files) {
  let text;
  try { text = readFileSync(join(root, file), 'utf8'); } catch { continue; }
  text.split('\n').forEach((line, i) => {
    if (ABSOLUTE.test(line)) problems.push(`${file}:${i + 1}: names a path outside the repository: ${line.trim()}`);
    for (const m of line.matchAll(RELATIVE)) {
      const target = normalize(join(dirname(join(root, file)), m[1]));
      const rel = relative(root, target);
      if (rel.startsWith('..') || isAbsolute(rel)) problems.push(`${file}:${i + 1}: '${m[1]}' leaves the repository`);
    }
  });
}
if (problems.length) {
  console.error(problems.join('\n'));
  console.error(`\n${problems.length} reference(s) to paths outside the repository (see scripts/check-repo-paths.mjs)`);
  process.exit(1);
}
console.log(`repo paths: ${files.length} files checked, none leaves the repository`);
