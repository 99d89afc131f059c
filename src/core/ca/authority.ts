// The development CA: an OpenSSL-compatible directory plus the operations on it. Every change
// (issue, revoke, unrevoke, CRL) runs under the directory lock and replaces files atomically;
// a revocation updates index.txt and then the CRL, with a marker file so that a writer killed
// in between is repaired (CRL rewritten) by the next one to open the directory.
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { randomBytes, type KeyObject } from 'node:crypto';
import type { RevocationReason } from '../model';
import { toPem } from '../der/writer';
import { buildCertificate, truncate, type SubjectAltNames } from './certBuilder';
import { issuedBy } from '../issuedBy';
import { certDerFrom, certInfo, type CertInfo } from './certInfo';
import { buildCrl, encodeIndexRevocations } from './crlWriter';
import { formatIndex, indexBySerial, readIndex, type IndexEntry } from './indexDb';
import { colonSerial, opensslSerial, serialKey } from '../serial';
import { generateKey, loadPrivateKey, privateKeyPem, signerFor, type KeySpec } from './keys';
import { CA_FILES, defaultCaPaths, ISSUED_FILES, type CaPaths } from './layout';
import { loadCaDirectory, CaDirectoryError } from './caDirectory';
import { dnToOpensslOneline, encodeDn, parseDn } from './names';
import { renderOpensslCnf } from './opensslCnf';
import { ensureCaDir, removeOrphanTempFiles, UnsafePathError, withLock, writeFileAtomic } from './fsAtomic';
import { CaError } from './caError';
import { checkCrlHours, clampValidity, checkRecordableTime, issuedFolderName, validFolderNameProblem } from './limits';
import { writeBrokerFiles, type BrokerFiles, type BrokerKind } from './brokerFiles';

export type Profile = 'server' | 'client' | 'ca' | 'ocsp';

/** Reasons a user may choose (removeFromCRL is for delta CRLs only; openssl rejects the others). */
export const REVOCATION_REASONS: readonly RevocationReason[] = [
  'unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation', 'certificateHold',
];

export { CaError };

export interface InitCaOptions {
  /** "/C=DE/O=Acme/CN=Acme Root" or "CN=Acme Root,O=Acme,C=DE". */
  subject: string;
  key?: KeySpec;
  /** Validity of the CA certificate in days (default 3650). */
  days?: number;
  /** basicConstraints pathLenConstraint. */
  pathLen?: number;
  /** CRL validity (nextUpdate - thisUpdate) in hours (default 7 days). */
  crlHours?: number;
  /** Defaults for certificates this CA issues. */
  crlUrls?: string[];
  ocspUrls?: string[];
  /** Makes an intermediate CA signed by this parent (recorded in the parent's index.txt). */
  parent?: CertificateAuthority;
  now?: Date;
}

export interface IssueOptions {
  profile: Profile;
  /**
   * Folder name for issued/<name>/. Given: used as is, and an existing folder is refused (CaError).
   * Omitted: derived from the CN; when that folder exists a distinct one is chosen (`name-2`, ...).
   * An existing issued/<name>/ is never replaced: it holds the key of an earlier certificate.
   */
  name?: string;
  /** Default "/CN=<name>". */
  subject?: string;
  dns?: string[];
  ip?: string[];
  email?: string[];
  key?: KeySpec;
  /** Issue for an existing public key instead of generating a key pair (no key file written). */
  publicKey?: KeyObject;
  /** A key pair made by the caller (e.g. behind a cancellable progress): written as key.pem. */
  keyPair?: { publicKey: KeyObject; privateKey: KeyObject };
  /** Subject as DER, used as-is (e.g. from a CSR); overrides `subject`. */
  subjectDer?: Uint8Array;
  days?: number;
  notBefore?: Date;
  notAfter?: Date;
  /** Override the CA's defaults; [] for none. */
  ocspUrls?: string[];
  crlUrls?: string[];
  mustStaple?: boolean;
  /** For profile "ca". */
  pathLen?: number;
  now?: Date;
}

