// A real VS Code for the integration and e2e tiers: code-server (VS Code 1.139 in a Node 24 server)
// and Debian chromium driven by playwright-core. See DESIGN.md §4 for the measured recipe.
// Everything here has a hard timeout, and code-server runs in its own process group (setsid) that
// is killed as a whole, so a hang fails the tier instead of blocking CI.
import { execFile, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const fixtureWorkspace = join(repoRoot, 'test', 'fixtures', 'workspace');
export const resultsDir = join(repoRoot, 'test-results');
const CHROMIUM = process.env.CERTSCOPE_CHROMIUM ?? '/usr/bin/chromium';

/** Runs .ci/setup-code-server.sh (a no-op when cached) and returns how to start code-server. */
export async function ensureCodeServer() {
  const script = join(repoRoot, '.ci', 'setup-code-server.sh');
  const { stdout } = await promisify(execFile)('bash', [script], {
    timeout: 15 * 60_000,
    maxBuffer: 16 * 1024 * 1024,
  }).catch((err) => {
    throw new Error(`installing code-server failed (${script}):\n${err.stderr ?? ''}${err.message}`);
  });
  const bin = stdout.trim().split('\n').pop();
  const csRoot = resolve(dirname(bin), '..'); // .../code-server/node_modules
  const cacheRoot = resolve(csRoot, '..', '..');
  return {
    node: join(cacheRoot, 'node24', 'bin', 'node'),
    entry: join(csRoot, 'code-server', 'out', 'node', 'entry.js'),
  };
}

/** A free TCP port on 127.0.0.1 (asked from the kernel, then released). */
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/** Short temp dirs: VS Code's IPC socket paths must stay under the 107-byte limit. */
export function makeSandbox(prefix) {
  const root = mkdtempSync(join('/tmp', `${prefix}-`));
  const dirs = {
    root,
    userData: join(root, 'ud'),
    extensions: join(root, 'ext'),
    xdg: join(root, 'xdg'),
    tmp: join(root, 't'),
    browser: join(root, 'br'),
    workspace: join(root, 'ws'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  return dirs;
}

/** A copy of the fixture workspace, so VS Code state never lands in the repo. */
export function copyWorkspace(sandbox) {
  cpSync(fixtureWorkspace, sandbox.workspace, { recursive: true });
  return sandbox.workspace;
}

export function seedUserSettings(sandbox, extra = {}) {
  const dir = join(sandbox.userData, 'User');
  mkdirSync(dir, { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'chat.disableAIFeatures': true,
    'security.workspace.trust.enabled': false,
    'workbench.tips.enabled': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    // The chat side bar would take a third of every screenshot.
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    ...extra,
  };
  writeFileSync(join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
}

function codeServerEnv(cs, sandbox) {
  return {
    ...process.env,
    PATH: `${dirname(cs.node)}:${process.env.PATH}`,
    XDG_CONFIG_HOME: join(sandbox.xdg, 'config'),
    XDG_DATA_HOME: join(sandbox.xdg, 'data'),
    XDG_CACHE_HOME: join(sandbox.xdg, 'cache'),
    XDG_RUNTIME_DIR: join(sandbox.xdg, 'run'),
    TMPDIR: sandbox.tmp,
    // No extension gallery: VS Code must not look up open-vsx.org (no network beyond 127.0.0.1).
    EXTENSIONS_GALLERY: '{}',
    // The machine's npmrc and node options must not leak into VS Code's Node 24.
    NODE_OPTIONS: '',
  };
}

/** `code-server --install-extension VSIX` into the sandbox's extensions dir. */
export async function installExtension(cs, sandbox, vsix) {
  const { stdout, stderr } = await promisify(execFile)(cs.node, [
    cs.entry, '--user-data-dir', sandbox.userData, '--extensions-dir', sandbox.extensions,
    '--install-extension', vsix,
  ], { env: codeServerEnv(cs, sandbox), timeout: 120_000 });
  return `${stdout}${stderr}`;
}

/**
 * Starts code-server in a new process group on a free port and waits for /healthz.
 * Returns { port, origin, stop() }; stop() kills the whole group (SIGTERM, then SIGKILL).
 */
export async function startCodeServer(cs, sandbox, { smokeTestDriver, logFile }) {
  const port = await freePort();
  const config = join(sandbox.root, 'config.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = [
    cs.entry,
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override',
    '--user-data-dir', sandbox.userData, '--extensions-dir', sandbox.extensions, '--config', config,
  ];
  if (smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile);
  // detached: the child calls setsid(), so its pid is the id of a new process group.
  const child = spawn(cs.node, args, { env: codeServerEnv(cs, sandbox), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = false;
  const exitedPromise = new Promise((res) => child.once('exit', (code, signal) => { exited = true; res({ code, signal }); }));

  const killGroup = (signal) => {
    try { process.kill(-child.pid, signal); } catch { /* group already gone */ }
  };
  const onParentExit = () => killGroup('SIGKILL');
  process.once('exit', onParentExit);

  const stop = async () => {
    process.removeListener('exit', onParentExit);
    killGroup('SIGTERM');
    const timer = setTimeout(() => killGroup('SIGKILL'), 5_000);
    await Promise.race([exitedPromise, new Promise((r) => setTimeout(r, 8_000))]);
    clearTimeout(timer);
    killGroup('SIGKILL'); // stragglers (extension host, watchers) in the same group
    log.end();
  };

  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`code-server exited before it was ready; see ${logFile}`);
    }
    try {
      const res = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer /healthz within 90 s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { port, origin, stop };
}

/** Headless Debian chromium through playwright-core, with a fresh profile. */
export async function launchChromium(sandbox) {
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(sandbox.browser, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    timeout: 60_000,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
    ],
  });
}

export function removeSandbox(sandbox) {
  rmSync(sandbox.root, { recursive: true, force: true, maxRetries: 3 });
}

/** Rejects after `ms` with `message`: every wait in the tiers is bounded. */
export function deadline(ms, message) {
  let timer;
  const promise = new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(message)), ms); });
  promise.cancel = () => clearTimeout(timer);
  return promise;
}
