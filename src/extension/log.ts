// The extension's one log: a LogOutputChannel ("Certscope" in the Output view), so users can raise
// the level with "Developer: Set Log Level" and every feature logs to the same place.
import * as vscode from 'vscode';

export type Log = vscode.LogOutputChannel;

export function createLog(): Log {
  return vscode.window.createOutputChannel('Certscope', { log: true });
}
