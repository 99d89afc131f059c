// Every CLI subcommand over bad arguments (issue 10 §5): each ends with a specific message and
// exit 2 (bad input) or 1 (the operation failed: disk full, permission denied, a refusal), never
// "internal error" or a stack trace. The table must cover every command in src/cli/commands.ts
// and every subcommand `ca --help` and `ocsp --help` list: a new command fails this test until it
// has rows here.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commands } from '../../../src/cli/commands';
import { makeTempDir } from '../../support/tmp';
import { run, type RunResult } from '../../support/run';

const ROOT = join(__dirname, '../../..');
const MAIN = join(ROOT, 'src/cli/main.ts');
const FAIL_WRITES = join(ROOT, 'test/support/fail-writes.ts');

function cli(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  const preload = env.CERTSCOPE_TEST_FAIL_WRITE ? ['--import', FAIL_WRITES] : [];
  return run(process.execPath, ['--import', 'tsx', ...preload, MAIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, cwd: ROOT });
}

/** A stack frame line ("    at fn (file:1:2)") or the internal-error banner. */
const STACK = /^\s+at .+[:(]\d+:\d+\)?$|internal error/m;

interface Row { args: string[]; code: number; message: RegExp; env?: Record<string, string> }

describe('every CLI subcommand over bad arguments: specific message, exit 1 or 2, no stack trace', function () {
  this.timeout(240_000);
  const tmp = makeTempDir();
  after(() => tmp.cleanup());
  const ca = join(tmp.dir, 'ca');
  const missing = join(tmp.dir, 'missing');
  const garbage = join(tmp.dir, 'garbage.pem');
  const corrupt = join(tmp.dir, 'corrupt');
  let cert = '';
  let serial = '';

  before(async () => {
    const init = await cli(['ca', 'init', ca, '--subject', '/CN=Bad Args CA']);
    assert.equal(init.code, 0, init.stderr);
    const issued = await cli(['ca', 'issue', ca, '--profile', 'server', '--name', 'srv', '--dns', 'localhost', '--json']);
    assert.equal(issued.code, 0, issued.stderr);
    const j = JSON.parse(issued.stdout) as { serialHex: string; paths: { cert: string } };
    cert = j.paths.cert;
    serial = j.serialHex;
    writeFileSync(garbage, '-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n');
    mkdirSync(corrupt);
    writeFileSync(join(corrupt, 'index.txt'), 'V\tnot-a-date\t\t01\tunknown\t/CN=x\n');
    writeFileSync(join(corrupt, 'ca.crt'), (await import('node:fs')).readFileSync(join(ca, 'ca.crt')));
  });

  const rows = (): Record<string, Row[]> => ({
    '': [
      { args: [], code: 2, message: /^$/ }, // usage on stdout
      { args: ['nope'], code: 2, message: /unknown command "nope"/ },
    ],
    'ca': [
      { args: ['ca', 'frob'], code: 2, message: /unknown ca subcommand "frob"/ },
      { args: ['ca', 'issue', ca, '--bogus'], code: 2, message: /unknown option --bogus/ },
    ],
    'ca check': [
      { args: ['ca', 'check'], code: 2, message: /ca check: give the CA directory/ },
      { args: ['ca', 'check', ca], code: 2, message: /--broker emqx5\|emqx4\|mosquitto is required/ },
      { args: ['ca', 'check', ca, '--broker', 'hivemq'], code: 2, message: /--broker: "hivemq" is not one of/ },
      { args: ['ca', 'check', join(tmp.dir, 'missing-ca'), '--broker', 'emqx5'], code: 2, message: /no such directory/ },
      { args: ['ca', 'check', ca, ca, '--broker', 'emqx5'], code: 2, message: /one CA directory, got 2/ },
    ],
    'ca init': [
      { args: ['ca', 'init'], code: 2, message: /ca init: give the CA directory/ },
      { args: ['ca', 'init', join(tmp.dir, 'n1')], code: 2, message: /--subject is required/ },
      { args: ['ca', 'init', join(tmp.dir, 'n2'), '--subject', 'no equals sign'], code: 2, message: /"no equals sign" is not TYPE=value/ },
      { args: ['ca', 'init', join(tmp.dir, 'n3'), '--subject', '/C=Germany/CN=x'], code: 2, message: /country must be two letters/ },
      { args: ['ca', 'init', join(tmp.dir, 'n4'), '--subject', '/CN=x', '--key', 'secp999'], code: 2, message: /--key: "secp999" is not one of/ },
      { args: ['ca', 'init', join(tmp.dir, 'n5'), '--subject', '/CN=x', '--days', 'ten'], code: 2, message: /--days: "ten" is not a whole number/ },
      { args: ['ca', 'init', join(tmp.dir, 'n6'), '--subject', '/CN=x', '--days', '-5'], code: 2, message: /argument is ambiguous/ },
      { args: ['ca', 'init', join(tmp.dir, 'n7'), '--subject'], code: 2, message: /'--subject <value>' argument missing/ },
      { args: ['ca', 'init', ca, '--subject', '/CN=again'], code: 2, message: /already contains a CA/ },
      { args: ['ca', 'init', join(tmp.dir, 'n8'), '--subject', '/CN=x', '--parent', missing], code: 2, message: /does not exist/ },
    ],
    'ca issue': [
      { args: ['ca', 'issue', ca], code: 2, message: /--profile server\|client\|ocsp\|ca is required/ },
      { args: ['ca', 'issue', ca, '--profile', 'server', '--name', 'ip', '--ip', '999.1.1.1'], code: 2, message: /--ip: "999\.1\.1\.1" is not an IPv4 or IPv6 address/ },
      { args: ['ca', 'issue', ca, '--profile', 'server', '--name', 'ip6', '--ip', '1:2:3'], code: 2, message: /--ip: "1:2:3" is not an IPv4 or IPv6 address/ },
      { args: ['ca', 'issue', ca, '--profile', 'client', '--name', '../escape'], code: 2, message: /name "\.\.\/escape" cannot be a folder name/ },
      { args: ['ca', 'issue', ca, '--profile', 'client', '--name', '..'], code: 2, message: /name "\.\." cannot be a folder name/ },
      { args: ['ca', 'issue', ca, '--profile', 'client', '--name', 'srv'], code: 2, message: /issued\/srv already exists \(it holds an earlier certificate and its key\)/ },
      { args: ['ca', 'issue', ca, '--profile', 'client', '--name', 'k', '--key', 'brainpool'], code: 2, message: /--key: "brainpool" is not one of/ },
      { args: ['ca', 'issue', ca, '--profile', 'client', '--csr', garbage], code: 2, message: /--csr: .*garbage\.pem/ },
      { args: ['ca', 'issue', ca, '--profile', 'client', '--csr', missing], code: 2, message: /--csr: .*missing: no such file/ },
      { args: ['ca', 'issue', ca, '--profile', 'server', '--name', 'b', '--broker', 'hivemq', '--out', tmp.dir], code: 2, message: /--broker: "hivemq" is not emqx or mosquitto/ },
      { args: ['ca', 'issue', missing, '--profile', 'client', '--name', 'x'], code: 2, message: /does not exist/ },
      { args: ['ca', 'issue', ca, '--profile', 'server', '--name', 'emqx', '--broker', 'emqx', '--out', join(ca, 'issued', 'srv')], code: 2, message: /issued\/srv\/key\.pem already exists: choose an empty folder for the emqx files/ },
      { args: ['ca', 'issue', ca, '--profile', 'client', '--name', 'full'], code: 1, message: /cannot write .*: no space left on the device \(ENOSPC\)/, env: { CERTSCOPE_TEST_FAIL_WRITE: '2:ENOSPC' } },
      { args: ['ca', 'issue', ca, '--profile', 'client', '--name', 'denied'], code: 1, message: /cannot write .*: permission denied \(EACCES\)/, env: { CERTSCOPE_TEST_FAIL_WRITE: '3:EACCES' } },
    ],
    'ca revoke': [
      { args: ['ca', 'revoke', ca], code: 2, message: /give a serial \(hex\) or a certificate file/ },
      { args: ['ca', 'revoke', ca, 'zz-not-hex'], code: 2, message: /neither a certificate file nor a hex serial/ },
      { args: ['ca', 'revoke', ca, 'ABCDEF0123'], code: 2, message: /serial ab:cd:ef:01:23 is not in/ },
      { args: ['ca', 'revoke', ca, serial, '--reason', 'boredom'], code: 2, message: /--reason: "boredom" is not one of/ },
      { args: ['ca', 'revoke', ca, serial, '--date', 'someday'], code: 2, message: /--date: "someday" is not a date\/time/ },
      { args: ['ca', 'revoke', ca, serial, '--date', '+020000-01-01T00:00:00Z'], code: 2, message: /revocation date must be between 1950-01-01 and 9999-12-31/ },
      { args: ['ca', 'revoke', ca, garbage], code: 2, message: /garbage\.pem is not a certificate/ },
    ],
    'ca unrevoke': [
      { args: ['ca', 'unrevoke', ca], code: 2, message: /give a serial \(hex\) or a certificate file/ },
      { args: ['ca', 'unrevoke', ca, serial], code: 1, message: /is not revoked/ },
    ],
    'ca crl': [
      { args: ['ca', 'crl', ca, '--hours', '0'], code: 2, message: /--hours: "0" is not a whole number >= 1/ },
      { args: ['ca', 'crl', ca, '--serve', '--port', '70000'], code: 2, message: /--port: "70000" is not a whole number from 0 to 65535/ },
      { args: ['ca', 'crl', missing], code: 2, message: /does not exist/ },
    ],
    'ca list': [
      { args: ['ca', 'list'], code: 2, message: /ca list: give the CA directory/ },
      { args: ['ca', 'list', corrupt], code: 2, message: /index\.txt line 1: bad expiry time "not-a-date"/ },
    ],
    'verify': [
      { args: ['verify'], code: 2, message: /give exactly one certificate file/ },
      { args: ['verify', missing], code: 2, message: /missing/ },
      { args: ['verify', garbage], code: 2, message: /garbage\.pem: not a valid certificate/ },
      { args: ['verify', cert, '--purpose', 'anything'], code: 2, message: /--purpose: serverAuth or clientAuth/ },
      { args: ['verify', cert, '--at', 'tomorrow'], code: 2, message: /--at: "tomorrow" is not a date\/time/ },
      { args: ['verify', cert, '--crl-check', 'some'], code: 2, message: /--crl-check: leaf or all/ },
      { args: ['verify', cert, '--timeout', 'forever'], code: 2, message: /--timeout: "forever" is not a duration/ },
      { args: ['verify', cert, '--ca', garbage], code: 2, message: /--ca .*garbage\.pem: not a valid certificate/ },
    ],
    'inspect': [
      { args: ['inspect'], code: 2, message: /inspect: no FILE given/ },
      { args: ['inspect', cert, '--at', 'noon'], code: 2, message: /--at: "noon" is not a date\/time/ },
      { args: ['inspect', missing], code: 2, message: /missing: no such file/ },
      { args: ['inspect', garbage], code: 2, message: /garbage\.pem: block 1 \(CERTIFICATE\)/ },
      { args: ['inspect', tmp.dir], code: 2, message: /is a directory/ },
    ],
    'probe': [
      { args: ['probe'], code: 2, message: /probe: give exactly one URL/ },
      { args: ['probe', 'gopher://example'], code: 2, message: /gopher/ },
      { args: ['probe', 'mqtts://127.0.0.1:1', '--tls', '1.4'], code: 2, message: /--tls: "1\.4" must be 1\.2 or 1\.3/ },
      { args: ['probe', 'mqtts://127.0.0.1:1', '--mqtt', '4'], code: 2, message: /--mqtt: "4" must be 3\.1\.1 or 5/ },
      { args: ['probe', 'mqtts://127.0.0.1:1', '--timeout', '0'], code: 2, message: /--timeout: "0" is not a number of seconds/ },
      { args: ['probe', 'mqtts://127.0.0.1:1', '--ca', missing], code: 2, message: /--ca: cannot read .*missing/ },
      { args: ['probe', 'mqtts://127.0.0.1:1', '--cert', cert, '--key', join(ca, 'issued/srv/key.pem'), '--crl', garbage], code: 2, message: /--crl/ },
    ],
    'ocsp': [
      { args: ['ocsp', 'frob'], code: 2, message: /unknown ocsp subcommand "frob"/ },
    ],
    'ocsp serve': [
      { args: ['ocsp', 'serve'], code: 2, message: /ocsp serve needs --ca DIR/ },
      { args: ['ocsp', 'serve', '--ca', missing], code: 2, message: /does not exist/ },
      { args: ['ocsp', 'serve', '--ca', ca, '--port', '99999'], code: 2, message: /--port: "99999" is not a port number/ },
      { args: ['ocsp', 'serve', '--ca', ca, '--validity', 'long'], code: 2, message: /validity/ },
      { args: ['ocsp', 'serve', '--ca', ca, '--responder-cert', cert], code: 2, message: /--responder-cert and --responder-key go together/ },
    ],
    'ocsp check': [
      { args: ['ocsp', 'check'], code: 2, message: /ocsp check needs exactly one certificate file/ },
      { args: ['ocsp', 'check', cert], code: 2, message: /needs --issuer FILE/ },
      { args: ['ocsp', 'check', missing, '--issuer', cert], code: 2, message: /cannot read certificate .*missing: ENOENT/ },
      { args: ['ocsp', 'check', cert, '--issuer', join(ca, 'ca.crt'), '--timeout', 'soon'], code: 2, message: /timeout/ },
    ],
    'broker': [
      { args: ['broker', 'extra'], code: 2, message: /unexpected argument "extra"/ },
      { args: ['broker', '--config', missing], code: 2, message: /--config .*missing: file not found/ },
      { args: ['broker', '--config', garbage], code: 2, message: /--config .*garbage\.pem/ },
      { args: ['broker', '--cert', missing, '--key', missing, '--port', '0', '--no-verify'], code: 2, message: /certfile .*missing: file not found/ },
      { args: ['broker', '--frobnicate'], code: 2, message: /unknown option --frobnicate/ },
    ],
    'scan': [
      { args: ['scan'], code: 2, message: /no DIR given/ },
      { args: ['scan', missing], code: 2, message: /missing: not a directory/ },
      { args: ['scan', garbage], code: 2, message: /garbage\.pem: not a directory/ },
      { args: ['scan', tmp.dir, '--at', 'noon'], code: 2, message: /--at: "noon" is not a date\/time/ },
      { args: ['scan', tmp.dir, '--expiring-days', 'soon'], code: 2, message: /--expiring-days: "soon" is not a whole number/ },
      { args: ['scan', tmp.dir, tmp.dir], code: 2, message: /scan: give one DIR/ },
      { args: ['scan', tmp.dir, '--bogus'], code: 2, message: /unknown option --bogus/ },
      { args: ['verify', cert, '--workspace', missing], code: 2, message: /missing: not a directory/ },
      { args: ['verify', missing, '--workspace', tmp.dir], code: 2, message: /missing: / },
      { args: ['verify', garbage, '--workspace', tmp.dir], code: 2, message: /garbage\.pem: no certificate found/ },
    ],
    'demo': [
      { args: ['demo', '--bogus'], code: 2, message: /unknown option --bogus/ },
      { args: ['demo', 'extra'], code: 2, message: /demo: unexpected argument "extra"/ },
    ],
  });

  /** What this CLI has: '' (no command), its commands and the ca/ocsp subcommands their help lists. */
  const available = new Set<string>(['']);
  before(async () => {
    for (const name of Object.keys(commands)) available.add(name);
    for (const parent of ['ca', 'ocsp']) {
      const help = (await cli([parent, '--help'])).stdout;
      for (const m of help.matchAll(new RegExp(`certscope ${parent} (\\w+)`, 'g'))) available.add(`${parent} ${m[1]}`);
    }
  });

  it('the table covers every command and every ca/ocsp subcommand', () => {
    const table = rows();
    assert.ok([...available].some((k) => k.startsWith('ca ')) && [...available].some((k) => k.startsWith('ocsp ')), 'no subcommands found in the help');
    for (const name of available) assert.ok(table[name]?.length, `no bad-argument rows for "certscope ${name}"`);
  });

  it('every row: the expected exit code and message, no stack trace', async () => {
    const all = Object.entries(rows()).filter(([k]) => available.has(k)).flatMap(([, r]) => r);
    const failures: string[] = [];
    // Four processes at a time: the rows are independent (none changes the CA it reads).
    for (let i = 0; i < all.length; i += 4) {
      await Promise.all(all.slice(i, i + 4).map(async (row) => {
        const r = await cli(row.args, row.env);
        const where = `certscope ${row.args.join(' ')}`;
        if (r.code !== row.code) failures.push(`${where}: exit ${r.code}, expected ${row.code}\n${r.stderr}`);
        else if (!row.message.test(r.stderr)) failures.push(`${where}: stderr does not match ${row.message}:\n${r.stderr}`);
        if (STACK.test(r.stderr) || STACK.test(r.stdout)) failures.push(`${where}: stack trace / internal error:\n${r.stderr}`);
      }));
    }
    assert.deepEqual(failures, []);
  });
});
