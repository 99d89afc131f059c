// Decoding speed and memory, each against a peer measured in the same run:
// (a) every certificate of /etc/ssl/certs: certscope list-level (summarizeCertificate) and full
//     decoding vs Node's crypto.X509Certificate (in-process) and `openssl x509 -noout -text` (one
//     process per file, as users run it);
// (b) a 100,000-entry CRL made by `openssl ca -gencrl`: certscope parse + index in a fresh Node
//     process vs `openssl crl -noout -text`, wall time and peak RSS both from /usr/bin/time.
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { decodeBytes } from '../src/core/decode/index';
import { summarizeCertificate } from '../src/core/decode/certificate';
import { findPemBlocks } from '../src/core/pem';
import { makeTempDir } from '../test/support/tmp';
import { median, timeMs } from './timing';
import type { Bench, BenchRow } from './types';

const CRL_ENTRIES = 100_000;

function systemCerts(): { out: Buffer[]; paths: string[] } {
  const seen = new Set<string>();
  const out: Buffer[] = [];
  const paths: string[] = [];
  for (const f of readdirSync('/etc/ssl/certs').sort()) {
    if (!f.endsWith('.pem')) continue;
    let real: string;
    try { real = realpathSync(join('/etc/ssl/certs', f)); } catch { continue; } // dangling link
    if (!seen.has(real)) { seen.add(real); paths.push(real); out.push(readFileSync(real)); }
  }
  return { out, paths };
}

function certBench(): BenchRow[] {
  const { out: files, paths } = systemCerts();
  let sink = 0;
  const list = timeMs(() => {
    for (const f of files) for (const b of findPemBlocks(f.toString('latin1'))) if (b.der) sink += summarizeCertificate(b.der).serialHex.length;
  }, 7);
  const full = timeMs(() => {
    for (const f of files) for (const it of decodeBytes(f)) sink += it.result.kind.length;
  }, 7);
  const fullVerified = timeMs(() => {
    for (const f of files) for (const it of decodeBytes(f)) if (it.result.kind === 'certificate' && it.result.selfSigned) sink++;
  }, 7);
  const node = timeMs(() => {
    for (const f of files) {
      // Touch the fields a listing shows: X509Certificate computes them lazily.
      const x = new X509Certificate(f);
      sink += x.subject.length + x.issuer.length + x.serialNumber.length + x.validTo.length + x.fingerprint256.length + (x.ca ? 1 : 0);
    }
  }, 7);
  const t0 = performance.now();
  for (const p of paths) {
    const r = spawnSync('openssl', ['x509', '-in', p, '-noout', '-text'], { stdio: ['ignore', 'ignore', 'ignore'] });
    if (r.status !== 0) throw new Error(`openssl x509 failed on ${p}`);
  }
  const opensslMs = performance.now() - t0;
  if (sink === 0) throw new Error('nothing decoded');
  const group = `${files.length} certs of /etc/ssl/certs`;
  return [
    { group, name: 'list-level (summarizeCertificate)', value: list, unit: 'ms', peer: { name: 'X509Certificate', value: node }, better: 'lower', note: 'names, serial, validity, CA flag, SHA-256' },
    { group, name: 'full decoding (decodeBytes)', value: full, unit: 'ms', peer: { name: 'X509Certificate', value: node }, better: 'lower', target: 3, note: 'every field and extension, fingerprints; self-signature checked on first read' },
    { group, name: 'full decoding + selfSigned read', value: fullVerified, unit: 'ms', peer: { name: 'X509Certificate', value: node }, better: 'lower', note: 'includes public-key import + signature verify' },
    { group, name: 'full decoding (decodeBytes)', value: full, unit: 'ms', peer: { name: 'openssl x509 -text per file', value: opensslMs }, better: 'lower' },
  ];
}

const HAVE_TIME = existsSync('/usr/bin/time');

