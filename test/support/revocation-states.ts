// Workspace states for the "one revocation truth" tests, made by the openssl CLI (and one by
// Certscope's own CA), so every surface is checked against what a peer wrote:
//   emqx/     an openssl-made CA in the EMQX docs' layout (openssl ca with its own openssl.cnf,
//             newcerts/ archive copies) whose CRL is crl/inter.crl.pem in ANOTHER folder
//   certscope/ a Certscope CA (crl.pem in the CA folder)
//   stale/    a CA whose only CRL is past its nextUpdate at the evaluation time
//   twins/    two CAs with the same name and different keys (no key identifiers): the CRL of one
//             must not revoke the other's certificate with the same serial
//   chain/    a root that revoked its intermediate: the intermediate is revoked, its leaf has a revoked issuer
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initCa } from '../../src/core/ca';
import { issueWithOpenssl, issueWithOpensslCa, type OpensslCert } from './openssl-pki';
import { openssl } from './run';

export type Expected = 'valid' | 'revoked' | 'issuerRevoked';

interface StateCert {
  /** What every surface must say about it. */
  expect: Expected;
  certPath: string;
  /** openssl-made CA folders: the CA certificate and its directory (the CA view lists it). */
  ca?: { dir: string; certPath: string };
}

export interface RevocationStates {
  dir: string;
  /** Evaluation time: a day after creation (the stale CRL is 1 hour long). */
  now: Date;
  certs: Record<string, StateCert>;
  /** Files openssl verify needs for the peer check of the EMQX case. */
  emqx: { root: string; inter: string; crl: string; revoked: string; good: string };
}

export const CA_EXT = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid';
export const LEAF_SECTION = 'leaf_ext';

/** An `openssl ca` directory: relative paths in its openssl.cnf, resolved from the folder like the EMQX docs do. */
export function opensslCaDir(dir: string, ca: OpensslCert, opts: { crlExt?: boolean; keyIds?: boolean } = {}): string {
  mkdirSync(join(dir, 'newcerts'), { recursive: true });
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(join(dir, 'crlnumber'), '1000\n');
  const cnf = join(dir, 'openssl.cnf');
  const keyIds = opts.keyIds !== false;
  writeFileSync(cnf, `[ca]
default_ca = CA_default
[CA_default]
dir = ${dir}
database = $dir/index.txt
new_certs_dir = $dir/newcerts
certificate = ${ca.certPath}
private_key = ${ca.keyPath}
serial = $dir/serial
crlnumber = $dir/crlnumber
default_md = sha256
default_days = 365
default_crl_days = 30
policy = policy_any
unique_subject = no
copy_extensions = copy
${opts.crlExt !== false && keyIds ? 'crl_extensions = crl_ext' : ''}
[policy_any]
commonName = supplied
[${LEAF_SECTION}]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
${keyIds ? 'subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid' : 'subjectKeyIdentifier = none\nauthorityKeyIdentifier = none'}
[ca_ext]
${CA_EXT}
[crl_ext]
authorityKeyIdentifier = keyid:always
`);
  return cnf;
}

export async function revoke(cnf: string, cert: string, reason = 'keyCompromise'): Promise<void> {
  await openssl(['ca', '-batch', '-config', cnf, '-revoke', cert, '-crl_reason', reason]);
}

export async function gencrl(cnf: string, out: string, extra: string[] = []): Promise<void> {
  await openssl(['ca', '-batch', '-config', cnf, '-gencrl', '-out', out, ...extra]);
}

