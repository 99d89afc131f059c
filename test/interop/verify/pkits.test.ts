// CI guard for NIST PKITS conformance: the pass count must not fall below the recorded baseline.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PKITS_DIR, pkitsAvailable, runPkits } from '../../conformance/pkitsRunner';

describe('verify: NIST PKITS conformance', function () {
  this.timeout(120_000);

  it('passes at least the recorded baseline of PKITS cases', async function () {
    assert.ok(pkitsAvailable(), `PKITS data missing in ${PKITS_DIR}`);
    const baseline = JSON.parse(readFileSync(join(__dirname, '../../conformance/pkits-baseline.json'), 'utf8')) as { passed: number };
    const { outcomes } = await runPkits();
    const passed = outcomes.filter((o) => o.pass).length;
    assert.ok(outcomes.length >= 239, `expected at least 239 runnable cases, found ${outcomes.length}`);
    assert.ok(passed >= baseline.passed, `PKITS: ${passed} passed, baseline ${baseline.passed}; failures: ${outcomes.filter((o) => !o.pass).map((o) => o.id).join(', ')}`);
  });

  it('rejects every invalid revocation case (4.4) and accepts every valid one', async function () {
    assert.ok(pkitsAvailable(), `PKITS data missing in ${PKITS_DIR}`);
    const { outcomes } = await runPkits();
    const section = outcomes.filter((o) => o.section.startsWith('4.4 '));
    assert.ok(section.length >= 20);
    assert.deepEqual(section.filter((o) => !o.pass).map((o) => o.id), []);
  });
});
