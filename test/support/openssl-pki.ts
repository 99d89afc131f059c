// A small PKI made with the real openssl CLI, independent of Certscope's own CA code, so tests
// of the decoder, verifier, broker and probe are checked against a peer's output.
import { createPrivateKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openssl } from './run';

export interface OpensslCert {
  name: string;
  certPath: string;
  keyPath: string;
  serialHex: string;
}

export interface OpensslPki {
  dir: string;
  root: OpensslCert;
  intermediate: OpensslCert;
  server: OpensslCert;
  client: OpensslCert;
  /** intermediate + root, leaf not included (what brokers call the CA file). */
  chainPath: string;
}

type KeySpec = 'rsa2048' | 'ec256' | 'ed25519';

async function genKey(path: string, spec: KeySpec): Promise<void> {
  const args = spec === 'rsa2048'
    ? ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', path]
    : spec === 'ed25519'
      ? ['genpkey', '-algorithm', 'ED25519', '-out', path]
      : ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path];
  await openssl(args);
}

async function serialOf(certPath: string): Promise<string> {
  const out = await openssl(['x509', '-in', certPath, '-noout', '-serial']);
  return out.trim().replace(/^serial=/, '').toLowerCase();
}

/**
 * Issues a certificate with openssl. `extensions` is an openssl extension section body, e.g.
 * "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign".
 */
export async function issueWithOpenssl(dir: string, name: string, opts: {
  subject: string;
  extensions: string;
  issuer?: OpensslCert;
  key?: KeySpec;
  days?: number;
}): Promise<OpensslCert> {
  const keyPath = join(dir, `${name}.key`);
  const certPath = join(dir, `${name}.crt`);
  const csrPath = join(dir, `${name}.csr`);
  const extPath = join(dir, `${name}.ext`);
  await genKey(keyPath, opts.key ?? 'ec256');
  writeFileSync(extPath, `[ext]\n${opts.extensions}\n`);
  await openssl(['req', '-new', '-key', keyPath, '-subj', opts.subject, '-out', csrPath]);
  // openssl 3.0's `x509 -req` has no -not_before/-not_after: expired fixtures come from `openssl ca`
  // (-startdate/-enddate) or Certscope's own CA.
  const dates = ['-days', String(opts.days ?? 365)];
  const signer = opts.issuer
    ? ['-CA', opts.issuer.certPath, '-CAkey', opts.issuer.keyPath]
    : ['-signkey', keyPath];
  // EdDSA hashes internally: openssl refuses a digest option for an Ed25519 signer.
  const signerIsEd = createPrivateKey(readFileSync(opts.issuer?.keyPath ?? keyPath)).asymmetricKeyType === 'ed25519';
  await openssl(['x509', '-req', '-in', csrPath, ...signer, ...dates, ...(signerIsEd ? [] : ['-sha256']), '-set_serial', `0x${randomSerial()}`,
    '-extfile', extPath, '-extensions', 'ext', '-out', certPath]);
  return { name, certPath, keyPath, serialHex: await serialOf(certPath) };
}

let extFileCount = 0;

/**
 * Issues a leaf with `openssl ca` on an existing CA directory (its config `cnf`): a P-256 key, a CSR
 * for `subject` (default /CN=name), and the signature, with either an extension section `body`
 * (written to its own file) or a `section` of the config, and explicit dates for expired fixtures.
 */
export async function issueWithOpensslCa(cnf: string, dir: string, name: string, opts: {
  subject?: string;
  extensions?: string;
  section?: string;
  dates?: { start: string; end: string }; // YYYYMMDDHHMMSSZ
  days?: number;
}): Promise<OpensslCert> {
  const keyPath = join(dir, `${name}.key`);
  const csrPath = join(dir, `${name}.csr`);
  const certPath = join(dir, `${name}.crt`);
  await genKey(keyPath, 'ec256');
  await openssl(['req', '-new', '-key', keyPath, '-subj', opts.subject ?? `/CN=${name}`, '-out', csrPath]);
  const ext: string[] = [];
  if (opts.extensions !== undefined) {
    const extPath = join(dir, `${name}-${extFileCount++}.ext`);
    writeFileSync(extPath, `[ext]\n${opts.extensions}\n`);
    ext.push('-extfile', extPath, '-extensions', 'ext');
  } else if (opts.section) {
    ext.push('-extensions', opts.section);
  }
  const validity = opts.dates ? ['-startdate', opts.dates.start, '-enddate', opts.dates.end]
    : opts.days !== undefined ? ['-days', String(opts.days)] : [];
  await openssl(['ca', '-batch', '-notext', '-config', cnf, ...ext, ...validity, '-in', csrPath, '-out', certPath]);
  return { name, certPath, keyPath, serialHex: await serialOf(certPath) };
}

function randomSerial(): string {
  // 16 random bytes with the top bit clear: a positive serial as CAs issue them.
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[0] &= 0x7f;
  b[0] |= 0x10;
  return Buffer.from(b).toString('hex');
}

/** Root -> intermediate -> server (localhost, 127.0.0.1) and client, all made by openssl. */
export async function makeOpensslPki(dir: string): Promise<OpensslPki> {
  const root = await issueWithOpenssl(dir, 'root', {
    subject: '/C=DE/O=Certscope Test/CN=Test Root CA',
    extensions: 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash',
    days: 3650,
  });
  const intermediate = await issueWithOpenssl(dir, 'intermediate', {
    subject: '/C=DE/O=Certscope Test/CN=Test Intermediate CA',
    extensions: 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid',
    issuer: root,
    days: 1825,
  });
  const server = await issueWithOpenssl(dir, 'server', {
    subject: '/CN=localhost',
    extensions: 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid',
    issuer: intermediate,
  });
  const client = await issueWithOpenssl(dir, 'client', {
    subject: '/CN=device-001',
    extensions: 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid',
    issuer: intermediate,
  });
  const chainPath = join(dir, 'chain.pem');
  writeFileSync(chainPath, readFileSync(intermediate.certPath, 'utf8') + readFileSync(root.certPath, 'utf8'));
  return { dir, root, intermediate, server, client, chainPath };
}
