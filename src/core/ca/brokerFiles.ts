// Writes an issued certificate in the file layouts MQTT brokers expect, with a config snippet:
// EMQX (certfile / keyfile / cacertfile) and mosquitto (cafile / certfile / keyfile).
import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { CaError } from './caError';
import { ensureCaDir, writeFileAtomic } from './fsAtomic';

export type BrokerKind = 'emqx' | 'mosquitto';

export interface BrokerFiles {
  kind: BrokerKind;
  dir: string;
  certfile: string;
  keyfile: string;
  /** CA certificates clients (and the broker, for client certificates) trust. */
  cafile: string;
  /** Config lines pointing at the files. */
  snippet: string;
}

export interface CertificateMaterial {
  /** Leaf certificate PEM. */
  certPem: string;
  keyPem: string;
  /** Intermediates, leaf's issuer first, root excluded (sent by the server with its certificate). */
  intermediatesPem: string;
  /** The root (and intermediates) that peers trust. */
  caPem: string;
}

function brokerPaths(dir: string, kind: BrokerKind): { certfile: string; keyfile: string; cafile: string } {
  const names = kind === 'emqx'
    ? { cert: 'cert.pem', key: 'key.pem', ca: 'cacert.pem' }
    : { cert: 'server.crt', key: 'server.key', ca: 'ca.crt' };
  return { certfile: join(dir, names.cert), keyfile: join(dir, names.key), cafile: join(dir, names.ca) };
}

/** Refuses (CaError) when `dir` already holds one of the broker's files: a key there is never replaced. Call it before issuing. */
export function checkBrokerFilesFree(dir: string, kind: BrokerKind): void {
  const { certfile, keyfile, cafile } = brokerPaths(dir, kind);
  for (const f of [keyfile, certfile, cafile]) {
    if (existsSync(f) || isLink(f)) throw new CaError(`${f} already exists: choose an empty folder for the ${kind} files`);
  }
}

export function writeBrokerFiles(material: CertificateMaterial, dir: string, kind: BrokerKind): BrokerFiles {
  checkBrokerFilesFree(dir, kind);
  ensureCaDir(dir);
  const { certfile, keyfile, cafile } = brokerPaths(dir, kind);
  writeFileAtomic(keyfile, material.keyPem, 0o600);
  writeFileAtomic(certfile, material.certPem + material.intermediatesPem);
  writeFileAtomic(cafile, material.caPem);
  const snippet = kind === 'emqx'
    ? `listeners.ssl.default {\n  bind = "0.0.0.0:8883"\n  ssl_options {\n    certfile = "${certfile}"\n    keyfile = "${keyfile}"\n    cacertfile = "${cafile}"\n    verify = verify_peer\n    fail_if_no_peer_cert = true\n  }\n}\n`
    : `listener 8883\ncafile ${cafile}\ncertfile ${certfile}\nkeyfile ${keyfile}\nrequire_certificate true\n`;
  return { kind, dir, certfile, keyfile, cafile, snippet };
}

function isLink(path: string): boolean {
  try { return lstatSync(path).isSymbolicLink(); } catch { return false; }
}
