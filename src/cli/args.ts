// The flag parser shared by the CLI commands: value flags may repeat; "--flag=value" and
// "--flag value" both work; anything unknown is a UsageError that shows the command's help.
import { UsageError } from './usage-error';

export interface ParsedArgs {
  positional: string[];
  values: Map<string, string[]>;
  bools: Set<string>;
}

export function parseArgs(argv: string[], valueFlags: readonly string[], boolFlags: readonly string[], help: string): ParsedArgs {
  const out: ParsedArgs = { positional: [], values: new Map(), bools: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (valueFlags.includes(name)) {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value\n\n${help}`);
      out.values.set(name, [...(out.values.get(name) ?? []), v]);
    } else if (boolFlags.includes(name)) {
      out.bools.add(name);
    } else if (a.startsWith('-') && a !== '-') {
      throw new UsageError(`unknown option ${a}\n\n${help}`);
    } else {
      out.positional.push(a);
    }
  }
  return out;
}
