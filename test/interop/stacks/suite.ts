// The matrix tests of one stack: start its servers once, run every case through the built CLI (a
// few probes at a time), then one test per case for the diagnosed cause and one for what the
// stack sent on the wire.
import { strict as assert } from 'node:assert';
import { makeTempDir } from '../../support/tmp';
import { casesFor, expectedFor, expectedWire, type MatrixCase } from './cases';
import { contractViolation } from './contract';
import { LAUNCHERS } from './launchers';
import { runMatrix, type CaseOutcome } from './matrix-run';
import type { StacksPki } from './pki';
import { sharedPki } from './shared-pki';
import { STACK_INFO, type Profile, type RunningStack, type StackName } from './stack';

export function describeStack(name: StackName): void {
  const info = STACK_INFO[name];
  describe(`TLS stacks: ${info.title}`, function () {
    this.timeout(60_000);
    const tmp = makeTempDir(`certscope-stack-${name}-`);
    let pki: StacksPki;
    let stack: RunningStack | undefined;
    let outcomes: Map<string, CaseOutcome>;

    before(async function () {
      // Servers start once; every probe of the suite runs here (PROBE_CONCURRENCY at a time).
      this.timeout(180_000);
      pki = await sharedPki();
      stack = await LAUNCHERS[name](pki, tmp.dir);
      outcomes = await runMatrix(pki, stack);
    });
    after(async () => {
      await stack?.stop();
      tmp.cleanup();
    });

    const outcome = (c: MatrixCase): CaseOutcome => {
      const o = outcomes.get(c.id);
      assert.ok(o, `no outcome for ${c.id}`);
      return o;
    };

    it('serves every profile of the matrix', () => {
      const wanted: Profile[] = ['mtls', 'stale', 'tls12', 'tls13', 'wrongname', 'leafonly', ...(info.plain ? ['plain' as const] : [])];
      assert.deepEqual(Object.keys(stack!.ports).sort(), [...wanted].sort());
    });

    for (const c of casesFor(name)) {
      const expect = expectedFor(name, c);
      const wire = expectedWire(name, c);
      const staple = c.ocsp ? (info.staples ? ', staple good' : ', no staple') : '';
      it(`${c.id}: ${c.what} -> ${expect === 'ok' ? 'works' : expect}${staple}`, () => {
        const o = outcome(c);
        const problem = contractViolation(o, expect);
        assert.equal(problem, undefined, `${problem}\nprobe ${o.run.args.join(' ')}\nserver logs:\n${stack!.logs().slice(-3000)}`);
        // A broker that cannot staple still works for a client that asks for a staple (no must-staple).
        if (c.ocsp) {
          assert.equal(o.run.result.staple?.present, info.staples, JSON.stringify(o.run.result.staple));
          if (info.staples) assert.equal(o.run.result.staple?.status, 'good');
        }
      });
      it(`${c.id}: the probe reads ${wire === 'none' ? 'no alert' : `alert ${wire}`} from the wire`, () => {
        const o = outcome(c);
        assert.equal(o.wire, wire, `alerts ${JSON.stringify(o.run.result.alerts)}`);
      });
    }
  });
}