export interface IssuedCertificate {
  serialHex: string;
  subject: string;
  certPem: string;
  /** PEM private key; never log it. Absent when issued for a given public key. */
  keyPem?: string;
  /** The issuing CA chain (CA first, root last). */
  chainPem: string;
  der: Uint8Array;
  paths: { dir: string; cert: string; key?: string; chain: string; fullchain: string; byserial: string };
  /** Set when issued/<wanted>/ existed and the certificate went to paths.dir instead. */
  folderTaken?: string;
}

export interface RevokeResult {
  serialHex: string;
  subject: string;
  reason: RevocationReason;
  date: Date;
  crlNumber: bigint;
}

export interface CrlWriteResult {
  pemPath: string;
  derPath: string;
  crlNumber: bigint;
  entries: number;
  thisUpdate: Date;
  nextUpdate: Date;
}

function randomSerialHex(bytes: number): string {
  const b = randomBytes(bytes);
  b[0] = (b[0] & 0x7f) | 0x10; // positive, no leading zero byte
  return b.toString('hex').toUpperCase();
}

/** Where a CA's CRL validity comes from, for messages. */
const CA_CRL_HOURS = `the CRL validity of this CA (crlHours in ${CA_FILES.settings} or default_crl_days in openssl.cnf)`;

/** `days` after `d`, clamped to 9999-12-31T23:59:59Z (a huge --days never overflows a date). */
function addDays(d: Date, days: number): Date {
  return clampValidity(new Date(d.getTime() + days * 86_400_000));
}

/** Creates a new CA directory (refuses a directory that already holds a CA). */
export async function initCa(dir: string, opts: InitCaOptions): Promise<CertificateAuthority> {
  const paths = defaultCaPaths(resolve(dir));
  if (existsSync(paths.certificate) || existsSync(paths.database)) throw new CaError(`${paths.dir} already contains a CA (${paths.certificate} or index.txt exists)`);
  if (existsSync(paths.privateKey)) throw new CaError(`${paths.privateKey} already exists: a key is never replaced; choose another folder`);
  const subjectAttrs = parseDn(opts.subject);
  if (opts.crlHours !== undefined) checkCrlHours(opts.crlHours, 'the CRL validity');
  const existed = existsSync(paths.dir);
  const made = [paths.newCertsDir, paths.issuedDir].filter((d) => !existsSync(d));
  try {
    return await createCaFiles(paths, subjectAttrs, opts);
  } catch (err) {
    // A failed init (disk full...) leaves no half-made CA: what it created goes again.
    if (!existed) rmSync(paths.dir, { recursive: true, force: true });
    else {
      for (const f of [paths.privateKey, paths.certificate, paths.caChain, paths.database, join(paths.dir, CA_FILES.databaseAttr), paths.serial, paths.crlNumber, paths.config, join(paths.dir, CA_FILES.settings), paths.crlPem, paths.crlDer, paths.crlPending]) rmSync(f, { force: true });
      for (const d of made) rmSync(d, { recursive: true, force: true });
    }
    throw err;
  }
}

