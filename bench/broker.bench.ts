// MQTT-over-TLS connection setup rate (full TLS 1.3 handshake with client certificate + MQTT
// CONNECT/CONNACK, no session resumption) against:
//   (a) a bare Node TLS server (tls.createServer, two-way TLS, same certificates) with the same
//       MQTT engine (aedes): what the broker adds is the alert machinery, CRLs and stapling,
//   (b) the Certscope broker with CRL check (100,000-entry CRL) and OCSP stapling,
//   (c) Debian mosquitto with `crlfile` (the same CRLs) and require_certificate.
// The client loop runs in a child process (the same for all three), several connections in
// parallel, rounds interleaved so load from other processes hits all three alike. Besides
// connections per second (wall clock) we report connections per CPU-second of the server process:
// on a machine shared with other work that is the comparison that stays meaningful.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { openssl } from '../test/support/run';
import { makeTempDir } from '../test/support/tmp';
import { makeBrokerPki, type BrokerPki } from '../test/unit/broker/brokerPki';
import { Aedes } from 'aedes';
import { TlsMqttBroker } from '../src/core/broker/broker';
import { resolveBrokerConfig } from '../src/core/broker/config';
import { OcspResponder } from '../src/core/ocsp/responder';
import { OcspHttpServer } from '../src/core/ocsp/server';
import { IndexStatusSource } from '../src/core/ocsp/indexStatus';
import type { Bench, BenchRow } from './types';
import { connectLoop, runLoopChild, type ConnectLoopResult } from './connectLoop';

const CLIENT_FLAG = '--broker-bench-client';
const CRL_ENTRIES = 100_000;
const ROUND_MS = Number(process.env.BROKER_BENCH_ROUND_MS ?? 2500);
const ROUNDS = Number(process.env.BROKER_BENCH_ROUNDS ?? 5);
const CONCURRENCY = 8;
// MQTT 3.1.1 CONNECT, client id "b", clean session, keepalive 60.
const CONNECT = Buffer.from('100d00044d5154540402003c000162', 'hex');

interface ClientJob { port: number; ca: string; cert: string; key: string; ms: number; concurrency: number; ocsp: boolean }

/** Child mode: connect in a loop for job.ms and print {count, errors}. */
async function clientMain(job: ClientJob): Promise<void> {
  // One client context for all connections: the client's own setup cost stays out of the numbers.
  const secureContext = tls.createSecureContext({ ca: readFileSync(job.ca), cert: readFileSync(job.cert), key: readFileSync(job.key), minVersion: 'TLSv1.3' });
  const r = await connectLoop({ port: job.port, contexts: [secureContext], connect: CONNECT, ms: job.ms, concurrency: job.concurrency, requestOCSP: job.ocsp });
  process.stdout.write(JSON.stringify(r) + '\n');
}

function runClient(job: ClientJob): Promise<ConnectLoopResult> {
  return runLoopChild(__filename, CLIENT_FLAG, JSON.stringify(job));
}

/** A CRL of the intermediate with `n` revoked serials (index.txt written directly, signed by openssl ca). */
async function bigCrl(pki: BrokerPki, dir: string, n: number): Promise<string> {
  const lines: string[] = [readFileSync(pki.intermediateIndexPath, 'utf8').trimEnd()];
  for (let i = 0; i < n; i++) lines.push(`R\t300101000000Z\t260101000000Z,keyCompromise\t${(0x7a000000 + i).toString(16).toUpperCase()}\tunknown\t/CN=revoked-${i}`);
  writeFileSync(pki.intermediateIndexPath, lines.filter(Boolean).join('\n') + '\n');
  const out = join(dir, 'big.crl.pem');
  await pki.writeIntermediateCrl({ path: out });
  return out;
}

async function bareServer(pki: BrokerPki, crls: string[] | undefined): Promise<{ port: number; close(): Promise<void> }> {
  const aedes = await Aedes.createBroker();
  const server = tls.createServer({
    cert: readFileSync(pki.server.certPath, 'utf8') + readFileSync(pki.intermediate.certPath, 'utf8'),
    key: readFileSync(pki.server.keyPath), ca: readFileSync(pki.clientCaPath), requestCert: true, rejectUnauthorized: true,
    crl: crls?.map((p) => readFileSync(p, 'utf8')),
  }, (s) => {
    s.on('error', () => undefined);
    aedes.handle(s);
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => aedes.close(() => r()));
    },
  };
}

