// Path-validation speed, each against a peer measured in the same run:
// (a) parsing every certificate of /etc/ssl/certs into what path validation reads (parseCertificate)
//     vs Node's crypto.X509Certificate touching its fields;
// (b) the whole NIST PKITS suite through verifyCertificate (certificates, CRLs, policies), in-process,
//     vs `openssl verify` on the first PKITS case, one process per call (how users run it), scaled to
//     the same number of cases.
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { findPemBlocks } from '../src/core/pem';
import { parseCertificate } from '../src/core/verify/parse';
import { PKITS_DIR, pkitsAvailable, runPkits } from '../test/conformance/pkitsRunner';
import { makeTempDir } from '../test/support/tmp';
import { median, timeMs } from './timing';
import type { Bench, BenchRow } from './types';

function systemCertDers(): Uint8Array[] {
  const seen = new Set<string>();
  const out: Uint8Array[] = [];
  for (const f of readdirSync('/etc/ssl/certs').sort()) {
    if (!f.endsWith('.pem')) continue;
    let real: string;
    try { real = realpathSync(join('/etc/ssl/certs', f)); } catch { continue; } // dangling link
    if (seen.has(real)) continue;
    seen.add(real);
    for (const b of findPemBlocks(readFileSync(real, 'latin1'))) if (b.der) out.push(b.der);
  }
  return out;
}

function parseBench(): BenchRow[] {
  const ders = systemCertDers();
  let sink = 0;
  const ours = timeMs(() => { for (const d of ders) sink += parseCertificate(d).serial.length; }, 7);
  const node = timeMs(() => {
    for (const d of ders) {
      const x = new X509Certificate(d);
      sink += x.subject.length + x.issuer.length + x.serialNumber.length + x.validTo.length + x.fingerprint256.length + (x.ca ? 1 : 0);
    }
  }, 7);
  if (sink === 0) throw new Error('nothing parsed');
  return [{
    group: `${ders.length} certs of /etc/ssl/certs`, name: 'parse for path validation (parseCertificate)', value: ours, unit: 'ms',
    peer: { name: 'X509Certificate', value: node }, better: 'lower', note: 'names with normalised keys, every extension path validation reads',
  }];
}

async function pkitsBench(): Promise<BenchRow[]> {
  let count = 0;
  const runs: number[] = [];
  for (let i = 0; i < 4; i++) {
    const t = performance.now();
    const { outcomes } = await runPkits();
    if (i > 0) runs.push(performance.now() - t); // the first run warms the JIT
    count = outcomes.length;
  }
  // openssl verify on one PKITS case (4.1.1: trust anchor, intermediate, leaf and two CRLs), given
  // as PEM: openssl verify reads its files as PEM only.
  const tmp = makeTempDir('certscope-bench-');
  const times: number[] = [];
  try {
    const pem = (dir: string, f: string, kind: 'x509' | 'crl'): string => {
      const out = join(tmp.dir, f + '.pem');
      const r = spawnSync('openssl', [kind, '-inform', 'DER', '-in', join(PKITS_DIR, dir, f), '-out', out], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`openssl ${kind} failed on ${f}: ${r.stderr}`);
      return out;
    };
    const args = ['verify', '-x509_strict', '-crl_check_all', '-attime', String(Date.parse('2023-11-14T00:00:00Z') / 1000),
      '-CAfile', pem('certs', 'TrustAnchorRootCertificate.crt', 'x509'), '-untrusted', pem('certs', 'GoodCACert.crt', 'x509'),
      '-CRLfile', pem('crls', 'TrustAnchorRootCRL.crl', 'crl'), '-CRLfile', pem('crls', 'GoodCACRL.crl', 'crl'),
      pem('certs', 'ValidCertificatePathTest1EE.crt', 'x509')];
    for (let i = 0; i < 9; i++) {
      const t = performance.now();
      const r = spawnSync('openssl', args, { encoding: 'utf8' });
      times.push(performance.now() - t);
      if (r.status !== 0) throw new Error(`openssl verify failed: ${r.stderr || r.stdout}`);
    }
  } finally {
    tmp.cleanup();
  }
  return [{
    group: `NIST PKITS (${count} cases)`, name: 'verifyCertificate, whole suite in-process', value: median(runs), unit: 'ms',
    peer: { name: `openssl verify x ${count} (one process each)`, value: median(times) * count }, better: 'lower',
    note: 'chain building, signatures, CRLs, policies, name constraints',
  }];
}

const bench: Bench = {
  name: 'verify (certificate parsing, NIST PKITS)',
  async run() {
    const rows: BenchRow[] = [];
    if (existsSync('/etc/ssl/certs')) rows.push(...parseBench());
    if (pkitsAvailable()) rows.push(...(await pkitsBench()));
    return rows;
  },
};

export default bench;
