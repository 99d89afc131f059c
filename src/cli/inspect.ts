// `certscope inspect FILE... [--json] [--at TIME] [--password P]`: decodes certificates, CRLs,
// OCSP messages, CSRs, keys, PKCS#7 and PKCS#12 files and prints them readably or as JSON.
// Exit 0 when everything decoded, 2 when any input was bad (each problem on stderr, naming the
// file, block, line and what is wrong).
import { decodeBytes, readFileForDecoding } from '../core/decode/index';
import { DEFAULT_MAX_BYTES, formatSize, type FileRead } from '../core/decode/file';
import { toJsonData } from '../core/present/json';
import { renderText } from '../core/present/text';
import { describeProblem } from '../core/present/problem';
import { forTerminal, jsonForTerminal } from '../core/present/safeText';
import type { CliCommand } from './commands';
import { UsageError } from './usage-error';
import { dateFlag, parseCli } from './args';

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

function parseInspectArgs(argv: string[]): Args {
  const { values: v, positionals } = parseCli(argv, { json: { type: 'boolean' }, at: { type: 'string' }, password: { type: 'string' } }, HELP);
  if (positionals.length === 0) throw new UsageError(`inspect: no FILE given\n\n${HELP}`);
  return { files: positionals, json: v.json === true, at: dateFlag(v.at, 'at') ?? new Date(), password: v.password };
}

/** "ca.pem: block 2 (CERTIFICATE), line 31: truncated base64" */
export const inspectCommand: CliCommand = {
  summary: 'decode certificates, CRLs, OCSP messages, CSRs, keys, PKCS#7/#12 files',
  async run(argv) {
    const args = parseInspectArgs(argv);
    const problems: string[] = [];
    const texts: string[] = [];
    const json: unknown[] = [];
    for (const file of args.files) {
      const read = file === '-' ? await readStdin(DEFAULT_MAX_BYTES) : readFileForDecoding(file);
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

/** stdin with the same cap as a file: reading stops (and the input is refused) past maxBytes. */
async function readStdin(maxBytes: number): Promise<FileRead> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of process.stdin) {
      total += (chunk as Buffer).length;
      if (total > maxBytes) {
        process.stdin.destroy();
        return { ok: false, error: `stdin is over the ${formatSize(maxBytes)} limit; not read` };
      }
      chunks.push(chunk as Buffer);
    }
  } catch (e) {
    return { ok: false, error: `cannot read stdin: ${e instanceof Error ? e.message : String(e)}` };
  }
  const data = Buffer.concat(chunks, total);
  return { ok: true, bytes: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