async function createCaFiles(paths: CaPaths, subjectAttrs: ReturnType<typeof parseDn>, opts: InitCaOptions): Promise<CertificateAuthority> {
  const now = truncate(opts.now ?? new Date());
  const keySpec = opts.key ?? 'p256';
  // A new folder is 0700 (ensureCaDir); an existing one the user chose keeps its mode.
  ensureCaDir(paths.dir);
  ensureCaDir(paths.newCertsDir);
  ensureCaDir(paths.issuedDir);
  const { privateKey, publicKey } = await generateKey(keySpec);
  // The key first: a parent records the intermediate's certificate only once its key is on disk.
  writeFileAtomic(paths.privateKey, privateKeyPem(privateKey), 0o600);
  const subjectDer = encodeDn(subjectAttrs);
  let certDer: Buffer;
  let chainTail = '';
  if (opts.parent) {
    const issued = await opts.parent.issue({
      profile: 'ca', subject: opts.subject, publicKey, pathLen: opts.pathLen, days: opts.days ?? 1825, now,
    });
    certDer = Buffer.from(issued.der);
    chainTail = issued.chainPem;
  } else {
    const signer = signerFor(privateKey);
    certDer = buildCertificate({
      serial: Buffer.from(randomSerialHex(16), 'hex'), issuerDer: subjectDer, subjectDer,
      notBefore: now, notAfter: addDays(now, opts.days ?? 3650), publicKey, signer,
      ca: { pathLen: opts.pathLen }, keyUsage: ['digitalSignature', 'keyCertSign', 'cRLSign'],
    });
  }
  const certPem = toPem(certDer, 'CERTIFICATE');
  writeFileAtomic(paths.certificate, certPem);
  writeFileAtomic(paths.caChain, certPem + chainTail);
  writeFileAtomic(paths.database, '');
  writeFileAtomic(join(paths.dir, CA_FILES.databaseAttr), 'unique_subject = no\n');
  // A random start keeps serials of different CAs apart; openssl ca continues from here.
  writeFileAtomic(paths.serial, randomSerialHex(8) + '\n');
  writeFileAtomic(paths.crlNumber, '01\n');
  const crlHours = opts.crlHours ?? 24 * 7;
  writeFileAtomic(paths.config, renderOpensslCnf(paths, { ed25519: keySpec === 'ed25519', crlDays: Math.max(1, Math.round(crlHours / 24)), defaultDays: 365 }));
  writeFileAtomic(join(paths.dir, CA_FILES.settings), JSON.stringify({ crlHours, crlUrls: opts.crlUrls ?? [], ocspUrls: opts.ocspUrls ?? [] }, null, 2) + '\n');
  const ca = openCa(paths.dir);
  await ca.writeCrl({ now });
  return ca;
}

/** Opens an existing CA directory (Certscope's own or one made with plain openssl). */
export function openCa(dir: string, opts: { config?: string } = {}): CertificateAuthority {
  return new CertificateAuthority(dir, opts.config);
}

interface CaSettings {
  crlHours: number;
  crlUrls: string[];
  ocspUrls: string[];
}

export class CertificateAuthority {
  readonly paths: CaPaths;
  readonly certPem: string;
  readonly certDer: Uint8Array;
  readonly info: CertInfo;
  /** openssl-style subject, e.g. /C=DE/CN=Root. */
  readonly subject: string;
  private readonly settings: CaSettings;
  private keyCache?: KeyObject;
  private cache?: { sig: string; entries: IndexEntry[]; bySerial: Map<string, IndexEntry> };

  constructor(dir: string, config?: string) {
    let loaded;
    try {
      loaded = loadCaDirectory(dir, config, { withEntries: false });
    } catch (e) {
      throw new CaError(e instanceof CaDirectoryError ? e.message : `cannot open CA directory ${dir}: ${(e as Error).message}`);
    }
    this.paths = loaded.paths;
    this.repointMovedConfig();
    this.certPem = loaded.caCertPem;
    try {
      this.certDer = certDerFrom(loaded.caCertPem);
      this.info = certInfo(this.certDer);
      this.subject = dnToOpensslOneline(this.info.subjectDer);
    } catch (e) {
      throw new CaError(`${this.paths.certificate} is not a usable CA certificate: ${(e as Error).message}`);
    }
    const settingsPath = join(this.paths.dir, CA_FILES.settings);
    let saved: Partial<CaSettings> = {};
    try {
      if (existsSync(settingsPath)) saved = JSON.parse(readFileSync(settingsPath, 'utf8')) as Partial<CaSettings>;
    } catch (e) {
      throw new CaError(`${settingsPath} is not valid JSON: ${(e as Error).message}`);
    }
    // certscope.json comes with the workspace: its URLs are checked here, crlHours when a CRL is
    // written (a CA with an odd value can still be opened and listed).
    const hours = saved.crlHours ?? loaded.crlValidityHours ?? 24 * 7;
    const urls = (v: unknown, key: string): string[] => {
      if (v === undefined) return [];
      if (!Array.isArray(v) || !v.every((u) => typeof u === 'string')) throw new CaError(`${settingsPath}: ${key} must be a list of URLs`);
      return v as string[];
    };
    this.settings = { crlHours: hours as number, crlUrls: urls(saved.crlUrls, 'crlUrls'), ocspUrls: urls(saved.ocspUrls, 'ocspUrls') };
  }