/** Wall time and peak RSS of a command: /usr/bin/time (Debian package "time") when present. */
function timeV(cmd: string, args: string[]): { seconds: number; maxRssMb: number; stdout: string } {
  if (!HAVE_TIME) {
    // Fallback: wall clock from here; peak RSS from the child's own report when it gives one.
    const t = performance.now();
    const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr.slice(-500)}`);
    const rss = /"maxRssKb":(\d+)/.exec(r.stdout);
    return { seconds: (performance.now() - t) / 1000, maxRssMb: rss ? Number(rss[1]) / 1024 : NaN, stdout: r.stdout };
  }
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const m = /TIME ([\d.]+) (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`${cmd} failed: ${r.stderr.slice(-500)}`);
  return { seconds: Number(m[1]), maxRssMb: Number(m[2]) / 1024, stdout: r.stdout };
}

/** A CA and a CRL with CRL_ENTRIES revoked serials, written by openssl itself. */
function makeBigCrl(dir: string): string {
  const run = (args: string[]): void => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
  };
  run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-subj', '/CN=Bench CA', '-days', '30', '-out', 'ca.crt']);
  const lines: string[] = [];
  const reasons = ['keyCompromise', 'superseded', 'cessationOfOperation', 'affiliationChanged'];
  for (let i = 0; i < CRL_ENTRIES; i++) {
    const serial = (0x10_0000_0000 + i * 7919).toString(16).toUpperCase().padStart(12, '0');
    const reason = i % 3 === 0 ? `,${reasons[i % 4]}` : '';
    lines.push(`R\t351231235959Z\t250101000000Z${reason}\t${serial}\tunknown\t/CN=device-${i}`);
  }
  writeFileSync(join(dir, 'index.txt'), lines.join('\n') + '\n');
  writeFileSync(join(dir, 'crlnumber'), '01\n');
  writeFileSync(join(dir, 'ca.cnf'), `[ca]\ndefault_ca=c\n[c]\ndatabase=${dir}/index.txt\ncrlnumber=${dir}/crlnumber\ndefault_md=sha256\ndefault_crl_days=30\n`);
  run(['ca', '-config', 'ca.cnf', '-gencrl', '-cert', 'ca.crt', '-keyfile', 'ca.key', '-out', 'big.crl.pem', '-batch']);
  return join(dir, 'big.crl.pem');
}

async function crlBench(): Promise<BenchRow[]> {
  const tmp = makeTempDir('certscope-bench-');
  try {
    const crlPath = makeBigCrl(tmp.dir);
    // A fresh Node process running the bundled decoder: startup + read + PEM + parse + index.
    const entry = join(tmp.dir, 'entry.ts');
    writeFileSync(entry, `
      import { decodeBytes, readFileForDecoding } from ${JSON.stringify(resolve('src/core/decode/index.ts'))};
      const t = performance.now();
      const read = readFileForDecoding(process.argv[2]);
      if (!read.ok) throw new Error(read.error);
      const [item] = decodeBytes(read.bytes);
      const ms = performance.now() - t;
      if (item.result.kind !== 'crl') throw new Error('not a CRL: ' + JSON.stringify(item.result));
      const crl = item.result;
      const last = crl.entries[crl.entries.length - 1];
      if (crl.bySerial.get(last.serialHex) !== last) throw new Error('index broken');
      process.stdout.write(JSON.stringify({ entries: crl.entryCount, ms, maxRssKb: process.resourceUsage().maxRSS }));
    `);
    const bundle = join(tmp.dir, 'decode-crl.cjs');
    await esbuild.build({ entryPoints: [entry], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
    const rounds = 3;
    const ours: Array<{ seconds: number; maxRssMb: number; ms: number }> = [];
    const theirs: Array<{ seconds: number; maxRssMb: number }> = [];
    for (let i = 0; i < rounds; i++) {
      // Interleaved, so machine load hits both alike.
      const o = timeV(process.execPath, [bundle, crlPath]);
      const parsed = JSON.parse(o.stdout) as { entries: number; ms: number };
      if (parsed.entries !== CRL_ENTRIES) throw new Error(`decoded ${parsed.entries} entries`);
      ours.push({ seconds: o.seconds, maxRssMb: o.maxRssMb, ms: parsed.ms });
      const t = timeV('openssl', ['crl', '-in', crlPath, '-noout', '-text', '-out', '/dev/null']);
      theirs.push(t);
    }
    const group = `${CRL_ENTRIES.toLocaleString('en')}-entry CRL (${(readFileSync(crlPath).length / 1e6).toFixed(1)} MB PEM)`;
    const oursWall = median(ours.map((x) => x.seconds)) * 1000;
    const theirWall = median(theirs.map((x) => x.seconds)) * 1000;
    const oursRss = Math.max(...ours.map((x) => x.maxRssMb));
    return [
      { group, name: 'read + parse + index, fresh process', value: median(ours.map((x) => x.ms)), unit: 'ms', peer: { name: 'openssl crl -noout -text', value: theirWall }, better: 'lower', target: 1, note: 'cold JIT; file read, PEM, DER scan, bySerial Map' },
      { group, name: 'whole process incl. Node startup', value: oursWall, unit: 'ms', peer: { name: 'openssl crl -noout -text', value: theirWall }, better: 'lower', note: '/usr/bin/time wall clock' },
      { group, name: 'peak RSS, whole process', value: oursRss, unit: 'MB', peer: { name: 'openssl crl -noout -text', value: Math.max(...theirs.map((x) => x.maxRssMb)) }, better: 'lower', note: 'target < 300 MB absolute' + (oursRss < 300 ? ' ok' : ' MISSED') },
    ];
  } finally {
    tmp.cleanup();
  }
}

const bench: Bench = {
  name: 'decode (system certificates, 100k-entry CRL)',
  async run() {
    const rows: BenchRow[] = [];
    if (existsSync('/etc/ssl/certs')) rows.push(...certBench());
    rows.push(...(await crlBench()));
    return rows;
  },
};

export default bench;
