// Broker profiles and MQTT versions, ratios measured in one run:
//   1. connection setup (TLS 1.3 with a client certificate + CONNECT/CONNACK) with MQTT 5 clients
//      vs MQTT 3.1.1 clients, same broker, rounds interleaved;
//   2. the emqx5 profile with 1,000 client certificates spread over 10 CRL distribution points
//      (Certscope's CRL server, one port each): CRL fetches per distribution point within one
//      refresh interval (EMQX fetches each URL once, then serves it from its cache);
//   3. the handshake rate of emqx5 (CRL from the cache, leaf only) vs emqx4 (the same CRL as a file,
//      whole chain) with those 1,000 certificates.
// Clients run in a child process with one TLS context per certificate, several in parallel.
import { join } from 'node:path';
import * as tls from 'node:tls';
import { readFileSync, writeFileSync } from 'node:fs';
import { initCa, CrlServer, type CertificateAuthority } from '../src/core/ca';
import { TlsMqttBroker } from '../src/core/broker/broker';
import { resolveBrokerConfig } from '../src/core/broker/config';
import { makeTempDir } from '../test/support/tmp';
import type { Bench, BenchRow } from './types';
import { connectLoop, runLoopChild, type ConnectLoopResult } from './connectLoop';

const CLIENT_FLAG = '--profiles-bench-client';
const ROUND_MS = Number(process.env.PROFILES_BENCH_ROUND_MS ?? 2000);
const ROUNDS = Number(process.env.PROFILES_BENCH_ROUNDS ?? 4);
const CERTS = Number(process.env.PROFILES_BENCH_CERTS ?? 1000);
const CDPS = 10;
const CONCURRENCY = 8;
// CONNECT, client id "b", clean, keepalive 60: MQTT 3.1.1 (level 4) and MQTT 5 (level 5, no properties).
const CONNECT = { 4: '100d00044d5154540402003c000162', 5: '100e00044d5154540502003c00000162' } as const;

interface ClientJob { port: number; ca: string; certs: Array<{ cert: string; key: string }>; ms: number; concurrency: number; connect: string }

async function clientMain(jobFile: string): Promise<void> {
  const job = JSON.parse(readFileSync(jobFile, 'utf8')) as ClientJob;
  const contexts = job.certs.map((c) => tls.createSecureContext({ ca: readFileSync(job.ca), cert: readFileSync(c.cert), key: readFileSync(c.key), minVersion: 'TLSv1.3' }));
  const r = await connectLoop({ port: job.port, contexts, connect: Buffer.from(job.connect, 'hex'), ms: job.ms, concurrency: job.concurrency });
  process.stdout.write(JSON.stringify(r) + '\n');
}

function runClient(dir: string, job: ClientJob): Promise<ConnectLoopResult> {
  const file = join(dir, `job-${job.port}-${job.connect.slice(16, 18)}.json`);
  writeFileSync(file, JSON.stringify(job));
  return runLoopChild(__filename, CLIENT_FLAG, file);
}