/** CPU time (ms) a process has used, from /proc (mosquitto runs in its own process). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, USER_HZ = 100
}

function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function mosquitto(pki: BrokerPki, dir: string, crls: string[]): Promise<{ port: number; pid: number; close(): Promise<void> } | undefined> {
  if (spawnSync('mosquitto', ['-h']).error) return undefined;
  const port = 20000 + Math.floor(Math.random() * 20000);
  const crlFile = join(dir, 'mosquitto-crls.pem');
  writeFileSync(crlFile, crls.map((p) => readFileSync(p, 'utf8')).join(''));
  const chain = join(dir, 'mosquitto-server.pem');
  writeFileSync(chain, readFileSync(pki.server.certPath, 'utf8') + readFileSync(pki.intermediate.certPath, 'utf8'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, [`listener ${port} 127.0.0.1`, `cafile ${pki.clientCaPath}`, `certfile ${chain}`, `keyfile ${pki.server.keyPath}`,
    'require_certificate true', `crlfile ${crlFile}`, 'allow_anonymous true', 'persistence false', 'log_type error', ''].join('\n'));
  // mosquitto drops root privileges to "mosquitto": let it read the files.
  chmodSync(dir, 0o755);
  for (const f of [crlFile, chain, conf, pki.clientCaPath, pki.server.keyPath]) chmodSync(f, 0o644);
  const child = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((r) => {
      const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => { s.destroy(); r(true); });
      s.on('error', () => r(false));
    });
    if (up) break;
    if (child.exitCode !== null) throw new Error(`mosquitto exited: ${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port, pid: child.pid as number, close: () => new Promise((r) => { child.once('exit', () => r()); child.kill('SIGTERM'); }) };
}

const bench: Bench = {
  name: 'broker',
  async run(): Promise<BenchRow[]> {
    const tmp = makeTempDir('certscope-bench-broker-');
    try {
      const pki = await makeBrokerPki(tmp.dir);
      const server = await pki.issueServer('bench-server');
      const big = await bigCrl(pki, tmp.dir, CRL_ENTRIES);
      const crlCount = (await openssl(['crl', '-in', big, '-noout', '-text'])).split('Serial Number:').length - 1;
      const crls = [pki.rootCrlPath, big];
      const responder = new OcspHttpServer(new OcspResponder({
        issuer: readFileSync(pki.intermediate.certPath, 'utf8'), signerKey: readFileSync(pki.intermediate.keyPath, 'utf8'),
        source: new IndexStatusSource(pki.intermediateIndexPath),
      }));
      const { url } = await responder.start();
      const brokerConfig = (ocspUrl: string) => resolveBrokerConfig({
        port: 0, wssPort: null, certfile: server.certPath, keyfile: server.keyPath, chainfile: pki.intermediate.certPath, cacertfile: pki.clientCaPath,
        enable_crl_check: true, crl_files: crls, enable_ocsp_stapling: true, ocsp_responder_url: ocspUrl, idle_timeout: '30s',
      });
      const broker = new TlsMqttBroker(brokerConfig(url));
      let stapled = false;
      broker.onEvent((e) => { if (e.type === 'log' && e.source === 'ocsp' && / is good /.test(e.message)) stapled = true; });
      const brokerPort = (await broker.start())[0].port;
      const noStaple = new TlsMqttBroker({ ...brokerConfig(url), enable_ocsp_stapling: false });
      const noStaplePort = (await noStaple.start())[0].port;
      const deadBroker = new TlsMqttBroker(brokerConfig('http://127.0.0.1:9/ocsp'));
      const deadPort = (await deadBroker.start())[0].port;
      for (let i = 0; i < 100 && !stapled; i++) await new Promise((r) => setTimeout(r, 100));
      const bareCrl = await bareServer(pki, crls);
      const bareNoCrl = await bareServer(pki, undefined);
      const mosq = await mosquitto(pki, tmp.dir, crls);
      const targets: Array<{ key: string; port: number; ocsp: boolean; cpu: () => number }> = [
        { key: 'bare', port: bareNoCrl.port, ocsp: false, cpu: ownCpuMs },
        { key: 'bareCrl', port: bareCrl.port, ocsp: false, cpu: ownCpuMs },
        { key: 'broker', port: brokerPort, ocsp: true, cpu: ownCpuMs },
        { key: 'brokerDeadOcsp', port: deadPort, ocsp: true, cpu: ownCpuMs },
        { key: 'brokerNoStaple', port: noStaplePort, ocsp: true, cpu: ownCpuMs },
        ...(mosq ? [{ key: 'mosquitto', port: mosq.port, ocsp: false, cpu: () => processCpuMs(mosq.pid) }] : []),
      ];
      // Per round and target: connections per second (wall clock, suffers from other load on the
      // machine) and connections per CPU-second of the server (what the server itself costs).
      const perRound = new Map<string, Array<{ rate: number; perCpu: number }>>();
      const errors = new Map<string, { n: number; last: string }>();
      for (let round = 0; round < ROUNDS; round++) {
        // Rotate the order so no target always runs right after another's burst.
        const order = targets.map((_, i) => targets[(i + round) % targets.length]);
        for (const t of order) {
          const cpu0 = t.cpu();
          const r = await runClient({ port: t.port, ca: pki.root.certPath, cert: pki.good.certPath, key: pki.good.keyPath, ms: ROUND_MS, concurrency: CONCURRENCY, ocsp: t.ocsp });
          const cpuMs = Math.max(t.cpu() - cpu0, 1);
          perRound.set(t.key, [...(perRound.get(t.key) ?? []), { rate: (r.count / ROUND_MS) * 1000, perCpu: (r.count / cpuMs) * 1000 }]);
          const e = errors.get(t.key) ?? { n: 0, last: '' };
          e.n += r.errors;
          if (r.lastError) e.last = r.lastError;
          errors.set(t.key, e);
        }
      }
      // Every request since the broker started, the first fetch included.
      const brokerHandshakes = broker.state().stats.accepted;
      const requests = responder.counts.GET + responder.counts.POST;
      await Promise.all([broker.stop(), deadBroker.stop(), noStaple.stop(), bareCrl.close(), bareNoCrl.close(), mosq?.close(), responder.close()]);
      const median = (xs: number[]): number => { const v = [...xs].sort((a, b) => a - b); return v.length ? v[Math.floor(v.length / 2)] : 0; };
      const rate = (k: string): number => median((perRound.get(k) ?? []).map((x) => x.rate));
      const perCpu = (k: string): number => median((perRound.get(k) ?? []).map((x) => x.perCpu));
      const note = (k: string): string => { const e = errors.get(k); return e && e.n ? `${e.n} errors (${e.last})` : ''; };
      const group = 'broker';
      const crlText = `${crlCount.toLocaleString('en')}-entry CRL`;
      const rows: BenchRow[] = [
        { group, name: `(b) broker (${crlText}, stapling) vs (a) Node TLS + aedes, no CRL: conn/CPU-s`, value: perCpu('broker'), unit: 'conn/cpu-s', peer: { name: '(a) no CRL', value: perCpu('bare') }, better: 'higher', target: 0.9, note: note('broker') },
        { group, name: `(b) broker vs (a) Node TLS + aedes with the same CRL in OpenSSL: conn/CPU-s`, value: perCpu('broker'), unit: 'conn/cpu-s', peer: { name: '(a) + CRL', value: perCpu('bareCrl') }, better: 'higher', target: 0.9, note: note('bareCrl') },
      ];
      if (mosq) rows.push({ group, name: `(b) broker vs (c) mosquitto crlfile (${crlText}): conn/CPU-s`, value: perCpu('broker'), unit: 'conn/cpu-s', peer: { name: '(c) mosquitto', value: perCpu('mosquitto') }, better: 'higher', target: 1, note: note('mosquitto') });
      rows.push({ group, name: '(b) broker vs (a) Node TLS + aedes, no CRL: conn/s (wall clock, load-sensitive)', value: rate('broker'), unit: 'conn/s', peer: { name: '(a) no CRL', value: rate('bare') }, better: 'higher', target: 0.9 });
      if (mosq) rows.push({ group, name: '(b) broker vs (c) mosquitto: conn/s (wall clock, load-sensitive)', value: rate('broker'), unit: 'conn/s', peer: { name: '(c) mosquitto', value: rate('mosquitto') }, better: 'higher', target: 1 });
      rows.push({ group, name: `(b') broker (${crlText}) without stapling vs (a) Node TLS + aedes, no CRL: conn/CPU-s`, value: perCpu('brokerNoStaple'), unit: 'conn/cpu-s', peer: { name: '(a) no CRL', value: perCpu('bare') }, better: 'higher', target: 0.9, note: 'what stapling costs: compare with the first row' });
      rows.push({ group, name: 'broker with the OCSP responder down vs up: conn/CPU-s', value: perCpu('brokerDeadOcsp'), unit: 'conn/cpu-s', peer: { name: 'responder up', value: perCpu('broker') }, better: 'higher', target: 0.95, note: note('brokerDeadOcsp') });
      rows.push({ group, name: 'OCSP responder requests per 1,000 stapled handshakes', value: brokerHandshakes ? (requests * 1000) / brokerHandshakes : 0, unit: 'req', better: 'lower', note: `${requests} requests for ${brokerHandshakes} handshakes (refresh interval 5 min)` });
      return rows;
    } finally {
      tmp.cleanup();
    }
  },
};

export default bench;

if (process.argv[2] === CLIENT_FLAG) void clientMain(JSON.parse(process.argv[3]) as ClientJob);