  /** After the directory was moved, point openssl.cnf's `dir` at the new place (openssl needs it). */
  private repointMovedConfig(): void {
    const cnf = this.paths.config;
    if (!existsSync(cnf)) return;
    const text = readFileSync(cnf, 'utf8');
    const m = /^dir = (.*)$/m.exec(text);
    if (!text.startsWith('# Written by Certscope') || !m || m[1] === this.paths.dir || existsSync(m[1])) return;
    writeFileAtomic(cnf, text.replace(/^dir = .*$/m, `dir = ${this.paths.dir}`).replace(/-config \S+ \.\.\./, `-config ${cnf} ...`));
  }

  /** CRL distribution point URLs this CA puts into the certificates it issues (certscope.json). */
  get crlUrls(): readonly string[] {
    return this.settings.crlUrls;
  }

  /** The CA certificate and its issuers (root last). */
  chainPem(): string {
    return existsSync(this.paths.caChain) ? readFileSync(this.paths.caChain, 'utf8') : this.certPem;
  }

  private key(): KeyObject {
    if (!this.keyCache) {
      if (!existsSync(this.paths.privateKey)) throw new CaError(`CA private key not found: ${this.paths.privateKey}`);
      try {
        this.keyCache = loadPrivateKey(readFileSync(this.paths.privateKey));
      } catch (e) {
        throw new CaError(`cannot read the CA private key ${this.paths.privateKey} (encrypted keys are not supported): ${(e as Error).message.split('\n')[0]}`);
      }
    }
    return this.keyCache;
  }

  /** Database entries, re-read when index.txt changed on disk (e.g. after `openssl ca -revoke`). */
  list(): IndexEntry[] {
    return this.load().entries;
  }

  /** O(1) lookup by serial (any hex form). */
  find(serial: string): IndexEntry | undefined {
    return this.load().bySerial.get(serialKey(serial));
  }

  private load(): { entries: IndexEntry[]; bySerial: Map<string, IndexEntry> } {
    if (!existsSync(this.paths.database)) return { entries: [], bySerial: new Map() };
    // Every atomic write is a new inode, so ino+size+mtime identifies a version of the file.
    const st = statSync(this.paths.database, { bigint: true });
    const sig = `${st.ino}:${st.size}:${st.mtimeNs}`;
    if (!this.cache || this.cache.sig !== sig) {
      const entries = readIndex(readFileSync(this.paths.database, 'utf8'));
      this.cache = { sig, entries, bySerial: indexBySerial(entries) };
    }
    return this.cache;
  }

  private saveIndex(entries: IndexEntry[]): void {
    writeFileAtomic(this.paths.database, formatIndex(entries));
    this.cache = undefined;
  }

  private lock<T>(fn: () => Promise<T> | T): Promise<T> {
    return withLock(this.paths.lock, async () => {
      removeOrphanTempFiles(this.paths.dir);
      removeOrphanTempFiles(this.paths.newCertsDir);
      // A writer killed between index.txt and the CRL left this marker: finish its work first.
      if (existsSync(this.paths.crlPending)) this.writeCrlLocked({});
      return fn();
    });
  }