export async function makeRevocationStates(dir: string): Promise<RevocationStates> {
  const certs: Record<string, StateCert> = {};

  // 1. EMQX docs workflow: root made with openssl x509, intermediate CA folder run by `openssl ca`,
  //    devices issued and revoked there, the CRL written to crl/inter.crl.pem (not crl.pem, not in the CA folder).
  const emqx = join(dir, 'emqx');
  const interDir = join(emqx, 'inter');
  const devices = join(emqx, 'devices');
  for (const d of [emqx, interDir, devices, join(emqx, 'crl')]) mkdirSync(d, { recursive: true });
  const root = await issueWithOpenssl(emqx, 'root', { subject: '/O=EMQX Test/CN=EMQX Root CA', extensions: 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash', days: 3650 });
  const inter = await issueWithOpenssl(interDir, 'inter', { subject: '/O=EMQX Test/CN=EMQX Intermediate CA', extensions: CA_EXT, issuer: root, days: 1825 });
  const interCnf = opensslCaDir(interDir, inter);
  const good = await issueWithOpensslCa(interCnf, devices, 'device-good', { section: LEAF_SECTION });
  const bad = await issueWithOpensslCa(interCnf, devices, 'device-bad', { section: LEAF_SECTION });
  await revoke(interCnf, bad.certPath);
  const interCrl = join(emqx, 'crl', 'inter.crl.pem');
  await gencrl(interCnf, interCrl);
  certs['emqx device-good'] = { expect: 'valid', certPath: good.certPath, ca: { dir: interDir, certPath: inter.certPath } };
  certs['emqx device-bad'] = { expect: 'revoked', certPath: bad.certPath, ca: { dir: interDir, certPath: inter.certPath } };
  // openssl's own archive copy of the revoked device (newcerts/<SERIAL>.pem).
  certs['emqx newcerts copy of device-bad'] = { expect: 'revoked', certPath: join(interDir, 'newcerts', `${bad.serialHex.toUpperCase()}.pem`), ca: { dir: interDir, certPath: inter.certPath } };
  certs['emqx intermediate'] = { expect: 'valid', certPath: inter.certPath };

  // 2. A Certscope CA.
  const csDir = join(dir, 'certscope', 'ca');
  const ca = await initCa(csDir, { subject: '/O=Certscope Test/CN=Certscope Dev CA', key: 'p256' });
  const csGood = await ca.issue({ profile: 'client', name: 'cs-good' });
  const csBad = await ca.issue({ profile: 'client', name: 'cs-bad' });
  await ca.revoke(csBad.paths.cert, 'superseded');
  certs['certscope cs-good'] = { expect: 'valid', certPath: csGood.paths.cert, ca: { dir: csDir, certPath: join(csDir, 'ca.crt') } };
  certs['certscope cs-bad'] = { expect: 'revoked', certPath: csBad.paths.cert, ca: { dir: csDir, certPath: join(csDir, 'ca.crt') } };

  // 3. A stale CRL (one hour long; evaluated a day later): revocation unknown, the certificate itself valid.
  const staleDir = join(dir, 'stale');
  mkdirSync(staleDir, { recursive: true });
  const staleCa = await issueWithOpenssl(staleDir, 'stale-ca', { subject: '/CN=Stale CRL CA', extensions: CA_EXT, days: 3650 });
  const staleCnf = opensslCaDir(staleDir, staleCa);
  const staleLeaf = await issueWithOpensslCa(staleCnf, staleDir, 'stale-leaf', { section: LEAF_SECTION });
  await gencrl(staleCnf, join(staleDir, 'stale.crl'), ['-crlhours', '1']);
  certs['stale leaf'] = { expect: 'valid', certPath: staleLeaf.certPath, ca: { dir: staleDir, certPath: staleCa.certPath } };

  // 4. Two CAs named "Twin CA" with different keys and no key identifiers; each issues serial 0x1000.
  //    Twin B revokes its 0x1000; Twin A's 0x1000 must stay valid.
  const twins = join(dir, 'twins');
  mkdirSync(twins, { recursive: true });
  const twinA = await issueWithOpenssl(twins, 'twin-a', { subject: '/CN=Twin CA', extensions: 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=none\nauthorityKeyIdentifier=none', days: 3650 });
  const twinBDir = join(twins, 'b');
  mkdirSync(twinBDir, { recursive: true });
  const twinB = await issueWithOpenssl(twinBDir, 'twin-b', { subject: '/CN=Twin CA', extensions: 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=none\nauthorityKeyIdentifier=none', days: 3650 });
  const twinADir = join(twins, 'a');
  mkdirSync(twinADir, { recursive: true });
  const twinACnf = opensslCaDir(twinADir, twinA, { keyIds: false });
  const twinBCnf = opensslCaDir(twinBDir, twinB, { keyIds: false });
  const leafA = await issueWithOpensslCa(twinACnf, twinADir, 'twin-a-leaf', { section: LEAF_SECTION });
  const leafB = await issueWithOpensslCa(twinBCnf, twinBDir, 'twin-b-leaf', { section: LEAF_SECTION });
  if (leafA.serialHex !== leafB.serialHex) throw new Error(`twin leaves got serials ${leafA.serialHex} and ${leafB.serialHex}`);
  await revoke(twinBCnf, leafB.certPath);
  await gencrl(twinBCnf, join(twins, 'twin.crl'));
  certs['twin A leaf (same serial, other key)'] = { expect: 'valid', certPath: leafA.certPath, ca: { dir: twinADir, certPath: twinA.certPath } };
  certs['twin B leaf'] = { expect: 'revoked', certPath: leafB.certPath, ca: { dir: twinBDir, certPath: twinB.certPath } };

  // 5. A root that revoked its intermediate.
  const chain = join(dir, 'chain');
  mkdirSync(chain, { recursive: true });
  const r2 = await issueWithOpenssl(chain, 'root2', { subject: '/CN=Chain Root', extensions: 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash', days: 3650 });
  const r2Cnf = opensslCaDir(join(chain, 'rootca'), r2);
  const i2 = await issueWithOpensslCa(r2Cnf, chain, 'inter2', { subject: '/CN=Chain Intermediate', section: 'ca_ext' });
  const i2Ca: OpensslCert = i2;
  const i2Cnf = opensslCaDir(join(chain, 'interca'), i2Ca);
  const l2 = await issueWithOpensslCa(i2Cnf, chain, 'leaf2', { section: LEAF_SECTION });
  await revoke(r2Cnf, i2.certPath, 'cACompromise');
  await gencrl(r2Cnf, join(chain, 'root2.crl'));
  await gencrl(i2Cnf, join(chain, 'inter2.crl'));
  certs['chain intermediate'] = { expect: 'revoked', certPath: i2.certPath, ca: { dir: join(chain, 'rootca'), certPath: r2.certPath } };
  certs['chain leaf under the revoked intermediate'] = { expect: 'issuerRevoked', certPath: l2.certPath, ca: { dir: join(chain, 'interca'), certPath: i2.certPath } };

  return {
    dir, now: new Date(Date.now() + 86_400_000), certs,
    emqx: { root: root.certPath, inter: inter.certPath, crl: interCrl, revoked: bad.certPath, good: good.certPath },
  };
}
