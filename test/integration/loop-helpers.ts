// Helpers shared by the CA and broker suites (not a suite itself: no *.test.ts name).
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as net from 'node:net';
import * as vscode from 'vscode';
import type { TestPanelHost } from '../../src/extension/panel/testPanel';
import type { HostMessage } from '../../src/webview/protocol';

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the fixture workspace is not open');
  return folder.uri.fsPath;
}

/** Runs a program; resolves with its exit code and output (never rejects). */
export function run(cmd: string, args: string[], input?: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { timeout: 20_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}${stderr}` });
    });
    // A program that exits without reading stdin (openssl verify) makes the write fail with EPIPE:
    // that is not a test failure, the exit code and output are.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}

type Stubbed = 'showErrorMessage' | 'showWarningMessage' | 'showInformationMessage' | 'showQuickPick' | 'showInputBox' | 'showOpenDialog' | 'withProgress';

/**
 * Replaces window functions while `action` runs (tests load in the extension's own API instance,
 * so the extension sees the replacement). Records every call's first argument.
 */
export async function withWindowStubs<T>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each stub takes its own window function's parameters
  stubs: Partial<Record<Stubbed, (...args: any[]) => unknown>>, action: () => Thenable<T>,
): Promise<{ result: T; calls: Record<string, unknown[]> }> {
  const w = vscode.window as unknown as Record<string, unknown>;
  const saved: Record<string, unknown> = {};
  const calls: Record<string, unknown[]> = {};
  for (const [name, fn] of Object.entries(stubs)) {
    saved[name] = w[name];
    calls[name] = [];
    w[name] = (...args: unknown[]) => {
      calls[name].push(args[0]);
      return Promise.resolve(fn!(...args));
    };
  }
  try {
    return { result: await action(), calls };
  } finally {
    for (const [name, fn] of Object.entries(saved)) w[name] = fn;
  }
}

/** Silences information toasts and records errors while a command runs. */
export async function quietly<T>(command: string, ...args: unknown[]): Promise<{ result: T; errors: string[] }> {
  const { result, calls } = await withWindowStubs(
    { showInformationMessage: () => undefined, showErrorMessage: () => undefined, showWarningMessage: () => undefined },
    () => vscode.commands.executeCommand<T>(command, ...args),
  );
  return { result, errors: [...(calls.showErrorMessage as string[]), ...(calls.showWarningMessage as string[])] };
}

/** Polls `probe` until it returns a value; fails naming `what` after `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A node of the Local Broker view as certscope.broker.status returns it. */
export interface BrokerNode { id: string; label: string; description?: string; tooltip?: string; children?: BrokerNode[] }

export async function brokerStatus(): Promise<BrokerNode[]> {
  return vscode.commands.executeCommand<BrokerNode[]>('certscope.broker.status');
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}
/** after() of a suite that ran the local broker or responder: stops them, removes its folder. */
export async function stopServersAndRemove(dir: string): Promise<void> {
  await quietly('certscope.broker.stop');
  await quietly('certscope.ocsp.stop');
  rmSync(dir, { recursive: true, force: true });
}

/** Subscribes to what the panel host posts, then runs `action`; resolves with the first matching message. */
export async function nextPost(host: TestPanelHost, accept: (m: HostMessage) => boolean, action: () => unknown, timeoutMs = 20_000): Promise<HostMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { sub.dispose(); reject(new Error('the panel posted no matching message')); }, timeoutMs);
    const sub = host.onDidPost((m) => {
      if (!accept(m)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(m);
    });
    void Promise.resolve(action()).catch((err: unknown) => { clearTimeout(timer); sub.dispose(); reject(err as Error); });
  });
}

/** The prefill a (possibly new) panel applies: what it posts when the webview says `ready`. */
export async function prefillAfterReady(host: TestPanelHost): Promise<Extract<HostMessage, { type: 'prefill' }>> {
  return (await nextPost(host, (m) => m.type === 'prefill', () => host.receive({ type: 'ready' }))) as Extract<HostMessage, { type: 'prefill' }>;
}
