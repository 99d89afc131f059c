// `certscope ca init|issue|revoke|unrevoke|crl|list`: the development CA on an OpenSSL-compatible
// directory (src/core/ca). Exit 0 done, 1 refused (e.g. already revoked), 2 bad input.
import { formatDate, formatDay } from '../core/dates';
import { resolve } from 'node:path';
import type { CliCommand } from './commands';
import { UsageError } from './usage-error';
import { forTerminal, jsonForTerminal } from '../core/present/safeText';
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { checkBrokerFilesFree, CrlServer, initCa, KEY_SPECS, openCa, readCsr, REVOCATION_REASONS, type CsrInfo, type KeySpec, type Profile } from '../core/ca/index';
import { parseReason } from '../core/ca/indexDb';
import type { RevocationReason } from '../core/model';
import { dateFlag, intFlag, parseCli } from './args';
import { colonSerial } from '../core/serial';

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
      An existing issued/NAME/ is never replaced: a taken --name is refused; without --name the
      folder is named after the CN, with -2, -3... when taken. Validity ends by 9999-12-31 at most.
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

function keySpec(k: string | undefined): KeySpec | undefined {
  if (k !== undefined && !KEY_SPECS.includes(k as KeySpec)) throw new UsageError(`--key: "${k}" is not one of ${KEY_SPECS.join(', ')}`);
  return k as KeySpec | undefined;
}

function needDir(positionals: string[], sub: string): string {
  const dir = positionals[0];
  if (!dir) throw new UsageError(`ca ${sub}: give the CA directory\n\n${HELP}`);
  return resolve(dir);
}

const out = (s: string): void => { process.stdout.write(s + '\n'); };

async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h') {
    out(HELP);
    return sub ? 0 : 2;
  }
  // CaError & co. end as "certscope: <message>", exit 2 (1 for a refusal such as revoking twice): see failure.ts.
  switch (sub) {
    case 'init': return init(rest);
    case 'issue': return issue(rest);
    case 'revoke': return revoke(rest);
    case 'unrevoke': return unrevoke(rest);
    case 'crl': return crl(rest);
    case 'list': return list(rest);
    case 'check': return (await import('./caCheck')).caCheck(rest);
    default: throw new UsageError(`unknown ca subcommand "${sub}"\n\n${HELP}`);
  }
}

async function init(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseCli(argv, {
    subject: { type: 'string' }, key: { type: 'string' }, days: { type: 'string' }, 'path-len': { type: 'string' }, parent: { type: 'string' },
    'crl-url': { type: 'string', multiple: true }, 'ocsp-url': { type: 'string', multiple: true }, 'crl-hours': { type: 'string' },
  }, HELP);
  const dir = needDir(positionals, 'init');
  if (!v.subject) throw new UsageError(`ca init: --subject is required (e.g. --subject "/CN=Dev Root CA")`);
  const ca = await initCa(dir, {
    subject: v.subject, key: keySpec(v.key), days: intFlag(v.days, 'days', 1), pathLen: intFlag(v['path-len'], 'path-len'),
    crlUrls: v['crl-url'] ?? [], ocspUrls: v['ocsp-url'] ?? [], crlHours: intFlag(v['crl-hours'], 'crl-hours', 1),
    parent: v.parent ? openCa(resolve(v.parent)) : undefined,
  });
  out(`CA created in ${ca.paths.dir}\n  subject     ${ca.subject}\n  certificate ${ca.paths.certificate}\n  key         ${ca.paths.privateKey} (mode 0600)\n  CRL         ${ca.paths.crlPem}, ${ca.paths.crlDer}\n  openssl     openssl ca -config ${ca.paths.config} ...`);
  return 0;
}

