// The extension's command table: command id -> lazy loader of its handler. One line per command.
// Loading lazily keeps activation cheap (a command's module, and the core it pulls in, is
// evaluated on first use). This file must not import `vscode` at runtime: a unit test imports it
// in plain Node to check it matches package.json `contributes.commands` exactly.
import type { Services } from '../services';

/** A command handler. `args` are what VS Code passes (e.g. the clicked Uri and the selection). */
export type CommandHandler = (services: Services, ...args: unknown[]) => Promise<unknown>;

export const commandTable: Readonly<Record<string, () => Promise<CommandHandler>>> = {
  'certscope.inspect.open': async () => (await import('./inspect')).inspectCommand,
};
