// Mocha's spec reporter plus the plain closing line CI reads: "<tier>: N passed, N failed, N skipped".
'use strict';
const Mocha = require('mocha');
const { EVENT_RUN_END } = Mocha.Runner.constants;

class ClosingLineReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const tier = (options.reporterOptions && options.reporterOptions.tier) || process.env.CERTSCOPE_TIER || 'tests';
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats || {};
      const line = `${tier}: ${s.passes || 0} passed, ${s.failures || 0} failed, ${s.pending || 0} skipped`;
      // Printed after the spec summary so it is the last line of the tier.
      process.stdout.write(`\n${line}\n`);
    });
  }
}
module.exports = ClosingLineReporter;