async function issue(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseCli(argv, {
    profile: { type: 'string' }, name: { type: 'string' }, subject: { type: 'string' }, dns: { type: 'string', multiple: true },
    ip: { type: 'string', multiple: true }, email: { type: 'string', multiple: true }, key: { type: 'string' }, days: { type: 'string' },
    'crl-url': { type: 'string', multiple: true }, 'ocsp-url': { type: 'string', multiple: true }, broker: { type: 'string' }, out: { type: 'string' },
    'path-len': { type: 'string' }, csr: { type: 'string' }, 'must-staple': { type: 'boolean' }, json: { type: 'boolean' },
  }, HELP);
  const dir = needDir(positionals, 'issue');
  const profile = v.profile as Profile | undefined;
  if (!profile || !['server', 'client', 'ocsp', 'ca'].includes(profile)) throw new UsageError('ca issue: --profile server|client|ocsp|ca is required');
  if (!v.name && !v.subject && !v.dns?.length && !v.csr) throw new UsageError('ca issue: give --name, --subject, --dns or --csr');
  let csr: CsrInfo | undefined;
  if (v.csr) {
    if (!existsSync(v.csr)) throw new UsageError(`--csr: ${v.csr}: no such file`);
    try { csr = readCsr(readFileSync(v.csr)); } catch (e) { throw new UsageError(`--csr: ${v.csr}: ${(e as Error).message}`); }
    if (v.broker) throw new UsageError('--broker needs the private key: not available with --csr');
  }
  const broker = v.broker;
  if (broker && broker !== 'emqx' && broker !== 'mosquitto') throw new UsageError(`--broker: "${broker}" is not emqx or mosquitto`);
  if (broker && !v.out) throw new UsageError('--broker needs --out DIR');
  for (const ip of v.ip ?? []) if (!isIP(ip)) throw new UsageError(`--ip: "${ip}" is not an IPv4 or IPv6 address`);
  if (broker) checkBrokerFilesFree(resolve(v.out!), broker as 'emqx' | 'mosquitto');
  const ca = openCa(dir);
  const issued = await ca.issue({
    profile, name: v.name, subject: v.subject, subjectDer: csr && !v.subject ? csr.subjectDer : undefined, publicKey: csr?.publicKey, dns: v.dns, ip: v.ip ?? [], email: v.email ?? [],
    key: keySpec(v.key), days: intFlag(v.days, 'days', 1), mustStaple: v['must-staple'], pathLen: intFlag(v['path-len'], 'path-len'),
    crlUrls: v['crl-url'], ocspUrls: v['ocsp-url'],
  });
  const brokerFiles = broker ? ca.writeBrokerFiles(issued, resolve(v.out!), broker as 'emqx' | 'mosquitto') : undefined;
  if (v.json) {
    out(JSON.stringify({ serialHex: issued.serialHex, subject: issued.subject, paths: issued.paths, folderTaken: issued.folderTaken, broker: brokerFiles }, null, 2));
  } else {
    if (issued.folderTaken) out(`note: ${issued.folderTaken} already exists (an earlier certificate and its key); this one went to ${issued.paths.dir}`);
    out(`issued ${issued.subject} serial ${colonSerial(issued.serialHex)}\n  cert      ${issued.paths.cert}\n  key       ${issued.paths.key ?? '(none)'}\n  chain     ${issued.paths.chain}\n  fullchain ${issued.paths.fullchain}`);
    if (brokerFiles) out(`\n${broker} files in ${brokerFiles.dir}:\n${brokerFiles.snippet}`);
  }
  return 0;
}

function reasonArg(r: string | undefined): RevocationReason {
  if (!r) return 'unspecified';
  const parsed = parseReason(r);
  if (!parsed || !REVOCATION_REASONS.includes(parsed)) throw new UsageError(`--reason: "${r}" is not one of ${REVOCATION_REASONS.join(', ')}`);
  return parsed;
}

async function revoke(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseCli(argv, { reason: { type: 'string' }, date: { type: 'string' } }, HELP);
  const dir = needDir(positionals, 'revoke');
  const target = positionals[1];
  if (!target) throw new UsageError('ca revoke: give a serial (hex) or a certificate file');
  const r = await openCa(dir).revoke(target, reasonArg(v.reason), dateFlag(v.date, 'date'));
  out(`revoked ${forTerminal(r.subject)} serial ${colonSerial(r.serialHex)} (${r.reason}); CRL #${r.crlNumber} written`);
  return 0;
}

async function unrevoke(argv: string[]): Promise<number> {
  const { positionals } = parseCli(argv, {}, HELP);
  const dir = needDir(positionals, 'unrevoke');
  const target = positionals[1];
  if (!target) throw new UsageError('ca unrevoke: give a serial (hex) or a certificate file');
  const r = await openCa(dir).unrevoke(target);
  out(`hold released for serial ${colonSerial(r.serialHex)}; CRL #${r.crlNumber} written`);
  return 0;
}

async function crl(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseCli(argv, { hours: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, serve: { type: 'boolean' } }, HELP);
  const dir = needDir(positionals, 'crl');
  const port = intFlag(v.port, 'port', 0, 65535) ?? 0;
  const ca = openCa(dir);
  const r = await ca.writeCrl({ nextUpdateHours: intFlag(v.hours, 'hours', 1) });
  out(`CRL #${r.crlNumber} with ${r.entries} entries, next update ${formatDate(r.nextUpdate)}\n  ${r.pemPath}\n  ${r.derPath}`);
  if (!v.serve) return 0;
  const server = new CrlServer({ derPath: r.derPath, pemPath: r.pemPath, port, host: v.host ?? '127.0.0.1' });
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
  const { values: v, positionals } = parseCli(argv, { json: { type: 'boolean' } }, HELP);
  const dir = needDir(positionals, 'list');
  const ca = openCa(dir);
  const entries = ca.list();
  if (v.json) {
    out(jsonForTerminal(JSON.stringify({ ca: ca.subject, entries }, null, 2)));
    return 0;
  }
  out(`${forTerminal(ca.subject)}: ${entries.length} certificate(s)`); // index.txt subjects are hostile text
  const now = Date.now();
  for (const e of entries) {
    const status = e.status === 'R' ? `REVOKED ${e.revoked ? formatDay(e.revoked.date) : ''}${e.revoked?.reason ? ` ${forTerminal(e.revoked.reason)}` : ''}`
      : e.status === 'E' || e.expires.getTime() < now ? 'expired' : 'valid';
    out(`  ${e.serialHex.padEnd(18)} ${status.padEnd(34)} until ${formatDay(e.expires)}  ${forTerminal(e.subject)}`);
  }
  return 0;
}

export const caCommand: CliCommand = { summary: 'Development CA: init, issue, revoke, unrevoke, crl, list', run };
