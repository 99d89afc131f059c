// The integration suites in a desktop VS Code, through @vscode/test-electron, for machines that can
// download VS Code (this project's CI machines cannot: they use run-code-server.mjs instead).
// `npm run test:desktop` builds first. CERTSCOPE_VSCODE_VERSION picks the version (default: the
// oldest one package.json `engines.vscode` allows, so the minimum is what gets tested).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { buildSuites } from './build.mjs';
import { copyWorkspace, makeSandbox, removeSandbox, repoRoot, seedUserSettings } from './code-server.mjs';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const version = process.env.CERTSCOPE_VSCODE_VERSION ?? manifest.engines.vscode.replace(/^\^/, '');

async function main() {
  const testsIndex = await buildSuites();
  const sandbox = makeSandbox('csd');
  const workspace = copyWorkspace(sandbox);
  seedUserSettings(sandbox);
  try {
    return await runTests({
      version,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: testsIndex,
      launchArgs: [
        workspace,
        '--user-data-dir', sandbox.userData,
        '--extensions-dir', sandbox.extensions,
        '--disable-extensions', // other installed extensions stay out of the test
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
      ],
    });
  } finally {
    removeSandbox(sandbox);
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    // The suites print the closing line themselves; this one covers a VS Code that never started
    // (e.g. no network to download it).
    console.error(`integration (desktop): ${err?.message ?? err}`);
    console.log('integration: 0 passed, 1 failed');
    process.exit(1);
  },
);
