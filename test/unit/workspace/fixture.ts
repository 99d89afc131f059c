// Real certificates for the workspace tests, made once per test process by the openssl CLI:
// root -> intermediate -> server/client (test/support/openssl-pki.ts), a CRL from the
// intermediate revoking the client (openssl ca -gencrl), a weak RSA-1024/SHA-1 leaf, a server
// certificate without SAN, and a self-signed leaf. Tests evaluate at fixed clocks derived from the
// certificates' own dates, so nothing depends on when the suite runs.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBytes } from '../../../src/core/decode/index';
import type { CertificateModel, DecodedItem } from '../../../src/core/model';
import { loadFile } from '../../../src/core/workspace/loader';
import type { IndexedFile } from '../../../src/core/workspace/types';
import { issueWithOpenssl, makeOpensslPki, type OpensslPki, type OpensslCert } from '../../support/openssl-pki';
import { openssl } from '../../support/run';
import { makeTempDir } from '../../support/tmp';

export interface Fixture {
  dir: string;
  pki: OpensslPki;
  weak: OpensslCert;
  noSan: OpensslCert;
  crlPath: string;
  pem: (c: OpensslCert) => string;
  cleanup(): void;
}

let cached: Promise<Fixture> | undefined;

export function fixture(): Promise<Fixture> {
  cached ??= build();
  return cached;
}

async function build(): Promise<Fixture> {
  const { dir, cleanup } = makeTempDir('certscope-ws-');
  const pki = await makeOpensslPki(dir);
  const weakKey = join(dir, 'weak.key');
  await openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024', '-out', weakKey]);
  const weakCsr = join(dir, 'weak.csr');
  await openssl(['req', '-new', '-key', weakKey, '-subj', '/CN=weak.example', '-out', weakCsr]);
  const weakCrt = join(dir, 'weak.crt');
  writeFileSync(join(dir, 'weak.ext'), '[ext]\nbasicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:weak.example\n');
  await openssl(['x509', '-req', '-in', weakCsr, '-CA', pki.intermediate.certPath, '-CAkey', pki.intermediate.keyPath,
    '-sha1', '-days', '365', '-set_serial', '0x5eed', '-extfile', join(dir, 'weak.ext'), '-extensions', 'ext', '-out', weakCrt]);
  const weak = { name: 'weak', certPath: weakCrt, keyPath: weakKey, serialHex: '5eed' };
  const noSan = await issueWithOpenssl(dir, 'nosan', {
    subject: '/CN=nosan.example',
    extensions: 'basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\nauthorityKeyIdentifier=keyid',
    issuer: pki.intermediate,
  });
  const crlPath = await makeCrl(dir, pki);
  return { dir, pki, weak, noSan, crlPath, pem: (c) => readFileSync(c.certPath, 'utf8'), cleanup };
}

/** A CRL from the intermediate that revokes the client certificate (keyCompromise), via `openssl ca -gencrl`. */
async function makeCrl(dir: string, pki: OpensslPki): Promise<string> {
  const ca = join(dir, 'ca');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(ca, { recursive: true });
  const enddate = (await openssl(['x509', '-in', pki.client.certPath, '-noout', '-enddate'])).trim().replace('notAfter=', '');
  const exp = asn1Time(new Date(enddate));
  const rev = asn1Time(new Date(Date.now() - 3600_000));
  writeFileSync(join(ca, 'index.txt'), `R\t${exp}\t${rev},keyCompromise\t${pki.client.serialHex.toUpperCase()}\tunknown\t/CN=device-001\n`);
  writeFileSync(join(ca, 'crlnumber'), '01\n');
  writeFileSync(join(ca, 'ca.cnf'), [
    '[ca]', 'default_ca = d', '[d]', `database = ${join(ca, 'index.txt')}`, `crlnumber = ${join(ca, 'crlnumber')}`,
    'default_md = sha256', 'default_crl_days = 30', 'crl_extensions = crlext', '[crlext]', 'authorityKeyIdentifier=keyid',
  ].join('\n') + '\n');
  const out = join(dir, 'intermediate.crl');
  await openssl(['ca', '-gencrl', '-config', join(ca, 'ca.cnf'), '-cert', pki.intermediate.certPath, '-keyfile', pki.intermediate.keyPath, '-out', out]);
  return out;
}

function asn1Time(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
}

export function decode(bytes: Uint8Array, fileName: string): DecodedItem[] {
  return decodeBytes(bytes, { fileName });
}

export async function load(path: string): Promise<IndexedFile> {
  const f = await loadFile(path, { decode, maxBytes: 5 * 1024 * 1024, timeoutMs: 5000 });
  if (!f) throw new Error(`not loaded: ${path}`);
  return f;
}

export function certOf(f: IndexedFile, i = 0): CertificateModel {
  const r = f.items[i].result;
  if (r.kind !== 'certificate') throw new Error(`item ${i} of ${f.key} is ${r.kind}`);
  return r;
}

/** Writes a file into the fixture folder and returns its path. */
export function write(dir: string, name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}
