// The on-disk layout of a Certscope CA directory, described once. It is an ordinary `openssl ca`
// directory: openssl.cnf points at these same files, so `openssl ca -revoke`/`-gencrl` work on it.
// A directory made with plain openssl may use other names: loadCaDirectory() reads the real paths
// from its openssl.cnf and falls back to these defaults.
import { join } from 'node:path';

export const CA_FILES = {
  /** OpenSSL configuration (section [ca] -> default_ca -> [CA_default]). */
  config: 'openssl.cnf',
  /** The CA certificate (PEM). */
  certificate: 'ca.crt',
  /** The CA private key (PKCS#8 PEM, mode 0600). */
  privateKey: 'ca.key',
  /** OpenSSL's certificate database (status, expiry, revocation, serial, file, subject). */
  database: 'index.txt',
  /** Companion of index.txt: `unique_subject = no` so re-issuing a subject is allowed. */
  databaseAttr: 'index.txt.attr',
  /** Next serial number, hex, as `openssl ca` reads it. */
  serial: 'serial',
  /** Next CRL number, hex. */
  crlNumber: 'crlnumber',
  /** Every issued certificate as <SERIAL>.pem (openssl's new_certs_dir). */
  newCertsDir: 'certs',
  /** The current CRL, PEM and DER. */
  crlPem: 'crl.pem',
  crlDer: 'crl.der',
  /** The CA certificate followed by its issuers up to the root (for intermediate CAs). */
  caChain: 'ca-chain.pem',
  /** Present while a change to index.txt has not yet reached the CRL (crash recovery marker). */
  crlPending: '.crl-pending',
  /** Certscope's own settings for the CA (CRL validity, default CRL/OCSP URLs); openssl ignores it. */
  settings: 'certscope.json',
  /** Named outputs of `issue`: issued/<name>/{cert.pem,key.pem,chain.pem,...} and broker layouts. */
  issuedDir: 'issued',
  /** Lock file held while a writer changes index.txt, serial, crlnumber or the CRL. */
  lock: '.certscope.lock',
} as const;

/** Absolute paths of every file of a CA directory (defaults; adopted directories may differ). */
export interface CaPaths {
  dir: string;
  config: string;
  certificate: string;
  privateKey: string;
  database: string;
  serial: string;
  crlNumber: string;
  newCertsDir: string;
  crlPem: string;
  crlDer: string;
  issuedDir: string;
  lock: string;
  caChain: string;
  crlPending: string;
}

export function defaultCaPaths(dir: string): CaPaths {
  return {
    dir,
    config: join(dir, CA_FILES.config),
    certificate: join(dir, CA_FILES.certificate),
    privateKey: join(dir, CA_FILES.privateKey),
    database: join(dir, CA_FILES.database),
    serial: join(dir, CA_FILES.serial),
    crlNumber: join(dir, CA_FILES.crlNumber),
    newCertsDir: join(dir, CA_FILES.newCertsDir),
    crlPem: join(dir, CA_FILES.crlPem),
    crlDer: join(dir, CA_FILES.crlDer),
    issuedDir: join(dir, CA_FILES.issuedDir),
    lock: join(dir, CA_FILES.lock),
    caChain: join(dir, CA_FILES.caChain),
    crlPending: join(dir, CA_FILES.crlPending),
  };
}

/** Files written for one issued certificate under issued/<name>/. */
export const ISSUED_FILES = {
  cert: 'cert.pem',
  key: 'key.pem',
  /** Issuing CA chain without the leaf (intermediates then root). */
  chain: 'chain.pem',
  /** Leaf followed by the chain. */
  fullchain: 'fullchain.pem',
} as const;
