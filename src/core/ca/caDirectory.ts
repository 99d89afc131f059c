// Finds the files of a CA directory. A Certscope directory uses the default layout (layout.ts); a
// directory made with plain openssl is adopted by reading its openssl.cnf ([ca] default_ca section:
// dir, certificate, private_key, database, serial, crlnumber, new_certs_dir, crl). Relative paths
// in the cnf are resolved against the cnf's folder, where people run `openssl ca`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { CA_FILES, defaultCaPaths, type CaPaths } from './layout';
import { caSection, parseOpensslConf } from './opensslConf';
import { readIndex, type IndexEntry } from './indexDb';

export interface CaDirectory {
  dir: string;
  paths: CaPaths;
  /** True when a openssl.cnf was found and its [ca] section was used. */
  fromConfig: boolean;
  caCertPem: string;
  caKeyPath: string;
  entries: IndexEntry[];
  /** PEM CRL path (from the cnf's `crl`, else crl.pem). */
  crlPath: string;
  crlDerPath: string;
  /** default_crl_days / default_crl_hours from the cnf, in hours; undefined when not set. */
  crlValidityHours?: number;
  /** default_days from the cnf. */
  defaultDays?: number;
}

export class CaDirectoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaDirectoryError';
  }
}

/** Resolves the paths of a CA directory without reading the certificate or database. */
export function resolveCaPaths(dir: string, configFile?: string): { paths: CaPaths; fromConfig: boolean; section?: Map<string, string> } {
  const absDir = resolve(dir);
  const paths = defaultCaPaths(absDir);
  const cnf = configFile ? resolve(configFile) : paths.config;
  if (!existsSync(cnf)) {
    if (configFile) throw new CaDirectoryError(`config file ${cnf} does not exist`);
    adoptCommonNames(paths);
    return { paths, fromConfig: false };
  }
  const cnfText = readFileSync(cnf, 'utf8');
  const section = caSection(parseOpensslConf(cnfText));
  if (!section) return { paths: { ...paths, config: cnf }, fromConfig: false };
  // Certscope writes an absolute `dir` (openssl resolves relative paths against its cwd). When such
  // a directory was moved, its own files are still next to the cnf: use them.
  const moved = cnfText.startsWith('# Written by Certscope') && !existsSync(section.get('dir') ?? '') && existsSync(paths.certificate);
  if (moved) return { paths: { ...paths, config: cnf }, fromConfig: false, section };
  const base = dirname(cnf);
  const abs = (p: string | undefined, fallback: string): string => (p ? (isAbsolute(p) ? p : resolve(base, p)) : fallback);
  const crl = abs(section.get('crl'), paths.crlPem);
  return {
    paths: {
      ...paths,
      config: cnf,
      certificate: abs(section.get('certificate'), paths.certificate),
      privateKey: abs(section.get('private_key'), paths.privateKey),
      database: abs(section.get('database'), paths.database),
      serial: abs(section.get('serial'), paths.serial),
      crlNumber: abs(section.get('crlnumber'), paths.crlNumber),
      newCertsDir: abs(section.get('new_certs_dir'), paths.newCertsDir),
      crlPem: crl,
      crlDer: crl.replace(/\.(pem|crl)$/i, '') + '.der',
      lock: join(absDir, CA_FILES.lock),
    },
    fromConfig: true,
    section,
  };
}

/** Without a cnf, accept the names the openssl docs use (cacert.pem, private/cakey.pem). */
function adoptCommonNames(paths: CaPaths): void {
  const alt = (current: string, ...names: string[]): string => {
    if (existsSync(current)) return current;
    for (const n of names) if (existsSync(join(paths.dir, n))) return join(paths.dir, n);
    return current;
  };
  paths.certificate = alt(paths.certificate, 'cacert.pem', 'ca.pem', 'ca-cert.pem');
  paths.privateKey = alt(paths.privateKey, 'private/cakey.pem', 'private/ca.key', 'ca-key.pem');
}

/**
 * Reads a CA directory: paths, CA certificate, database. Throws CaDirectoryError with a clear
 * message. `withEntries: false` skips parsing index.txt (large databases, callers that cache it).
 */
export function loadCaDirectory(dir: string, configFile?: string, opts: { withEntries?: boolean } = {}): CaDirectory {
  const absDir = resolve(dir);
  if (!existsSync(absDir)) throw new CaDirectoryError(`CA directory ${absDir} does not exist`);
  const { paths, fromConfig, section } = resolveCaPaths(absDir, configFile);
  if (!existsSync(paths.certificate)) throw new CaDirectoryError(`CA certificate not found: ${paths.certificate}`);
  const caCertPem = readFileSync(paths.certificate, 'utf8');
  if (!caCertPem.includes('-----BEGIN CERTIFICATE-----')) throw new CaDirectoryError(`${paths.certificate} is not a PEM certificate`);
  const entries = opts.withEntries !== false && existsSync(paths.database) ? readIndex(readFileSync(paths.database, 'utf8')) : [];
  const num = (k: string): number | undefined => {
    const v = section?.get(k);
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
  };
  const crlDays = num('default_crl_days');
  const crlHours = num('default_crl_hours');
  return {
    dir: absDir,
    paths,
    fromConfig,
    caCertPem,
    caKeyPath: paths.privateKey,
    entries,
    crlPath: paths.crlPem,
    crlDerPath: paths.crlDer,
    crlValidityHours: crlDays !== undefined || crlHours !== undefined ? (crlDays ?? 0) * 24 + (crlHours ?? 0) : undefined,
    defaultDays: num('default_days'),
  };
}
