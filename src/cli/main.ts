import { forTerminalText } from '../core/present/safeText';
import { commands } from './commands';
import { UsageError } from './usage-error';
import { describeFailure } from './failure';

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
    const f = describeFailure(err);
    if (f.stdout) process.stdout.write(`${f.message}\n`);
    else process.stderr.write(`certscope: ${forTerminalText(f.message)}\n`); // messages may quote file content
    process.exitCode = f.exitCode;
  },
);
