import { forTerminalText } from '../core/present/safeText';
import { commands } from './commands';
import { UsageError } from './usage-error';

function usage(): string {
  const names = Object.keys(commands).sort();
  return [
    'Usage: certscope <command> [options]',
    '',
    'Commands:',
    ...names.map((n) => `  ${n}`),
    '',
    'Run "certscope <command> --help" for the options of a command.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) throw new UsageError(`unknown command "${name}"\n\n${usage()}`);
  const command = await load();
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`certscope: ${forTerminalText(err.message)}\n`); // may quote file content
      process.exitCode = 2;
    } else {
      process.stderr.write(`certscope: internal error: ${forTerminalText(err instanceof Error ? err.stack ?? err.message : String(err))}\n`);
      process.exitCode = 70;
    }
  },
);