  /**
   * Issues a certificate. Order (crash and disk-full safe): the serial is consumed, issued/<name>/
   * is claimed (a fresh folder, never an existing one), key.pem and the certificate files are
   * written, then certs/<SERIAL>.pem, and index.txt is committed last. A failure before the commit
   * removes what this issue wrote: no certificate is ever recorded without its key.
   */
  async issue(opts: IssueOptions): Promise<IssuedCertificate> {
    const now = truncate(opts.now ?? new Date());
    if (opts.name !== undefined) {
      const problem = validFolderNameProblem(opts.name);
      if (problem) throw new CaError(`name "${opts.name}" ${problem}`);
    }
    const subject = opts.subjectDer ? dnToOpensslOneline(opts.subjectDer) : opts.subject ?? `/CN=${opts.name ?? opts.dns?.[0] ?? 'certificate'}`;
    const subjectAttrs = opts.subjectDer ? [] : parseDn(subject);
    const cn = opts.subjectDer ? /\/CN=([^/]*)/.exec(subject)?.[1] : subjectAttrs.find((a) => a.type.toUpperCase() === 'CN')?.value;
    const wanted = opts.name ?? issuedFolderName(cn ?? 'certificate');
    const profile = PROFILES[opts.profile];
    if (!profile) throw new CaError(`unknown profile "${opts.profile}" (server, client, ca, ocsp)`);
    const notBefore = truncate(opts.notBefore ?? now);
    const notAfter = clampValidity(truncate(opts.notAfter ?? addDays(notBefore, opts.days ?? (opts.profile === 'ca' ? 1825 : 365))));
    checkRecordableTime(notBefore, 'notBefore');
    if (notAfter <= notBefore) throw new CaError('notAfter must be later than notBefore');
    const dns = opts.dns ?? (opts.profile === 'server' && cn && !opts.ip?.length ? [cn] : []);
    const san: SubjectAltNames = { dns, ip: opts.ip ?? [], email: opts.email ?? [] };
    const subjectDer = opts.subjectDer ? Buffer.from(opts.subjectDer) : encodeDn(subjectAttrs);
    const caKey = this.key();
    const pair = opts.publicKey ? undefined : opts.keyPair ?? await generateKey(opts.key ?? 'p256');
    const publicKey = opts.publicKey ?? pair!.publicKey;
    return this.lock(() => {
      ensureCaDir(this.paths.issuedDir);
      ensureCaDir(this.paths.newCertsDir);
      const dir = this.claimIssuedDir(wanted, opts.name !== undefined);
      const byserial = { path: '' };
      try {
        const serialHex = this.nextSerial();
        const der = buildCertificate({
          serial: Buffer.from(serialHex, 'hex'), issuerDer: this.info.subjectDer, subjectDer, notBefore, notAfter, publicKey,
          signer: signerFor(caKey), authorityKeyId: this.info.subjectKeyId,
          ca: opts.profile === 'ca' ? { pathLen: opts.pathLen } : undefined,
          keyUsage: profile.keyUsage(publicKey), extKeyUsage: profile.eku, san,
          ocspUrls: opts.profile === 'ca' || opts.profile === 'ocsp' ? opts.ocspUrls ?? [] : opts.ocspUrls ?? this.settings.ocspUrls,
          crlUrls: opts.profile === 'ocsp' ? opts.crlUrls ?? [] : opts.crlUrls ?? this.settings.crlUrls,
          mustStaple: opts.mustStaple, ocspNoCheck: opts.profile === 'ocsp',
        });
        const certPem = toPem(der, 'CERTIFICATE');
        const chainPem = this.chainPem();
        const p = { dir, cert: join(dir, ISSUED_FILES.cert), chain: join(dir, ISSUED_FILES.chain), fullchain: join(dir, ISSUED_FILES.fullchain), byserial: join(this.paths.newCertsDir, `${serialHex}.pem`), key: undefined as string | undefined };
        // The key first: a certificate must never exist without it.
        let keyPem: string | undefined;
        if (pair) {
          keyPem = privateKeyPem(pair.privateKey);
          p.key = join(dir, ISSUED_FILES.key);
          writeFileAtomic(p.key, keyPem, 0o600);
        }
        writeFileAtomic(p.cert, certPem);
        // Copies of the certificate and the CA chain: atomic, not fsync'ed.
        writeFileAtomic(p.chain, chainPem, 0o644, { durable: false });
        writeFileAtomic(p.fullchain, certPem + intermediatesOf(chainPem), 0o644, { durable: false });
        byserial.path = p.byserial;
        writeFileAtomic(p.byserial, certPem);
        // The commit: only now does the database know the certificate.
        this.saveIndex([...this.load().entries, { status: 'V' as const, expires: notAfter, serialHex, file: 'unknown', subject: dnToOpensslOneline(subjectDer) }]);
        return {
          serialHex, subject: dnToOpensslOneline(subjectDer), certPem, keyPem, chainPem, der, paths: p,
          ...(basename(dir) !== wanted ? { folderTaken: join(this.paths.issuedDir, wanted) } : {}),
        };
      } catch (err) {
        rmSync(dir, { recursive: true, force: true });
        if (byserial.path) rmSync(byserial.path, { force: true });
        throw err;
      }
    });
  }

