// Real peers for the probe's interop tests: `openssl s_server`, Debian mosquitto, and small raw
// TCP servers for the fault cases. Each binds 127.0.0.1 on a free port and is stopped by the
// returned stop().
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import { openssl } from '../../support/run';
import { issueWithOpensslCa, type OpensslCert } from '../../support/openssl-pki';
import { acceptsTcp } from '../../support/net';

export interface RunningPeer {
  port: number;
  output(): string;
  stop(): Promise<void>;
}

/** A port that was free a moment ago (openssl and mosquitto need the number up front). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function waitForPort(port: number, child: ChildProcess, out: () => string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`peer exited (${child.exitCode}): ${out()}`);
    if (await acceptsTcp(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`peer did not listen on ${port}: ${out()}`);
}

function spawnPeer(cmd: string, args: string[], port: number): Promise<RunningPeer> {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => { text += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { text += d.toString(); });
  const output = (): string => text;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(t);
  };
  return waitForPort(port, child, output).then(() => ({ port, output, stop }), async (err) => { await stop(); throw err; });
}

/**
 * `openssl s_server` on 127.0.0.1. `-naccept`-less: it serves until stopped. Extra args go last
 * (e.g. -Verify 2, -CRL, -crl_check, -status_file).
 */
export async function startSServer(args: string[]): Promise<RunningPeer> {
  const port = await freePort();
  return spawnPeer('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-quiet', ...args], port);
}

export interface MosquittoOptions {
  dir: string;
  cafile: string;
  certfile: string;
  keyfile: string;
  crlfile?: string;
  requireCertificate?: boolean;
  websockets?: boolean;
  tlsVersion?: 'tlsv1.2' | 'tlsv1.3';
  /** Default true. False without a password file: mosquitto refuses every CONNECT as not authorised. */
  allowAnonymous?: boolean;
  /** A mosquitto_passwd file: user names and passwords are then checked. */
  passwordFile?: string;
}

export async function startMosquitto(o: MosquittoOptions): Promise<RunningPeer> {
  const port = await freePort();
  const conf = join(o.dir, `mosquitto-${port}.conf`);
  writeFileSync(conf, [
    'persistence false',
    // As root mosquitto drops to user "mosquitto", which cannot read our 0700 temp folder.
    ...(process.getuid?.() === 0 ? ['user root'] : []),
    'log_dest stderr',
    'log_type all',
    `listener ${port} 127.0.0.1`,
    ...(o.websockets ? ['protocol websockets'] : []),
    `allow_anonymous ${o.allowAnonymous === false ? 'false' : 'true'}`,
    `cafile ${o.cafile}`,
    `certfile ${o.certfile}`,
    `keyfile ${o.keyfile}`,
    `require_certificate ${o.requireCertificate ? 'true' : 'false'}`,
    ...(o.crlfile ? [`crlfile ${o.crlfile}`] : []),
    ...(o.passwordFile ? [`password_file ${o.passwordFile}`] : []),
    ...(o.tlsVersion ? [`tls_version ${o.tlsVersion}`] : []),
    '',
  ].join('\n'));
  return spawnPeer('mosquitto', ['-c', conf], port);
}

/** A raw TCP server for fault cases: `onConnection` decides what (not) to send. */
export async function startRawServer(onConnection: (s: net.Socket) => void): Promise<RunningPeer> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    onConnection(s);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as net.AddressInfo).port,
    output: () => '',
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => srv.close(() => r()));
    },
  };
}

/** Writes a CRL for the `openssl ca` directory behind `cnf` (30 days). */
export async function genCrl(cnf: string, out: string, opts: { crlHours?: number } = {}): Promise<string> {
  await openssl(['ca', '-config', cnf, '-gencrl', ...(opts.crlHours !== undefined ? ['-crlhours', String(opts.crlHours)] : ['-crldays', '30']), '-out', out]);
  return out;
}

/** Issues a certificate with `openssl ca` with explicit dates (for expired fixtures). */
export function issueWithDates(cnf: string, base: string, name: string, extensions: string, start: string, end: string): Promise<OpensslCert> {
  return issueWithOpensslCa(cnf, base, name, { extensions, dates: { start, end } });
}
