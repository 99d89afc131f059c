// Every certificate in /etc/ssl/certs, decoded by Certscope, compared field by field with what
// the openssl CLI prints for the same file.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBytes, normalizeSerial } from '../../../src/core/decode/index';
import { formatGeneralName } from '../../../src/core/x509/generalName';
import type { CertificateModel } from '../../../src/core/model';
import { openssl } from '../../support/run';

const DIR = '/etc/ssl/certs';

function systemCertFiles(): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const f of readdirSync(DIR).sort()) {
    if (!f.endsWith('.pem')) continue;
    let real: string;
    try {
      real = realpathSync(join(DIR, f));
    } catch {
      continue; // dangling link (the store is being updated): nothing to compare
    }
    if (seen.has(real)) continue;
    seen.add(real);
    out.push(join(DIR, f));
  }
  return out;
}

interface OpensslView {
  subject: string; issuer: string; serial: string; notBefore: string; notAfter: string; sha256: string; bits: number; sans: string[];
}

/** IPv6 as openssl prints it (uppercase, uncompressed groups) -> our compressed form. */
function normalizeIpv6(s: string): string {
  const groups = s.split(':').map((g) => parseInt(g, 16));
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => { bytes[i * 2] = g >> 8; bytes[i * 2 + 1] = g & 0xff; });
  return bytes.reduce((a, b) => a + b.toString(16).padStart(2, '0'), '').match(/.{4}/g)!.map((g) => parseInt(g, 16).toString(16)).join(':').replace(/\b(?:0:){2,}/, '::').replace(/:::?/, '::');
}

async function opensslView(file: string): Promise<OpensslView> {
  const out = await openssl(['x509', '-in', file, '-noout', '-nameopt', 'RFC2253,-esc_msb', '-dateopt', 'iso_8601',
    '-subject', '-issuer', '-serial', '-dates', '-fingerprint', '-sha256', '-text']);
  const line = (prefix: string): string => {
    const l = out.split('\n').find((x) => x.startsWith(prefix));
    if (l === undefined) throw new Error(`openssl output for ${file} has no ${prefix}`);
    return l.slice(prefix.length);
  };
  const lines = out.split('\n');
  const sanAt = lines.findIndex((l) => l.trim().startsWith('X509v3 Subject Alternative Name'));
  const sans = sanAt < 0 ? [] : lines[sanAt + 1].trim().split(', ').map((s) => {
    if (s.startsWith('IP Address:')) {
      const ip = s.slice('IP Address:'.length);
      return `IP:${ip.includes(':') ? normalizeIpv6(ip) : ip}`;
    }
    return s;
  });
  const bits = Number(/Public-Key: \((\d+) bit\)/.exec(out)?.[1]);
  return {
    subject: line('subject='), issuer: line('issuer='), serial: line('serial='), notBefore: line('notBefore='), notAfter: line('notAfter='),
    sha256: line('sha256 Fingerprint=').replace(/:/g, '').toLowerCase(), bits, sans,
  };
}

function isoSeconds(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('.000Z', 'Z');
}

async function pool<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }));
  return out;
}

describe('interop: every certificate in /etc/ssl/certs matches openssl x509', function () {
  this.timeout(120_000);
  const files = systemCertFiles();

  it(`finds the system certificates (${files.length})`, () => {
    assert.ok(files.length >= 50, `expected the Debian ca-certificates store, found ${files.length} files`);
  });

  it('subject, issuer, serial, validity, SHA-256, key size and SANs agree for every file', async () => {
    const views = await pool(files, 4, opensslView);
    const mismatches: string[] = [];
    files.forEach((file, i) => {
      const items = decodeBytes(readFileSync(file), { fileName: file });
      if (items.length !== 1 || items[0].result.kind !== 'certificate') {
        mismatches.push(`${file}: decoded as ${items.map((x) => x.result.kind === 'error' ? x.result.message : x.result.kind).join(', ')}`);
        return;
      }
      const c = items[0].result as CertificateModel;
      const o = views[i];
      const ours: OpensslView = {
        subject: c.subject.rfc4514, issuer: c.issuer.rfc4514, serial: c.serialHex, notBefore: isoSeconds(c.notBefore),
        notAfter: isoSeconds(c.notAfter), sha256: c.fingerprints.sha256, bits: c.publicKey.bits ?? -1,
        // openssl prints directory names in its "/A=v/B=v" one-line form, in encoded order.
        sans: (c.extensions.subjectAltName?.names ?? []).map((n) => n.type === 'dirName'
          ? `DirName:${n.name.attributes.map((a) => `/${a.shortName}=${a.value}`).join('')}` : formatGeneralName(n)),
      };
      const theirs = { ...o, serial: normalizeSerial(o.serial) };
      for (const k of Object.keys(ours) as Array<keyof OpensslView>) {
        if (JSON.stringify(ours[k]) !== JSON.stringify(theirs[k])) mismatches.push(`${file}: ${k}: certscope ${JSON.stringify(ours[k])} vs openssl ${JSON.stringify(theirs[k])}`);
      }
    });
    assert.deepEqual(mismatches, [], mismatches.slice(0, 20).join('\n'));
  });

  it('every system certificate is a self-signed CA (checked with its own key), as a root store should be', () => {
    const notSelfSigned = files.filter((f) => {
      const r = decodeBytes(readFileSync(f))[0].result;
      return r.kind !== 'certificate' || !r.selfSigned;
    });
    // openssl agrees these are roots: `openssl verify -CAfile f f` would pass for each. We only check our flag.
    assert.deepEqual(notSelfSigned, []);
  });
});