  /** The first of name, name-2, name-3... with no issued/ folder yet (a suggestion: issue() still refuses a taken one). */
  freeIssuedName(name: string): string {
    for (let i = 2; i <= 1000; i++) {
      const candidate = `${name}-${i}`;
      if (!existsSync(join(this.paths.issuedDir, candidate)) && !validFolderNameProblem(candidate)) return candidate;
    }
    throw new CaError(`${join(this.paths.issuedDir, name)}: no free folder name (tried ${name}-2 ... ${name}-1000)`);
  }

  /**
   * Creates a fresh issued/<name>/ (mkdir fails on an existing one, so two writers cannot claim the
   * same folder). A given name that exists is refused; a derived one moves on to name-2, name-3...
   */
  private claimIssuedDir(name: string, given: boolean): string {
    for (let i = 1; i <= 1000; i++) {
      const candidate = join(this.paths.issuedDir, i === 1 ? name : `${name}-${i}`);
      try {
        ensureCaDir(candidate, { exclusive: true });
        return candidate;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' && !(err instanceof UnsafePathError)) throw err;
        if (given) throw new CaError(`${candidate} already exists (it holds an earlier certificate and its key): choose another name`);
      }
    }
    throw new CaError(`${join(this.paths.issuedDir, name)}: no free folder name (tried ${name}-2 ... ${name}-1000)`);
  }

  /** Writes an issued certificate's files in a broker's layout (see brokerFiles.ts). */
  writeBrokerFiles(issued: IssuedCertificate, dir: string, kind: BrokerKind): BrokerFiles {
    if (!issued.keyPem) throw new CaError('this certificate was issued for an external key: no key file to write');
    const chain = issued.chainPem;
    return writeBrokerFiles({ certPem: issued.certPem, keyPem: issued.keyPem, intermediatesPem: intermediatesOf(chain), caPem: chain }, dir, kind);
  }

  private nextSerial(): string {
    // openssl's serial file holds the next serial in hex; skip any already in the database.
    let hex = existsSync(this.paths.serial) ? readFileSync(this.paths.serial, 'utf8').trim() : '';
    if (!/^[0-9A-Fa-f]+$/.test(hex)) hex = randomSerialHex(8);
    let n = BigInt('0x' + hex);
    while (this.find(n.toString(16))) n++;
    const serialHex = opensslSerial(n.toString(16));
    writeFileAtomic(this.paths.serial, opensslSerial((n + 1n).toString(16)) + '\n');
    return serialHex;
  }

