// `certscope ca init|issue|revoke|unrevoke|crl|list`: the development CA on an OpenSSL-compatible
// directory (src/core/ca). Exit 0 done, 1 refused (e.g. already revoked), 2 bad input.
import { resolve } from 'node:path';
import type { CliCommand } from './commands';
import { UsageError } from './usage-error';
import { existsSync, readFileSync } from 'node:fs';
import { CaError, CrlServer, initCa, KEY_SPECS, openCa, readCsr, REVOCATION_REASONS, type CsrInfo, type KeySpec, type Profile } from '../core/ca/index';
import { parseReason } from '../core/ca/indexDb';
import type { RevocationReason } from '../core/model';
import { parseArgs, type ParsedArgs } from './args';

const HELP = `Usage:
  certscope ca init DIR --subject DN [--key p256] [--days 3650] [--path-len N] [--parent CADIR]
                        [--crl-url URL]... [--ocsp-url URL]... [--crl-hours 168]
      Creates a CA directory (ca.crt, ca.key 0600, index.txt, serial, crlnumber, openssl.cnf,
      crl.pem/crl.der). With --parent, an intermediate CA signed by the CA in CADIR.
      --crl-url/--ocsp-url are written into the certificates this CA issues.
  certscope ca issue DIR --profile server|client|ocsp|ca [--name NAME] [--subject DN]
                        [--dns NAME]... [--ip ADDR]... [--email ADDR]... [--key p256] [--days 365]
                        [--must-staple] [--crl-url URL]... [--ocsp-url URL]... [--csr FILE]
                        [--broker emqx|mosquitto --out DIR] [--json]
      Issues a certificate; files go to DIR/issued/NAME/ (cert.pem, key.pem 0600, chain.pem,
      fullchain.pem) and DIR/certs/SERIAL.pem. --broker also writes the broker's file layout.
      --csr signs a PKCS#10 request (its subject and key; no key file is written).
  certscope ca revoke DIR SERIAL|CERTFILE [--reason REASON] [--date ISO-TIME]
      REASON: ${REVOCATION_REASONS.join(', ')}. Writes a new CRL.
  certscope ca unrevoke DIR SERIAL|CERTFILE
      Releases a certificateHold and writes a new CRL.
  certscope ca crl DIR [--hours N] [--serve [--port N] [--host 127.0.0.1]]
      Writes a new CRL (next crlNumber); --serve publishes it over HTTP (/ca.crl, /ca.crl.pem).
  certscope ca list DIR [--json]
      Lists index.txt (works on directories made with plain openssl, too).
  certscope ca check DIR --broker emqx5|emqx4|mosquitto [--json] [--offline]
      Every reason a revocation would not be enforced by that broker, or would lock clients out.
Keys: ${KEY_SPECS.join(', ')}. DN: "/C=DE/O=Acme/CN=name" or "CN=name,O=Acme,C=DE".`;

const one = (p: ParsedArgs, f: string): string | undefined => p.values.get(f)?.at(-1);
const many = (p: ParsedArgs, f: string): string[] => p.values.get(f) ?? [];

function int(p: ParsedArgs, f: string, min = 0): number | undefined {
  const v = one(p, f);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`${f}: "${v}" is not a whole number${min ? ` >= ${min}` : ''}`);
  return Number(v);
}

function keySpec(p: ParsedArgs): KeySpec | undefined {
  const k = one(p, '--key');
  if (k !== undefined && !KEY_SPECS.includes(k as KeySpec)) throw new UsageError(`--key: "${k}" is not one of ${KEY_SPECS.join(', ')}`);
  return k as KeySpec | undefined;
}

function needDir(p: ParsedArgs, sub: string): string {
  const dir = p.positional[0];
  if (!dir) throw new UsageError(`ca ${sub}: give the CA directory\n\n${HELP}`);
  return resolve(dir);
}

const out = (s: string): void => { process.stdout.write(s + '\n'); };

