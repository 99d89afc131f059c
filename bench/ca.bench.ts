// Development CA speed: issuing 1,000 certificates (vs openssl req + openssl x509 -req per
// certificate, 50 measured and scaled), writing a 100,000-entry CRL with signing (vs `openssl ca
// -gencrl` on the same index.txt; time and peak RSS of separate processes), and revocation
// lookups at 100k vs 1k entries (O(1)).
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../test/support/tmp';
import { initCa, openCa, formatIndex, indexBySerial, serialKey, type IndexEntry } from '../src/core/ca/index';
import type { Bench, BenchRow } from './types';

const ISSUE_COUNT = 1000;
const OPENSSL_ISSUE_SAMPLE = 50;
const CRL_ENTRIES = 100_000;

/** Child mode: write the CRL of the CA in argv and print time + peak RSS (a fresh process measures peak memory honestly). */
async function childWriteCrl(dir: string): Promise<void> {
  const t = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const r = await openCa(dir).writeCrl();
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  process.stdout.write(JSON.stringify({ ms, cpuMs, entries: r.entries, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
}

function fakeIndex(n: number, start: bigint): IndexEntry[] {
  const out: IndexEntry[] = [];
  const expires = new Date('2030-01-01T00:00:00Z');
  const date = new Date('2026-01-01T00:00:00Z');
  for (let i = 0; i < n; i++) {
    out.push({
      status: 'R', expires, serialHex: (start + BigInt(i) * 7919n).toString(16).toUpperCase().padStart(16, '0'), file: 'unknown', subject: `/CN=device-${i}`,
      revoked: { date: new Date(date.getTime() + i * 1000), reason: i % 3 === 0 ? 'keyCompromise' : i % 3 === 1 ? 'superseded' : undefined },
    });
  }
  return out;
}

function gnuTime(cmd: string, args: string[], cwd: string): { ms: number; maxRssMb: number } {
  const t = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { cwd, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  const kb = Number(r.stderr.trim().split('\n').pop());
  return { ms, maxRssMb: kb / 1024 };
}

const bench: Bench = {
  name: 'ca',
  async run(): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    const tmp = makeTempDir('certscope-bench-ca-');
    try {
      // 1. Issuing.
      const ca = await initCa(join(tmp.dir, 'issue'), { subject: '/CN=Bench CA', key: 'p256' });
      let t = process.hrtime.bigint();
      for (let i = 0; i < ISSUE_COUNT; i++) await ca.issue({ profile: 'client', name: `c${i}`, key: 'p256' });
      const oursMs = Number(process.hrtime.bigint() - t) / 1e6;
      const od = join(tmp.dir, 'ossl');
      execFileSync('mkdir', ['-p', od]);
      t = process.hrtime.bigint();
      for (let i = 0; i < OPENSSL_ISSUE_SAMPLE; i++) {
        execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(od, `${i}.key`), '-out', join(od, `${i}.csr`), '-subj', `/CN=c${i}`], { stdio: 'ignore' });
        execFileSync('openssl', ['x509', '-req', '-in', join(od, `${i}.csr`), '-CA', ca.paths.certificate, '-CAkey', ca.paths.privateKey, '-days', '365', '-sha256', '-set_serial', String(1000 + i), '-out', join(od, `${i}.crt`)], { stdio: 'ignore' });
      }
      const theirsMs = (Number(process.hrtime.bigint() - t) / 1e6) * (ISSUE_COUNT / OPENSSL_ISSUE_SAMPLE);
      rows.push({ group: 'ca', name: `issue ${ISSUE_COUNT} certs (P-256 key + cert + index + files)`, value: oursMs, unit: 'ms', better: 'lower', target: 1,
        peer: { name: `openssl req+x509 per cert (${OPENSSL_ISSUE_SAMPLE} scaled)`, value: theirsMs } });

      // 2. A 100,000-entry CRL: Certscope in a fresh process vs openssl ca -gencrl, same index.txt.
      const big = await initCa(join(tmp.dir, 'crl'), { subject: '/CN=Big CRL CA', key: 'p256' });
      writeFileSync(big.paths.database, formatIndex(fakeIndex(CRL_ENTRIES, 0x1000000000n)));
      const child = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'ca.bench.ts'), big.paths.dir], {
        env: { ...process.env, CERTSCOPE_BENCH_CA_CHILD: '1' }, encoding: 'utf8', maxBuffer: 1 << 20,
      });
      if (child.status !== 0) throw new Error(`CRL child failed: ${child.stderr}`);
      const ours = JSON.parse(child.stdout.trim().split('\n').pop()!) as { ms: number; cpuMs: number; entries: number; maxRssMb: number };
      if (ours.entries !== CRL_ENTRIES) throw new Error(`CRL has ${ours.entries} entries`);
      const peer = gnuTime('openssl', ['ca', '-config', big.paths.config, '-gencrl', '-out', join(tmp.dir, 'openssl-big.crl')], big.paths.dir);
      rows.push({ group: 'ca', name: `write+sign CRL, ${CRL_ENTRIES / 1000}k entries (read index.txt, DER, sign, PEM+DER files)`, value: ours.ms, unit: 'ms', better: 'lower', target: 1,
        peer: { name: 'openssl ca -gencrl', value: peer.ms }, note: `target < 2000 ms: ${ours.ms < 2000 ? 'ok' : 'MISSED'} (CPU ${Math.round(ours.cpuMs)} ms)` });
      rows.push({ group: 'ca', name: `peak RSS writing the ${CRL_ENTRIES / 1000}k CRL (whole process)`, value: ours.maxRssMb, unit: 'MB', better: 'lower',
        peer: { name: 'openssl ca -gencrl', value: peer.maxRssMb }, note: `target < 300 MB: ${ours.maxRssMb < 300 ? 'ok' : 'MISSED'}` });

      // 3. Revocation lookup: O(1) by serial (index table used by the CA and the OCSP responder).
      const small = openCa(join(tmp.dir, 'issue'));
      const perLookup = (c: typeof small, serials: string[]): number => {
        c.find(serials[0]); // builds the table once
        const N = 200_000;
        const t0 = process.hrtime.bigint();
        let hits = 0;
        for (let i = 0; i < N; i++) if (c.find(serials[i % serials.length])) hits++;
        if (hits !== N) throw new Error('lookup missed');
        return Number(process.hrtime.bigint() - t0) / N;
      };
      const smallSerials = small.list().map((e) => e.serialHex);
      const bigCa = openCa(big.paths.dir);
      const bigSerials = bigCa.list().map((e) => e.serialHex);
      const nsSmall = perLookup(small, smallSerials);
      const nsBig = perLookup(bigCa, bigSerials);
      rows.push({ group: 'ca', name: `CA.find(serial) at ${bigSerials.length / 1000}k entries (incl. freshness stat)`, value: nsBig, unit: 'ns', better: 'lower', target: 3,
        peer: { name: `same at ${smallSerials.length / 1000}k entries`, value: nsSmall }, note: 'O(1): ratio ~1' });
      // The in-memory table alone (what a CRL/OCSP check consults between file changes). The same
      // 1,000 serials are looked up in both tables, so only the table size differs (not cache reuse).
      const tableNs = (entries: IndexEntry[], serials: string[]): number => {
        const table = indexBySerial(entries);
        const keys = serials.slice(0, 1000).map((x) => x.toLowerCase());
        const N = 1_000_000;
        const t0 = process.hrtime.bigint();
        let hits = 0;
        for (let i = 0; i < N; i++) if (table.get(serialKey(keys[i % keys.length]))) hits++;
        if (hits !== N) throw new Error('table lookup missed');
        return Number(process.hrtime.bigint() - t0) / N;
      };
      rows.push({ group: 'ca', name: `serial table lookup at ${bigSerials.length / 1000}k entries`, value: tableNs(bigCa.list(), bigSerials), unit: 'ns', better: 'lower', target: 3,
        peer: { name: `same at ${smallSerials.length / 1000}k entries`, value: tableNs(small.list(), smallSerials) }, note: 'O(1): ratio ~1' });
    } finally {
      tmp.cleanup();
    }
    return rows;
  },
};

export default bench;

if (process.env.CERTSCOPE_BENCH_CA_CHILD) {
  childWriteCrl(process.argv[2]).catch((e: unknown) => { process.stderr.write(String(e) + '\n'); process.exit(1); });
}
