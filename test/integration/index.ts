// Entry point VS Code loads inside the extension host (extensionTestsPath): runs every compiled
// *.test.js next to this file with mocha and prints the tier's closing line. The promise rejects
// when a test failed, which makes VS Code report a non-zero exit code to the runner.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  // CERTSCOPE_INTEGRATION_ONLY=<regex> runs the matching test files only (a developer's loop; CI runs all).
  const only = process.env.CERTSCOPE_INTEGRATION_ONLY ? new RegExp(process.env.CERTSCOPE_INTEGRATION_ONLY) : undefined;
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js') && (!only || only.test(f))).sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  await new Promise<void>((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const s = runner.stats ?? { passes: 0, failures, pending: 0 };
      console.log(`integration: ${s.passes} passed, ${s.failures} failed, ${s.pending} skipped`);
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
  });
}