async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h' || rest.includes('--help') || rest.includes('-h')) {
    out(HELP);
    return sub ? 0 : 2;
  }
  try {
    switch (sub) {
      case 'init': return await init(rest);
      case 'issue': return await issue(rest);
      case 'revoke': return await revoke(rest);
      case 'unrevoke': return await unrevoke(rest);
      case 'crl': return await crl(rest);
      case 'list': return list(rest);
      case 'check': return await (await import('./caCheck')).caCheck(rest);
      default: throw new UsageError(`unknown ca subcommand "${sub}"\n\n${HELP}`);
    }
  } catch (e) {
    if (e instanceof CaError || (e instanceof Error && ['NameError', 'CaDirectoryError', 'IndexFormatError', 'LockTimeoutError'].includes(e.name))) {
      process.stderr.write(`certscope ca ${sub}: ${e.message}\n`);
      return /already revoked|already on hold|not revoked|only a certificateHold/.test(e.message) ? 1 : 2;
    }
    throw e;
  }
}

async function init(argv: string[]): Promise<number> {
  const p = parseArgs(argv, ['--subject', '--key', '--days', '--path-len', '--parent', '--crl-url', '--ocsp-url', '--crl-hours'], [], HELP);
  const dir = needDir(p, 'init');
  const subject = one(p, '--subject');
  if (!subject) throw new UsageError(`ca init: --subject is required (e.g. --subject "/CN=Dev Root CA")`);
  const parentDir = one(p, '--parent');
  const ca = await initCa(dir, {
    subject, key: keySpec(p), days: int(p, '--days', 1), pathLen: int(p, '--path-len'),
    crlUrls: many(p, '--crl-url'), ocspUrls: many(p, '--ocsp-url'), crlHours: int(p, '--crl-hours', 1),
    parent: parentDir ? openCa(resolve(parentDir)) : undefined,
  });
  out(`CA created in ${ca.paths.dir}\n  subject     ${ca.subject}\n  certificate ${ca.paths.certificate}\n  key         ${ca.paths.privateKey} (mode 0600)\n  CRL         ${ca.paths.crlPem}, ${ca.paths.crlDer}\n  openssl     openssl ca -config ${ca.paths.config} ...`);
  return 0;
}

async function issue(argv: string[]): Promise<number> {
  const p = parseArgs(argv, ['--profile', '--name', '--subject', '--dns', '--ip', '--email', '--key', '--days', '--crl-url', '--ocsp-url', '--broker', '--out', '--path-len', '--csr'], ['--must-staple', '--json'], HELP);
  const dir = needDir(p, 'issue');
  const profile = one(p, '--profile') as Profile | undefined;
  if (!profile || !['server', 'client', 'ocsp', 'ca'].includes(profile)) throw new UsageError('ca issue: --profile server|client|ocsp|ca is required');
  const name = one(p, '--name');
  const csrPath = one(p, '--csr');
  if (!name && !one(p, '--subject') && !many(p, '--dns').length && !csrPath) throw new UsageError('ca issue: give --name, --subject, --dns or --csr');
  let csr: CsrInfo | undefined;
  if (csrPath) {
    if (!existsSync(csrPath)) throw new UsageError(`--csr: ${csrPath}: no such file`);
    try { csr = readCsr(readFileSync(csrPath)); } catch (e) { throw new UsageError(`--csr: ${csrPath}: ${(e as Error).message}`); }
    if (one(p, '--broker')) throw new UsageError('--broker needs the private key: not available with --csr');
  }
  const broker = one(p, '--broker');
  if (broker && broker !== 'emqx' && broker !== 'mosquitto') throw new UsageError(`--broker: "${broker}" is not emqx or mosquitto`);
  if (broker && !one(p, '--out')) throw new UsageError('--broker needs --out DIR');
  for (const ip of many(p, '--ip')) if (!/^[0-9a-fA-F:.]+$/.test(ip)) throw new UsageError(`--ip: "${ip}" is not an IP address`);
  const ca = openCa(dir);
  const orUndef = (f: string): string[] | undefined => (p.values.has(f) ? many(p, f) : undefined);
  const issued = await ca.issue({
    profile, name, subject: one(p, '--subject'), subjectDer: csr && !one(p, '--subject') ? csr.subjectDer : undefined, publicKey: csr?.publicKey, dns: orUndef('--dns'), ip: many(p, '--ip'), email: many(p, '--email'),
    key: keySpec(p), days: int(p, '--days', 1), mustStaple: p.bools.has('--must-staple'), pathLen: int(p, '--path-len'),
    crlUrls: orUndef('--crl-url'), ocspUrls: orUndef('--ocsp-url'),
  });
  const brokerFiles = broker ? ca.writeBrokerFiles(issued, resolve(one(p, '--out')!), broker as 'emqx' | 'mosquitto') : undefined;
  if (p.bools.has('--json')) {
    out(JSON.stringify({ serialHex: issued.serialHex, subject: issued.subject, paths: issued.paths, broker: brokerFiles }, null, 2));
  } else {
    out(`issued ${issued.subject} serial ${issued.serialHex}\n  cert      ${issued.paths.cert}\n  key       ${issued.paths.key ?? '(none)'}\n  chain     ${issued.paths.chain}\n  fullchain ${issued.paths.fullchain}`);
    if (brokerFiles) out(`\n${broker} files in ${brokerFiles.dir}:\n${brokerFiles.snippet}`);
  }
  return 0;
}