  /** Resolves "serial hex" or "path to a certificate file" to a serial this CA issued. */
  private resolveTarget(target: string): { key: string; fromCert?: CertInfo } {
    const path = resolve(target);
    if (existsSync(path) && statSync(path).isFile()) {
      let info: CertInfo;
      try {
        info = certInfo(certDerFrom(readFileSync(path)));
      } catch (e) {
        throw new CaError(`${target} is not a certificate: ${(e as Error).message}`);
      }
      if (Buffer.compare(Buffer.from(info.issuerDer), Buffer.from(this.info.subjectDer)) !== 0 || !issuedBy(info.der, this.certDer)) {
        throw new CaError(`${target} was not issued by this CA (${this.subject})`);
      }
      return { key: info.serial, fromCert: info };
    }
    if (!/^(0x)?[0-9a-fA-F:]+$/.test(target)) throw new CaError(`"${target}" is neither a certificate file nor a hex serial number`);
    return { key: serialKey(target) };
  }

  /** Revokes by serial or certificate file, then writes a new CRL. */
  async revoke(target: string, reason: RevocationReason = 'unspecified', at?: Date, opts: { compromiseTime?: Date } = {}): Promise<RevokeResult> {
    if (!REVOCATION_REASONS.includes(reason)) throw new CaError(`unsupported reason "${reason}" (${REVOCATION_REASONS.join(', ')})`);
    const { key, fromCert } = this.resolveTarget(target);
    const date = truncate(at ?? new Date());
    checkRecordableTime(date, 'the revocation date');
    return this.lock(() => {
      const entries = this.load().entries.map((e) => ({ ...e }));
      let entry = entries.find((e) => serialKey(e.serialHex) === key);
      if (!entry) {
        if (!fromCert) throw new CaError(`serial ${colonSerial(key)} is not in ${this.paths.database}`);
        // Like `openssl ca -revoke` with a certificate unknown to the database: add it.
        entry = { status: 'V', expires: fromCert.notAfter, serialHex: opensslSerial(key), file: 'unknown', subject: dnToOpensslOneline(fromCert.subjectDer) };
        entries.push(entry);
      }
      if (entry.status === 'R' && entry.revoked?.reason !== 'certificateHold') {
        throw new CaError(`serial ${colonSerial(entry.serialHex)} is already revoked (${entry.revoked?.reason ?? 'unspecified'})`);
      }
      if (entry.status === 'R' && reason === 'certificateHold') throw new CaError(`serial ${colonSerial(entry.serialHex)} is already on hold`);
      // A hold turned into a permanent revocation keeps its original date (RFC 5280 5.3.1).
      const keepDate = entry.status === 'R' ? entry.revoked!.date : date;
      entry.status = 'R';
      entry.revoked = { date: keepDate, reason: reason === 'unspecified' ? undefined : reason };
      if (opts.compromiseTime && (reason === 'keyCompromise' || reason === 'cACompromise')) {
        checkRecordableTime(opts.compromiseTime, 'the compromise time');
        entry.revoked.compromiseTime = truncate(opts.compromiseTime);
      }
      const crl = this.commit(entries);
      return { serialHex: entry.serialHex, subject: entry.subject, reason, date: keepDate, crlNumber: crl.crlNumber };
    });
  }

  /** Releases a certificateHold: the certificate is valid again and leaves the CRL. */
  async unrevoke(target: string): Promise<{ serialHex: string; crlNumber: bigint }> {
    const { key } = this.resolveTarget(target);
    return this.lock(() => {
      const entries = this.load().entries.map((e) => ({ ...e }));
      const entry = entries.find((e) => serialKey(e.serialHex) === key);
      if (!entry) throw new CaError(`serial ${colonSerial(key)} is not in ${this.paths.database}`);
      if (entry.status !== 'R') throw new CaError(`serial ${colonSerial(entry.serialHex)} is not revoked`);
      if (entry.revoked?.reason !== 'certificateHold') {
        throw new CaError(`serial ${colonSerial(entry.serialHex)} is revoked for ${entry.revoked?.reason ?? 'unspecified'}: only a certificateHold can be released`);
      }
      entry.status = entry.expires.getTime() < Date.now() ? 'E' : 'V';
      delete entry.revoked;
      const crl = this.commit(entries);
      return { serialHex: entry.serialHex, crlNumber: crl.crlNumber };
    });
  }

