// The CLI's one flag parser (node:util parseArgs behind parseCli): every parse error is a
// UsageError (exit 2) carrying the command's help, --help is HelpRequested (exit 0), and the
// conventions the commands rely on hold ("--flag=value", "-" as stdin, repeatable flags).
import assert from 'node:assert/strict';
import { dateFlag, intFlag, parseCli } from '../../../src/cli/args';
import { describeFailure } from '../../../src/cli/failure';
import { HelpRequested, UsageError } from '../../../src/cli/usage-error';

const HELP = 'Usage: certscope test [--name N] [--tag T]... [--json]';
const OPTS = { name: { type: 'string' }, tag: { type: 'string', multiple: true }, json: { type: 'boolean' } } as const;
const parse = (...argv: string[]) => parseCli(argv, OPTS, HELP);

describe('cli/args: parseCli', () => {
  it('reads values, repeatable flags, booleans and positionals ("-" is stdin)', () => {
    const p = parse('a', '--name', 'x', '--tag=1', '--tag', '2', '--json', '-', '--name=y');
    assert.deepEqual(p.positionals, ['a', '-']);
    assert.equal(p.values.name, 'y', 'the last value wins');
    assert.deepEqual(p.values.tag, ['1', '2']);
    assert.equal(p.values.json, true);
  });

  for (const [argv, message] of [
    [['--bogus'], /^unknown option --bogus\n\nUsage: certscope test/],
    [['--name'], /^Option '--name <value>' argument missing\n\nUsage:/],
    [['--name', '--json'], /^Option '--name' argument is ambiguous\.\n\nUsage:/],
    [['--name='], /^--name needs a value\n\nUsage:/],
    [['--tag', 'a', '--tag='], /^--tag needs a value/],
    [['--json=yes'], /^Option '--json' does not take an argument/],
    [['-x'], /^unknown option -x/],
  ] as Array<[string[], RegExp]>) {
    it(`${JSON.stringify(argv)} is a UsageError with the help (exit 2, no stack)`, () => {
      assert.throws(() => parse(...argv), (e: unknown) => e instanceof UsageError && message.test(e.message));
      let err: unknown;
      try { parse(...argv); } catch (e) { err = e; }
      const f = describeFailure(err);
      assert.equal(f.exitCode, 2);
      assert.doesNotMatch(f.message, /^\s+at /m);
    });
  }

  it('-h and --help anywhere are HelpRequested (printed on stdout, exit 0), even beside a bad flag', () => {
    for (const argv of [['--help'], ['x', '-h'], ['--bogus', '--help']]) {
      assert.throws(() => parse(...argv), (e: unknown) => e instanceof HelpRequested && e.text === HELP);
    }
    assert.deepEqual(describeFailure(new HelpRequested(HELP)), { message: HELP, exitCode: 0, stdout: true });
  });

  it('intFlag and dateFlag name the flag and the bad value', () => {
    assert.equal(intFlag(undefined, 'days'), undefined);
    assert.equal(intFlag('30', 'days', 1), 30);
    assert.throws(() => intFlag('0', 'days', 1), /--days: "0" is not a whole number >= 1$/);
    assert.throws(() => intFlag('1e3', 'days'), /--days: "1e3" is not a whole number/);
    assert.throws(() => intFlag('65536', 'port', 0, 65535), /--port: "65536" is not a whole number from 0 to 65535/);
    assert.equal(dateFlag('2030-01-01T00:00:00Z', 'at')?.toISOString(), '2030-01-01T00:00:00.000Z');
    assert.throws(() => dateFlag('soon', 'at'), /--at: "soon" is not a date\/time/);
  });

  it('describeFailure: input errors exit 2, refusals and disk errors exit 1 naming the file, bugs exit 70 with the stack', () => {
    const named = (name: string, message: string) => Object.assign(new Error(message), { name });
    assert.equal(describeFailure(named('CaError', 'name ".." cannot be a folder name')).exitCode, 2);
    assert.equal(describeFailure(named('CaError', 'serial 01 is already revoked (keyCompromise)')).exitCode, 1);
    const enospc = Object.assign(new Error('ENOSPC'), { code: 'ENOSPC', syscall: 'write', path: '/ca/issued/x/.key.pem.123.0a1b2c3d.tmp' });
    assert.deepEqual(describeFailure(enospc), { message: 'cannot write /ca/issued/x/key.pem: no space left on the device (ENOSPC)', exitCode: 1 });
    const bug = describeFailure(new TypeError('x is undefined'));
    assert.equal(bug.exitCode, 70);
    assert.match(bug.message, /^internal error: TypeError: x is undefined\n\s+at /);
  });
});
