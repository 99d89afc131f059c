// The one flag parser of the CLI: node:util parseArgs (strict, positionals allowed), with its
// errors turned into UsageErrors (exit 2, the command's help after the message, no stack).
// "--flag value" and "--flag=value" both work; a flag given twice keeps the last value unless it
// is declared `multiple`; "-" is a positional (stdin). "-h"/"--help" anywhere throws HelpRequested
// (main prints the help, exit 0), even next to otherwise bad arguments.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseDuration } from '../core/duration';
import { HelpRequested, UsageError } from './usage-error';

type Options = NonNullable<ParseArgsConfig['options']>;
const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

export interface ParsedCli<V> {
  values: V;
  positionals: string[];
}

type Config<O extends Options> = { args: string[]; options: O & typeof HELP_OPTION; allowPositionals: true; strict: true };
type Values<O extends Options> = Omit<ReturnType<typeof parseArgs<Config<O>>>['values'], 'help'>;

export function parseCli<const O extends Options>(argv: readonly string[], options: O, help: string): ParsedCli<Values<O>> {
  if (argv.includes('--help') || argv.includes('-h')) throw new HelpRequested(help);
  const config: Config<O> = { args: [...argv], options: { ...options, ...HELP_OPTION }, allowPositionals: true, strict: true };
  let r;
  try {
    r = parseArgs(config);
  } catch (err) {
    throw new UsageError(`${usageMessage(err)}\n\n${help}`);
  }
  const values = r.values as Record<string, unknown>;
  for (const [name, v] of Object.entries(values)) {
    const list = Array.isArray(v) ? v : [v];
    if (list.some((x) => x === '')) throw new UsageError(`--${name} needs a value\n\n${help}`);
  }
  delete values.help;
  return { values: values as Values<O>, positionals: r.positionals };
}

/** node's message without its advice about "--" (Certscope takes no positional starting with "-"). */
function usageMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0].replace(/\. To specify a positional argument.*$/, '').replace(/^Unknown option '(.*)'$/, 'unknown option $1');
}

/** A whole number flag value (>= min), or undefined when the flag was not given. */
export function intFlag(value: string | undefined, flag: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${flag}: "${value}" is not a whole number${max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : min ? ` >= ${min}` : ''}`);
  }
  return Number(value);
}

/** An ISO 8601 date/time flag value, or undefined when the flag was not given. */
export function dateFlag(value: string | undefined, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--${flag}: "${value}" is not a date/time (ISO 8601, e.g. 2030-01-31T12:00:00Z)`);
  return d;
}

/** A duration flag ("500ms", "15s", "5m", "1h"; a bare number is seconds) -> seconds. */
export function secondsFlag(value: string, flag: string): number {
  try {
    return parseDuration(value, flag, { positive: true, bareUnit: 's' }) / 1000;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
