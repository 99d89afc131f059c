// `npm run conformance`: NIST PKITS through Certscope's path validation. Prints the score and the
// failures by section; exits non-zero when the pass count falls below the recorded baseline.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPkits, pkitsAvailable, PKITS_DIR } from './pkitsRunner';

async function main(): Promise<number> {
  if (!pkitsAvailable()) {
    console.error(`PKITS data not found in ${PKITS_DIR} (set PKITS_DIR)`);
    return 2;
  }
  const { outcomes, skipped } = await runPkits();
  const passed = outcomes.filter((o) => o.pass).length;
  const failed = outcomes.length - passed;
  const bySection = new Map<string, typeof outcomes>();
  for (const o of outcomes.filter((x) => !x.pass)) {
    const list = bySection.get(o.section) ?? [];
    list.push(o);
    bySection.set(o.section, list);
  }
  for (const [section, list] of bySection) {
    console.log(`\n${section}: ${list.length} failed`);
    for (const o of list) console.log(`  ${o.id} ${o.name}: expected ${o.expected}, got ${o.got}${o.reason ? ` — ${o.reason}` : ''}`);
  }
  if (failed) {
    console.log('\n(Cases listed above whose verdict openssl verify -policy_check shares are checked by');
    console.log(' test/interop/verify/pkits-disputed.test.ts: their cases.json expectation disagrees with RFC 5280 §6.1.)');
  }
  const baseline = JSON.parse(readFileSync(join(__dirname, 'pkits-baseline.json'), 'utf8')) as { passed: number };
  console.log(`\nPKITS: ${outcomes.length} cases run, ${skipped} skipped (DSA or missing files)`);
  console.log(`${passed} passed, ${failed} failed`);
  if (passed < baseline.passed) {
    console.error(`regression: ${passed} passed, below the recorded baseline of ${baseline.passed}`);
    return 1;
  }
  return 0;
}

main().then((code) => { process.exitCode = code; }, (e: unknown) => { console.error(e); process.exitCode = 70; });