async function run(): Promise<BenchRow[]> {
  const tmp = makeTempDir();
  const servers: CrlServer[] = [];
  const brokers: TlsMqttBroker[] = [];
  try {
    const ca: CertificateAuthority = await initCa(join(tmp.dir, 'ca'), { subject: '/CN=Bench Profiles CA', key: 'p256' });
    for (let i = 0; i < CDPS; i++) servers.push(new CrlServer({ derPath: ca.paths.crlDer, pemPath: ca.paths.crlPem, path: `/cdp${i}.crl` }));
    const urls = await Promise.all(servers.map(async (s) => (await s.start()).derUrl));
    const server = await ca.issue({ profile: 'server', name: 'broker', dns: ['localhost'], ip: ['127.0.0.1'] });
    const certs: Array<{ cert: string; key: string }> = [];
    for (let i = 0; i < CERTS; i++) {
      const c = await ca.issue({ profile: 'client', name: `dev-${i}`, crlUrls: [urls[i % CDPS]] });
      certs.push({ cert: c.paths.cert, key: c.paths.key as string });
    }
    // A few revoked ones, so the CRL is not empty.
    for (let i = 0; i < 5; i++) await ca.revoke((await ca.issue({ profile: 'client', name: `gone-${i}`, crlUrls: [urls[0]] })).paths.cert, 'keyCompromise');
    const base = { port: 0, wssPort: null, certfile: server.paths.cert, keyfile: server.paths.key, cacertfile: ca.paths.certificate, idle_timeout: '30s', handshake_timeout: '30s' };
    const start = async (o: Record<string, unknown>): Promise<{ b: TlsMqttBroker; port: number }> => {
      const b = new TlsMqttBroker(resolveBrokerConfig({ ...base, ...o }));
      brokers.push(b);
      return { b, port: (await b.start())[0].port };
    };
    const plain = await start({ profile: 'emqx5', enable_crl_check: false });
    const emqx5 = await start({ profile: 'emqx5', enable_crl_check: true });
    const emqx4 = await start({ profile: 'emqx4', enable_crl_check: true, crl_files: [ca.paths.crlPem] });
    const job = (port: number, level: 4 | 5, list = certs.slice(0, 1)): ClientJob => ({ port, ca: ca.paths.certificate, certs: list, ms: ROUND_MS, concurrency: CONCURRENCY, connect: CONNECT[level] });

    const totals = { v4: 0, v5: 0, e5: 0, e4: 0, errors: 0, lastError: '' };
    // First sight of all 1,000 certificates on emqx5 (and a warm-up for emqx4): every CDP is fetched here.
    for (const b of [emqx5, emqx4]) {
      const r = await runClient(tmp.dir, { ...job(b.port, 5, certs), ms: ROUND_MS * 2 });
      totals.errors += r.errors;
    }
    for (let round = 0; round < ROUNDS; round++) {
      const v4 = await runClient(tmp.dir, job(plain.port, 4));
      const v5 = await runClient(tmp.dir, job(plain.port, 5));
      const e5 = await runClient(tmp.dir, job(emqx5.port, 5, certs));
      const e4 = await runClient(tmp.dir, job(emqx4.port, 5, certs));
      totals.v4 += v4.count;
      totals.v5 += v5.count;
      totals.e5 += e5.count;
      totals.e4 += e4.count;
      for (const r of [v4, v5, e5, e4]) {
        totals.errors += r.errors;
        if (r.lastError) totals.lastError = r.lastError;
      }
    }
    const secs = (ROUNDS * ROUND_MS) / 1000;
    const dps = emqx5.b.state().crl.distributionPoints;
    const maxPerCdp = Math.max(...dps.map((d) => d.fetches));
    const hits = dps.reduce((n, d) => n + d.hits, 0);
    const errNote = totals.errors ? `; ${totals.errors} failed connections (last: ${totals.lastError})` : '';
    return [
      {
        group: 'broker profiles', name: 'connections/s, MQTT 5 clients vs MQTT 3.1.1 clients (TLS 1.3, client cert)',
        value: totals.v5 / secs, unit: 'conn/s', peer: { name: 'MQTT 3.1.1', value: totals.v4 / secs }, better: 'higher', target: 0.9,
        note: `${ROUNDS} interleaved rounds of ${ROUND_MS} ms, ${CONCURRENCY} parallel${errNote}`,
      },
      {
        group: 'broker profiles', name: `emqx5: CRL fetches per distribution point in one refresh interval (${CERTS} certs, ${CDPS} CDPs)`,
        value: maxPerCdp, unit: 'fetches', better: 'lower',
        note: `${dps.length} CDPs cached, ${dps.reduce((n, d) => n + d.fetches, 0)} fetches, ${hits} cache hits; EMQX: at most 1 per CDP`,
      },
      {
        group: 'broker profiles', name: `connections/s, emqx5 (CDP cache) vs emqx4 (CRL file), ${CERTS} client certs`,
        value: totals.e5 / secs, unit: 'conn/s', peer: { name: 'emqx4 profile', value: totals.e4 / secs }, better: 'higher', target: 0.8,
        note: `MQTT 5 CONNECT, certificates round-robin${errNote}`,
      },
    ];
  } finally {
    for (const b of brokers) await b.stop();
    for (const s of servers) await s.close();
    tmp.cleanup();
  }
}

if (process.argv[2] === CLIENT_FLAG) {
  void clientMain(process.argv[3]);
}

const bench: Bench = { name: 'broker profiles and MQTT versions', run };
export default bench;
