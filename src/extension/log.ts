// The extension's one log: a LogOutputChannel ("Certscope" in the Output view), so users can raise
// the level with "Developer: Set Log Level" and every feature logs to the same place.
import * as vscode from 'vscode';

export type Log = vscode.LogOutputChannel;

export function createLog(): Log {
  return vscode.window.createOutputChannel('Certscope', { log: true });
}

/**
 * Runs work nobody awaits (event handlers, timers): a failure is logged with what was being done,
 * never left as an unhandled rejection that loses the reason.
 */
export function inBackground(log: Log, what: string, work: Promise<unknown>): void {
  work.catch((err: unknown) => log.error(`${what} failed`, err));
}
