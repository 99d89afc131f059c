// Registers every command of the table through one wrapper that catches errors, logs them to the
// Certscope log, shows a message, and treats user cancellation as normal (no message). A failing
// command never throws into VS Code: the extension host stays healthy. Each handler runs under its
// manifest title, which every picker it opens shows (invocation.ts).
import * as vscode from 'vscode';
import type { Services } from '../services';
import { commandTable, type CommandHandler } from './table';
import { UserError } from '../errors';
import { forNotification, forTerminal } from '../../core/present/safeText';
import { commandTitles, runFor } from './invocation';

export function registerCommands(
  context: vscode.ExtensionContext,
  services: Services,
  table: Readonly<Record<string, () => Promise<CommandHandler>>> = commandTable,
): void {
  const titles = commandTitles(context.extension.packageJSON);
  for (const [id, load] of Object.entries(table)) {
    const title = titles.get(id) ?? id;
    context.subscriptions.push(
      vscode.commands.registerCommand(id, (...args: unknown[]) => runFor(title, () => runCommand(id, load, services, args))),
    );
  }
}

/** Runs one command; resolves to the handler's result, or undefined when it failed or was cancelled. */
async function runCommand(
  id: string,
  load: () => Promise<CommandHandler>,
  services: Services,
  args: unknown[],
): Promise<unknown> {
  try {
    const handler = await load();
    return await handler(services, ...args);
  } catch (err) {
    if (isCancellation(err)) {
      services.log.debug(`${id}: cancelled`);
      return undefined;
    }
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof UserError) {
      services.log.warn(`${id}: ${forTerminal(message)}`);
    } else {
      services.log.error(`${id} failed`, err);
    }
    // Not awaited: the command finishes while the notification is up.
    void vscode.window.showErrorMessage(`Certscope: ${forNotification(message)}`, 'Show Log').then((choice) => {
      if (choice) services.log.show(true);
    });
    return undefined;
  }
}

function isCancellation(err: unknown): boolean {
  return err instanceof vscode.CancellationError || (err instanceof Error && err.name === 'Canceled');
}
