// Hostile workspace files cost at most linear time:
// (a) findPemBlocks on normal and hostile texts of 1, 2, 4 and 8 MB: cost per MB, each size against
//     the 1 MB cost per MB of the same input in this run (a ratio near 1 is linear growth; the scan
//     this replaced was quadratic: 5 MB of unterminated BEGIN lines took minutes);
// (b) the key-derivation budget: time for certscope to open or refuse .p12 files against
//     `openssl pkcs12 -info` on the same file (openssl has no budget and runs every iteration).
//     The -iter 200,000 row is the most a file can cost: the whole budget, then a refusal.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBytes, KdfBudget } from '../src/core/decode/index';
import { explicit, implicitPrimitive, integer, octetString, oid, seq } from '../src/core/der/writer';
import { findPemBlocks } from '../src/core/pem';
import { makeTempDir } from '../test/support/tmp';
import { median, timeMs } from './timing';
import type { Bench, BenchRow } from './types';

const MB = 1024 * 1024;
const SIZES = [1, 2, 4, 8];

function repeatTo(unit: string, bytes: number): string {
  return unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
}

/** Inputs of about `bytes` bytes: what people have, and what an attacker would commit. */
function inputs(cert: string): Array<{ name: string; make: (bytes: number) => string }> {
  const b64 = cert.split('\n').filter((l) => l && !l.startsWith('-----'));
  return [
    { name: 'normal: PEM bundle', make: (n) => repeatTo(cert, n) },
    { name: 'normal: certificates in one JSON line', make: (n) => JSON.stringify({ certs: Array.from({ length: Math.ceil(n / cert.length) }, () => cert) }) },
    { name: 'hostile: unterminated BEGIN lines', make: (n) => repeatTo('-----BEGIN CERTIFICATE-----\n', n) },
    { name: 'hostile: one BEGIN, base64 without END', make: (n) => `-----BEGIN CERTIFICATE-----\n${repeatTo(`${b64[1]}\n`, n)}` },
    { name: 'hostile: 9,999 BEGINs then text', make: (n) => '-----BEGIN CERTIFICATE-----\n'.repeat(9_999) + repeatTo(`${b64[1]}\n`, Math.max(0, n - 9_999 * 28)) },
    { name: 'hostile: empty blocks on one line', make: (n) => repeatTo('-----BEGIN X-----\\n-----END X-----\\n', n) },
  ];
}

function pemRows(): BenchRow[] {
  const cert = readFileSync('examples/pki/server.crt', 'latin1');
  const rows: BenchRow[] = [];
  let sink = 0;
  for (const input of inputs(cert)) {
    let perMbAt1 = 0;
    for (const size of SIZES) {
      const text = input.make(size * MB);
      const ms = timeMs(() => { sink += findPemBlocks(text).length; }, size >= 4 ? 3 : 5);
      const perMb = ms / (text.length / MB);
      if (size === 1) perMbAt1 = perMb;
      rows.push({
        group: 'PEM scan', name: `${input.name}, ${size} MB`, value: perMb, unit: 'ms/MB', better: 'lower',
        ...(size > 1 ? { peer: { name: 'same input at 1 MB', value: perMbAt1 }, target: 2 } : {}),
        note: size === 1 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(1)} ms total`,
      });
    }
  }
  if (sink < 0) console.log(sink);
  return rows;
}

function opensslMs(args: string[]): number {
  const t = performance.now();
  const r = spawnSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
  return ms;
}

function kdfRows(): BenchRow[] {
  const tmp = makeTempDir('certscope-bench-kdf-');
  try {
    const key = join(tmp.dir, 'k.pem');
    const crt = join(tmp.dir, 'c.pem');
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', crt, '-subj', '/CN=kdf bench', '-days', '1'], { stdio: 'ignore' });
    if (made.status !== 0) throw new Error('openssl req failed');
    const rows: BenchRow[] = [];
    // OpenSSL-style files charge 4 units per MAC iteration and 1 per bag iteration: 6 x -iter.
    for (const iter of [100_000, 200_000, 1_000_000]) {
      const p12 = join(tmp.dir, `iter-${iter}.p12`);
      const exported = spawnSync('openssl', ['pkcs12', '-export', '-inkey', key, '-in', crt, '-out', p12, '-passout', 'pass:pw', '-iter', String(iter)], { stdio: 'ignore' });
      if (exported.status !== 0) throw new Error('openssl pkcs12 -export failed');
      const bytes = readFileSync(p12);
      let refused = ''; // the problem message, or "not refused (kind)"
      let spent = 0;
      const ours = timeMs(() => {
        const budget = new KdfBudget();
        const r = decodeBytes(bytes, { password: 'pw', kdfBudget: budget })[0].result;
        refused = r.kind === 'error' ? r.message : `not refused (${r.kind})`;
        spent = budget.spent;
      }, 3);
      const opened = refused === 'not refused (pkcs12)';
      if (opened !== iter <= 150_000) throw new Error(`-iter ${iter}: unexpected result: ${refused}`);
      const peer = median([0, 1, 2].map(() => opensslMs(['pkcs12', '-in', p12, '-info', '-noout', '-passin', 'pass:pw'])));
      rows.push({
        group: 'KDF budget', name: `${opened ? 'open' : 'refuse'} .p12 made with -iter ${iter.toLocaleString('en-US')}`, value: ours, unit: 'ms', better: 'lower',
        peer: { name: 'openssl pkcs12 -info (no budget)', value: peer }, ...(spent === 0 ? { target: 1 } : {}),
        note: `certscope spent ${spent.toLocaleString('en-US')} of its ${new KdfBudget().limit.toLocaleString('en-US')} units${opened ? '' : ', then refused'}`,
      });
    }
    // A crafted file openssl would need hours for: one legacy PBE bag of 2^31-1 iterations.
    const DATA = '1.2.840.113549.1.7.1';
    const pbe = seq(oid('1.2.840.113549.1.12.1.3'), seq(octetString(Buffer.alloc(8, 1)), integer(2 ** 31 - 1)));
    const encrypted = seq(oid('1.2.840.113549.1.7.6'), explicit(0, seq(integer(0), seq(oid(DATA), pbe, implicitPrimitive(0, Buffer.alloc(64))))));
    const crafted = seq(integer(3), seq(oid(DATA), explicit(0, octetString(seq(encrypted)))));
    const craftedMs = timeMs(() => { decodeBytes(crafted); }, 5);
    rows.push({
      group: 'KDF budget', name: 'refuse crafted .p12 (legacy PBE bag, 2^31-1 iterations, no password)', value: craftedMs, unit: 'ms', better: 'lower',
      note: 'openssl not run: it would derive 3 x 2^31 SHA-1 iterations (hours)',
    });
    return rows;
  } finally {
    tmp.cleanup();
  }
}

const bench: Bench = {
  name: 'hostile input (PEM scan vs size, KDF budget)',
  async run() {
    return [...pemRows(), ...kdfRows()];
  },
};
export default bench;
