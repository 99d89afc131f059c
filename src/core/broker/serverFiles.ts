// A broker's server certificate given as files outside a CA's issued/ folder (an openssl-made CA
// keeps them wherever its user put them): the certificate must be a server certificate signed by
// the CA, and its private key is looked for beside it, by public key, not by name. Files are read
// with size limits; messages name files, never key material.
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { OID } from '../oids';

/** Bad input the user can fix (wrong file, wrong key): the message names the files. */
export class ServerFilesError extends Error {
  override name = 'ServerFilesError';
}

const MAX_CERT_BYTES = 1024 * 1024;
const MAX_KEY_BYTES = 64 * 1024;
/** Entries of the certificate's folder looked at for its key. */
const MAX_DIR_ENTRIES = 500;

function readBounded(file: string, max: number): Buffer {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new ServerFilesError(`${file} is not a file`);
    size = st.size;
  } catch (err) {
    if (err instanceof ServerFilesError) throw err;
    throw new ServerFilesError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (size > max) throw new ServerFilesError(`${file} is ${size} bytes: too large for a ${max === MAX_KEY_BYTES ? 'key' : 'certificate'} file`);
  return readFileSync(file);
}

/** The first certificate of `file` (PEM or DER), checked to be a server certificate issued by `caCertPem`. */
export function readServerCertificate(file: string, caCertPem: string, caName: string): X509Certificate {
  const data = readBounded(file, MAX_CERT_BYTES);
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(data.toString('latin1'))?.[0];
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem ?? data);
  } catch {
    throw new ServerFilesError(`${basename(file)} holds no certificate`);
  }
  const ca = new X509Certificate(caCertPem);
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) {
    throw new ServerFilesError(`${basename(file)} was not issued by ${caName} (its issuer is ${cert.issuer.replace(/\n/g, ', ')})`);
  }
  if (cert.ca) throw new ServerFilesError(`${basename(file)} is a CA certificate, not a server certificate`);
  const eku = cert.keyUsage;
  if (eku && !eku.includes(OID.serverAuth) && !eku.includes(OID.anyExtendedKeyUsage)) {
    throw new ServerFilesError(`${basename(file)} is not a server certificate (its extended key usage lacks serverAuth)`);
  }
  return cert;
}

export type KeyFit = 'fits' | 'other-key' | 'encrypted' | 'not-a-key';

/** Whether `keyFile` holds the unencrypted private key of `cert` (compared by public key). */
export function keyFit(keyFile: string, cert: X509Certificate): KeyFit {
  const data = readBounded(keyFile, MAX_KEY_BYTES);
  const text = data.toString('latin1');
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(text)) return 'encrypted';
  let spki: Buffer;
  try {
    spki = createPublicKey(createPrivateKey(text.includes('PRIVATE KEY-----') ? text : { key: data, format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' });
  } catch {
    return 'not-a-key';
  }
  return spki.equals(cert.publicKey.export({ type: 'spki', format: 'der' })) ? 'fits' : 'other-key';
}

/** Throws unless `keyFile` is the usable private key of the certificate in `certFile`. */
export function requireKeyFits(keyFile: string, cert: X509Certificate, certFile: string): void {
  const fit = keyFit(keyFile, cert);
  if (fit === 'fits') return;
  throw new ServerFilesError(fit === 'other-key' ? `${basename(keyFile)} is not the private key of ${basename(certFile)} (another public key)`
    : fit === 'encrypted' ? `${basename(keyFile)} is encrypted: the broker needs the key without a passphrase`
      : `${basename(keyFile)} holds no private key`);
}

/**
 * The private key of `cert` in the certificate's folder: a PEM private key file whose public key
 * is the certificate's, files named like the certificate first (server.crt -> server.key).
 */
export function keyBeside(certFile: string, cert: X509Certificate): string | undefined {
  const dir = dirname(certFile);
  const stem = basename(certFile, extname(certFile)).replace(/[-_.]?(cert|crt|fullchain|chain)$/i, '');
  let names: string[];
  try {
    names = readdirSync(dir).slice(0, MAX_DIR_ENTRIES);
  } catch {
    return undefined;
  }
  const candidates = names.filter((n) => /\.(key|pem)$/i.test(n) && join(dir, n) !== certFile)
    .sort((a, b) => Number(!a.startsWith(stem)) - Number(!b.startsWith(stem)) || a.localeCompare(b));
  for (const n of candidates) {
    const file = join(dir, n);
    try {
      if (statSync(file).size > MAX_KEY_BYTES) continue;
      if (!readFileSync(file, 'latin1').includes('PRIVATE KEY-----')) continue;
      if (keyFit(file, cert) === 'fits') return file;
    } catch {
      // Unreadable entry: not the key.
    }
  }
  return undefined;
}
