// Integration tier: runs the mocha suites of test/integration INSIDE the real VS Code extension
// host, on code-server (DESIGN.md §4). Expects `npm run build` to have produced dist/extension.js.
// Steps: ensure code-server is cached -> compile the suites -> start code-server with the smoke-test
// driver -> open the test payload in headless chromium -> stream the host's log -> exit with the
// tests' exit code. Always ends with the closing line "integration: N passed, N failed, N skipped".
import { join } from 'node:path';
import { format } from 'node:util';
import {
  copyWorkspace, deadline, ensureCodeServer, freePort, launchChromium, makeSandbox, removeSandbox, repoRoot, resultsDir,
  seedUserSettings, startCodeServer,
} from './code-server.mjs';
import { rmSync } from 'node:fs';
import { buildSuites } from './build.mjs';

const TOTAL_TIMEOUT_MS = Number(process.env.CERTSCOPE_INTEGRATION_TIMEOUT_MS ?? 6 * 60_000);
const CLOSING = /^integration: \d+ passed, \d+ failed.*$/m;
// Workbench chatter that says nothing about our tests (shown with CERTSCOPE_DEBUG=1).
const NOISE = /^(Ignoring fetching additional builtin extensions|Updating additional builtin extensions cache|\[AccountPolicyGate\]|\[AgentHost|\[Service Worker\]|Resolving connection token|Resolved connection token|Creating a socket|\[reconnection-grace-time\]|Timed out waiting for authentication provider)/;

async function main() {
  const t0 = Date.now();
  const cs = await ensureCodeServer();
  // A folder per run, so two runs (two developers' terminals, CI) never rebuild under each other.
  const suitesDir = join(repoRoot, 'out', `integration-run-${process.pid}`);
  const testsIndex = await buildSuites(suitesDir);
  const sandbox = makeSandbox('csi');
  const workspace = copyWorkspace(sandbox);
  // New CAs put http://127.0.0.1:<this port>/<folder>.crl into their certificates: a free one, not 8089.
  seedUserSettings(sandbox, { 'certscope.ca.crlServerPort': await freePort() });
  const logFile = join(resultsDir, 'code-server-integration.log');
  let server;
  let browser;
  let closingLine;
  try {
    server = await startCodeServer(cs, sandbox, { smokeTestDriver: true, logFile });
    console.log(`integration: code-server ready on ${server.origin} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    browser = await launchChromium(sandbox);
    const page = browser.pages()[0] ?? (await browser.newPage());

    let exit;
    const exited = new Promise((res) => { exit = res; });
    const seen = new Set();
    const print = (line) => {
      const text = String(line);
      const m = CLOSING.exec(text);
      if (m) closingLine = m[0];
      // The same line can arrive through codeAutomationLog and the console; print it once.
      if (seen.has(text) && m) return;
      seen.add(text);
      if (NOISE.test(text) && !process.env.CERTSCOPE_DEBUG) return;
      console.log(text);
    };
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      // The host forwards console calls as (format, ...args), like console.log itself.
      print(Array.isArray(args) ? format(...args) : String(type));
    });
    await page.exposeFunction('codeAutomationExit', (code) => exit(Number(code)));
    page.on('console', (msg) => {
      const text = msg.text();
      if (CLOSING.test(text)) print(text);
      else if (process.env.CERTSCOPE_DEBUG) console.log(`[browser] ${text}`);
    });
    page.on('pageerror', (err) => console.log(`[browser error] ${err.message}`));

    const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(repoRoot)],
      ['extensionTestsPath', remote(testsIndex)],
    ]);
    const url = `${server.origin}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`;
    await page.goto(url, { timeout: 60_000 });

    const timeout = deadline(TOTAL_TIMEOUT_MS, `integration tests did not finish within ${TOTAL_TIMEOUT_MS / 1000} s`);
    let code;
    try {
      code = await Promise.race([exited, timeout]);
    } finally {
      timeout.cancel();
    }
    if (!closingLine) {
      console.log('integration: the extension host reported no test results');
      code = code || 1;
    }
    return code;
  } catch (err) {
    console.error(`integration: ${err.stack ?? err}`);
    return 1;
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop();
    removeSandbox(sandbox);
    rmSync(suitesDir, { recursive: true, force: true });
    console.log(`integration: tier took ${((Date.now() - t0) / 1000).toFixed(1)} s; code-server log: ${logFile}`);
    // The plain closing line is the last line of the tier.
    console.log(closingLine ?? 'integration: 0 passed, 1 failed');
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`integration: ${err.stack ?? err}`);
    process.exit(1);
  },
);