function reasonArg(p: ParsedArgs): RevocationReason {
  const r = one(p, '--reason');
  if (!r) return 'unspecified';
  const parsed = parseReason(r);
  if (!parsed || !REVOCATION_REASONS.includes(parsed)) throw new UsageError(`--reason: "${r}" is not one of ${REVOCATION_REASONS.join(', ')}`);
  return parsed;
}

function dateArg(p: ParsedArgs, f: string): Date | undefined {
  const v = one(p, f);
  if (v === undefined) return undefined;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new UsageError(`${f}: "${v}" is not a date/time (e.g. 2026-01-31T12:00:00Z)`);
  return d;
}

async function revoke(argv: string[]): Promise<number> {
  const p = parseArgs(argv, ['--reason', '--date'], [], HELP);
  const dir = needDir(p, 'revoke');
  const target = p.positional[1];
  if (!target) throw new UsageError('ca revoke: give a serial (hex) or a certificate file');
  const r = await openCa(dir).revoke(target, reasonArg(p), dateArg(p, '--date'));
  out(`revoked ${r.subject} serial ${r.serialHex} (${r.reason}); CRL #${r.crlNumber} written`);
  return 0;
}

async function unrevoke(argv: string[]): Promise<number> {
  const p = parseArgs(argv, [], [], HELP);
  const dir = needDir(p, 'unrevoke');
  const target = p.positional[1];
  if (!target) throw new UsageError('ca unrevoke: give a serial (hex) or a certificate file');
  const r = await openCa(dir).unrevoke(target);
  out(`hold released for serial ${r.serialHex}; CRL #${r.crlNumber} written`);
  return 0;
}

async function crl(argv: string[]): Promise<number> {
  const p = parseArgs(argv, ['--hours', '--port', '--host'], ['--serve'], HELP);
  const dir = needDir(p, 'crl');
  const ca = openCa(dir);
  const r = await ca.writeCrl({ nextUpdateHours: int(p, '--hours', 1) });
  out(`CRL #${r.crlNumber} with ${r.entries} entries, next update ${r.nextUpdate.toISOString()}\n  ${r.pemPath}\n  ${r.derPath}`);
  if (!p.bools.has('--serve')) return 0;
  const server = new CrlServer({ derPath: r.derPath, pemPath: r.pemPath, port: int(p, '--port') ?? 0, host: one(p, '--host') ?? '127.0.0.1' });
  const s = await server.start();
  out(`serving ${s.derUrl} (DER) and ${s.pemUrl} (PEM); Ctrl+C to stop`);
  await new Promise<void>((done) => {
    const stop = (): void => { void server.close().then(done); };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

function list(argv: string[]): number {
  const p = parseArgs(argv, [], ['--json'], HELP);
  const dir = needDir(p, 'list');
  const ca = openCa(dir);
  const entries = ca.list();
  if (p.bools.has('--json')) {
    out(JSON.stringify({ ca: ca.subject, entries }, null, 2));
    return 0;
  }
  out(`${ca.subject}: ${entries.length} certificate(s)`);
  const now = Date.now();
  for (const e of entries) {
    const status = e.status === 'R' ? `REVOKED ${e.revoked?.date.toISOString().slice(0, 10)}${e.revoked?.reason ? ` ${e.revoked.reason}` : ''}`
      : e.status === 'E' || e.expires.getTime() < now ? 'expired' : 'valid';
    out(`  ${e.serialHex.padEnd(18)} ${status.padEnd(34)} until ${e.expires.toISOString().slice(0, 10)}  ${e.subject}`);
  }
  return 0;
}

export const caCommand: CliCommand = { summary: 'Development CA: init, issue, revoke, unrevoke, crl, list', run };
