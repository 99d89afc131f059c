#!/usr/bin/env node
// Counts dotted OID string literals ('2.5.29.17') in src/ and prints the ones that stand in more
// than one file: an OID used in several modules belongs in src/core/oids.ts as a named constant.
// String literals come from the TypeScript parser, so comments and prose do not count.
//   node scripts/oid-literals.mjs [--max N]   exits 1 when more than N literals are duplicated
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const OID = /^[0-2]\.(0|[1-9]\d*)(\.(0|[1-9]\d*)){1,}$/;
const maxIndex = process.argv.indexOf('--max');
const max = maxIndex > 0 ? Number(process.argv[maxIndex + 1]) : undefined;

function* tsFiles(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* tsFiles(p);
    else if (e.name.endsWith('.ts')) yield p;
  }
}

const filesOf = new Map(); // oid -> Set of files
let literals = 0;
for (const file of tsFiles('src')) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const visit = (node) => {
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && OID.test(node.text)
      // '1.2' / '1.3' as TLS versions are not OIDs: an OID literal in code has at least three arcs.
      && node.text.split('.').length >= 3) {
      literals++;
      if (!filesOf.has(node.text)) filesOf.set(node.text, new Set());
      filesOf.get(node.text).add(file);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

const duplicated = [...filesOf].filter(([, files]) => files.size > 1).sort(([a], [b]) => a.localeCompare(b));
for (const [oid, files] of duplicated) console.log(`${oid}  ${[...files].sort().join(', ')}`);
console.log(`oid literals: ${literals} in src (${filesOf.size} distinct); ${duplicated.length} stand in more than one file`);
if (max !== undefined && duplicated.length > max) process.exit(1);
