// `certscope ocsp serve|check`: run an OCSP responder for a CA directory, or ask one about a certificate.
import { formatDate } from '../core/dates';
import { formatDuration } from '../core/duration';
import { readFileSync } from 'node:fs';
import { loadCaDirectory } from '../core/ca/caDirectory';
import { checkOcsp } from '../core/ocsp/client';
import { IndexStatusSource } from '../core/ocsp/indexStatus';
import { OcspResponder } from '../core/ocsp/responder';
import { OcspHttpServer } from '../core/ocsp/server';
import { ocspRequestLine } from '../core/broker/format';
import type { CliCommand } from './commands';
import { UsageError } from './usage-error';
import { forTerminal, jsonForTerminal } from '../core/present/safeText';
import { parseCli, secondsFlag } from './args';

const HELP = `Usage:
  certscope ocsp serve --ca DIR [--port N] [--host 127.0.0.1] [--validity 1h]
                       [--responder-cert FILE --responder-key FILE]
      Answers OCSP requests (HTTP GET and POST) from the CA's index.txt; a revocation is visible
      to the next request. Signs with the CA key, or with a delegated responder certificate.
  certscope ocsp check CERT --issuer FILE [--url URL] [--get] [--no-nonce] [--timeout 15s] [--json]
      Asks a responder (default: the certificate's OCSP URL) and verifies the answer.
      Exit 0 good, 1 revoked/unknown/invalid answer, 2 bad input.`;

const OPTIONS = {
  ca: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, validity: { type: 'string' }, 'responder-cert': { type: 'string' },
  'responder-key': { type: 'string' }, issuer: { type: 'string' }, url: { type: 'string' }, timeout: { type: 'string' },
  get: { type: 'boolean' }, 'no-nonce': { type: 'boolean' }, json: { type: 'boolean' },
} as const;

type Parsed = ReturnType<typeof parse>;
const parse = (argv: string[]) => parseCli(argv, OPTIONS, HELP);

function readFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function str(p: Parsed, flag: string): string | undefined {
  const v = p.values[flag.slice(2) as keyof Parsed['values']];
  return typeof v === 'string' ? v : undefined;
}

async function serve(p: Parsed): Promise<number> {
  const caDir = str(p, '--ca');
  if (!caDir) throw new UsageError(`ocsp serve needs --ca DIR\n\n${HELP}`);
  if (p.positionals.length) throw new UsageError(`unexpected argument ${p.positionals[0]}`);
  const rCert = str(p, '--responder-cert');
  const rKey = str(p, '--responder-key');
  if (!!rCert !== !!rKey) throw new UsageError('--responder-cert and --responder-key go together');
  const portText = str(p, '--port') ?? '0';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: "${portText}" is not a port number`);
  const host = str(p, '--host') ?? '127.0.0.1';
  const validitySeconds = Math.round(secondsFlag(str(p, '--validity') ?? '1h', '--validity'));

  let ca;
  try {
    ca = loadCaDirectory(caDir);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  let responder: OcspResponder;
  try {
    responder = new OcspResponder({
      issuer: ca.caCertPem,
      signerKey: rKey ? readFile(rKey, 'responder key') : readFile(ca.caKeyPath, 'CA key'),
      ...(rCert ? { signerCert: readFile(rCert, 'responder certificate') } : {}),
      source: new IndexStatusSource(ca.paths.database),
      validitySeconds,
    });
  } catch (err) {
    const msg = (err as Error).message;
    throw new UsageError(/passphrase|decrypt|bad decrypt/i.test(msg) ? 'the signing key is encrypted: give an unencrypted key' : msg);
  }
  const server = new OcspHttpServer(responder, {
    host,
    port,
    onRequest: (e) => {
      process.stdout.write(`${formatDate(new Date())} ${ocspRequestLine(e)}\n`);
    },
  });
  let started;
  try {
    started = await server.start();
  } catch (err) {
    throw new UsageError(`cannot listen on ${host}:${port}: ${(err as Error).message}`);
  }
  process.stdout.write(`OCSP responder for ${ca.paths.certificate} listening on ${started.url} (signed by ${forTerminal(responder.signerSubject)}; validity ${formatDuration(validitySeconds * 1000)}; database ${ca.paths.database})\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void server.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}

async function check(p: Parsed): Promise<number> {
  if (p.positionals.length !== 1) throw new UsageError(`ocsp check needs exactly one certificate file\n\n${HELP}`);
  const issuerPath = str(p, '--issuer');
  if (!issuerPath) throw new UsageError('ocsp check needs --issuer FILE (the CA certificate that issued CERT)');
  const cert = readFile(p.positionals[0], 'certificate');
  const issuer = readFile(issuerPath, 'issuer certificate');
  const timeoutMs = Math.round(secondsFlag(str(p, '--timeout') ?? '15s', '--timeout') * 1000);
  const r = await checkOcsp(cert, issuer, {
    url: str(p, '--url'),
    nonce: !p.values['no-nonce'],
    method: p.values.get ? 'GET' : 'POST',
    timeoutMs,
  });
  if (r.problems.some((x) => x.startsWith('bad certificate input'))) throw new UsageError(r.problems.join('; '));
  if (p.values.json) {
    process.stdout.write(jsonForTerminal(JSON.stringify(r, null, 2)) + '\n');
  } else {
    const lines = [`${p.positionals[0]}: ${r.status}${r.valid ? '' : ' (response not accepted)'}`];
    if (r.url) lines.push(`  responder URL: ${r.url}`);
    if (r.responseStatus !== 'successful') lines.push(`  response status: ${r.responseStatus}`);
    if (r.claimedStatus && !r.valid) lines.push(`  the response claims: ${r.claimedStatus}`);
    if (r.revocationTime) lines.push(`  revoked: ${formatDate(r.revocationTime)}${r.reason ? `, ${r.reason}` : ''}`);
    if (r.thisUpdate) lines.push(`  thisUpdate: ${formatDate(r.thisUpdate)}`);
    if (r.nextUpdate) lines.push(`  nextUpdate: ${formatDate(r.nextUpdate)}`);
    if (r.responder) lines.push(`  signed by: ${r.responder}${r.signedBy ? ` (${r.signedBy})` : ''}`);
    for (const x of r.problems) lines.push(`  problem: ${x}`);
    process.stdout.write(lines.map(forTerminal).join('\n') + '\n'); // URL, responder and problems come from the certificate and the peer
  }
  return r.valid && r.status === 'good' ? 0 : 1;
}

export const ocspCommand: CliCommand = {
  summary: 'OCSP responder (serve) and client (check)',
  async run(argv) {
    const [sub, ...rest] = argv;
    if (!sub || sub === '--help' || sub === '-h') {
      process.stdout.write(HELP + '\n');
      return sub ? 0 : 2;
    }
    const p = parse(rest);
    if (sub === 'serve') return serve(p);
    if (sub === 'check') return check(p);
    throw new UsageError(`unknown ocsp subcommand "${sub}"\n\n${HELP}`);
  },
};
