// `certscope inspect FILE... [--json] [--at TIME] [--password P]`: decodes certificates, CRLs,
// OCSP messages, CSRs, keys, PKCS#7 and PKCS#12 files and prints them readably or as JSON.
// Exit 0 when everything decoded, 2 when any input was bad (each problem on stderr, naming the
// file, block, line and what is wrong).
import { readFileSync } from 'node:fs';
import { decodeBytes, readFileForDecoding } from '../core/decode/index';
import { toJsonData } from '../core/present/json';
import { renderText } from '../core/present/text';
import { describeProblem } from '../core/present/problem';
import { forTerminal, jsonForTerminal } from '../core/present/safeText';
import type { CliCommand } from './commands';
import { UsageError } from './usage-error';

const HELP = `Usage: certscope inspect FILE... [--json] [--at TIME] [--password P]

Decodes PEM (also embedded in YAML, JSON, .conf, .env or source files) and DER files:
certificates, CRLs, OCSP requests/responses, CSRs, keys (metadata only), PKCS#7 and PKCS#12.

Options:
  --json          stable JSON instead of text (dates ISO 8601, bytes hex)
  --at TIME       evaluate validity and CRL freshness at TIME (ISO 8601, e.g. 2030-01-01T00:00:00Z)
  --password P    password for PKCS#12 files and encrypted private keys
  -h, --help      this help

Exit status: 0 all inputs decoded, 2 bad input (message names file, block and line).`;

interface Args { files: string[]; json: boolean; at: Date; password?: string }

function parseArgs(argv: string[]): Args | 'help' {
  const args: Args = { files: [], json: false, at: new Date() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`inspect: ${a} needs a value`);
      return v;
    };
    if (a === '-h' || a === '--help') return 'help';
    else if (a === '--json') args.json = true;
    else if (a === '--at') {
      const v = value();
      const d = new Date(v);
      if (Number.isNaN(d.getTime())) throw new UsageError(`inspect: --at: not a date/time: ${JSON.stringify(v)} (use ISO 8601, e.g. 2030-01-01T00:00:00Z)`);
      args.at = d;
    } else if (a === '--password') args.password = value();
    else if (a.startsWith('--at=')) { const d = new Date(a.slice(5)); if (Number.isNaN(d.getTime())) throw new UsageError(`inspect: --at: not a date/time: ${JSON.stringify(a.slice(5))}`); args.at = d; }
    else if (a.startsWith('--password=')) args.password = a.slice(11);
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`inspect: unknown option ${a}\n\n${HELP}`);
    else args.files.push(a);
  }
  if (args.files.length === 0) throw new UsageError(`inspect: no FILE given\n\n${HELP}`);
  return args;
}

/** "ca.pem: block 2 (CERTIFICATE), line 31: truncated base64" */
export const inspectCommand: CliCommand = {
  summary: 'decode certificates, CRLs, OCSP messages, CSRs, keys, PKCS#7/#12 files',
  async run(argv) {
    const args = parseArgs(argv);
    if (args === 'help') { process.stdout.write(HELP + '\n'); return 0; }
    const problems: string[] = [];
    const texts: string[] = [];
    const json: unknown[] = [];
    for (const file of args.files) {
      const read = file === '-' ? readStdin() : readFileForDecoding(file);
      if (!read.ok) { problems.push(forTerminal(`${file}: ${read.error}`)); continue; }
      const items = decodeBytes(read.bytes, { fileName: file, password: args.password });
      for (const item of items) {
        const p = describeProblem(file, item);
        if (p) problems.push(p);
      }
      if (args.json) json.push(toJsonData(items, { fileName: file, now: args.at }));
      else texts.push(renderText(items, { now: args.at, fileName: file }));
    }
    if (args.json) process.stdout.write(jsonForTerminal(JSON.stringify(args.files.length === 1 && json.length === 1 ? json[0] : json, null, 2)) + '\n');
    else if (texts.length) process.stdout.write(texts.join('\n'));
    for (const p of problems) process.stderr.write(`certscope: ${p}\n`);
    return problems.length > 0 ? 2 : 0;
  },
};

function readStdin(): { ok: true; bytes: Uint8Array } | { ok: false; error: string } {
  try {
    const data = readFileSync(0);
    return { ok: true, bytes: new Uint8Array(data) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