  /** index.txt then CRL, bracketed by the pending marker (see the file comment). */
  private commit(entries: IndexEntry[]): CrlWriteResult {
    // The CRL must be writable before index.txt changes (else the marker would stay behind).
    checkCrlHours(this.settings.crlHours, CA_CRL_HOURS);
    writeFileAtomic(this.paths.crlPending, String(process.pid));
    this.saveIndex(entries);
    return this.writeCrlLocked({});
  }

  /** Writes crl.pem and crl.der from index.txt with the next crlNumber. */
  async writeCrl(opts: { now?: Date; nextUpdateHours?: number } = {}): Promise<CrlWriteResult> {
    return this.lock(() => this.writeCrlLocked(opts));
  }

  private writeCrlLocked(opts: { now?: Date; nextUpdateHours?: number }): CrlWriteResult {
    const now = truncate(opts.now ?? new Date());
    const hours = opts.nextUpdateHours ?? this.settings.crlHours;
    checkCrlHours(hours, opts.nextUpdateHours === undefined ? CA_CRL_HOURS : 'the CRL validity');
    const nextUpdate = clampValidity(new Date(now.getTime() + hours * 3_600_000));
    // Consume the number first: a kill after this skips a number, never reuses one.
    const text = existsSync(this.paths.crlNumber) ? readFileSync(this.paths.crlNumber, 'utf8').trim() : '01';
    const crlNumber = /^[0-9A-Fa-f]+$/.test(text) ? BigInt('0x' + text) : 1n;
    writeFileAtomic(this.paths.crlNumber, opensslSerial((crlNumber + 1n).toString(16)) + '\n');
    // Encoded straight from index.txt's text (no per-entry objects): fast at 100k revocations.
    const indexText = existsSync(this.paths.database) ? readFileSync(this.paths.database, 'utf8') : '';
    const revoked = encodeIndexRevocations(indexText.replace(/\r\n/g, '\n'));
    const der = buildCrl({
      issuerDer: this.info.subjectDer, signer: signerFor(this.key()), thisUpdate: now, nextUpdate, crlNumber,
      authorityKeyId: this.info.subjectKeyId, entries: [], encodedEntries: revoked.parts,
    });
    writeFileAtomic(this.paths.crlDer, der);
    writeFileAtomic(this.paths.crlPem, toPem(der, 'X509 CRL'));
    rmSync(this.paths.crlPending, { force: true });
    return { pemPath: this.paths.crlPem, derPath: this.paths.crlDer, crlNumber, entries: revoked.count, thisUpdate: now, nextUpdate };
  }
}

/** The chain without its last certificate (the root): what a server sends after its leaf. */
function intermediatesOf(chainPem: string): string {
  const blocks = chainPem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g) ?? [];
  return blocks.slice(0, -1).map((b) => (b.endsWith('\n') ? b : b + '\n')).join('');
}

interface ProfileDef {
  keyUsage(pub: KeyObject): string[];
  eku?: string[];
}

const PROFILES: Record<Profile, ProfileDef> = {
  // RSA keys also do key transport in TLS 1.2 RSA key exchange; EC/EdDSA keys only sign.
  server: { keyUsage: (k) => (k.asymmetricKeyType === 'rsa' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature']), eku: ['serverAuth'] },
  client: { keyUsage: (k) => (k.asymmetricKeyType === 'rsa' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature']), eku: ['clientAuth'] },
  ca: { keyUsage: () => ['digitalSignature', 'keyCertSign', 'cRLSign'] },
  ocsp: { keyUsage: () => ['digitalSignature'], eku: ['ocspSigning'] },
};
