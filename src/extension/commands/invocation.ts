// Which command the running code serves. The registry runs every handler inside runFor(); a picker
// opened anywhere below it (pickCa, the broker plan, one command calling another's function)
// titles itself with pickerTitle(), so it names the command the user chose: Export's CA picker
// says "Export Broker Configuration", a Restart says Restart. AsyncLocalStorage carries the title
// across awaits without threading it through every signature. Imports no `vscode`.
import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<string>();

export function runFor<T>(title: string, fn: () => Promise<T>): Promise<T> {
  return current.run(title, fn);
}

/** "Certscope: <title of the invoking command>"; "Certscope" outside any command. */
export function pickerTitle(): string {
  return current.getStore() ?? 'Certscope';
}

/** Command id -> "Category: Title" from the extension's package.json (a trailing "..." dropped). */
export function commandTitles(packageJson: unknown): Map<string, string> {
  const commands = (packageJson as { contributes?: { commands?: Array<{ command: string; title: string; category?: string }> } })?.contributes?.commands ?? [];
  return new Map(commands.map((c) => [c.command, `${c.category ? `${c.category}: ` : ''}${c.title.replace(/(\.\.\.|…)$/, '')}`]));
}
