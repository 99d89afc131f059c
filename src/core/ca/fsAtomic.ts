// Crash-safe file updates and a lock between concurrent writers (several CLI processes, the
// extension, a demo). A write goes to a temp file in the same folder, is fsync'ed, then renamed
// over the target: a kill at any moment leaves either the old or the new file, never half of one.
// Every file and folder the CA writes goes through here: a workspace is untrusted, so nothing is
// written through a symbolic link, and folders are 0700 whatever the umask.
import {
  chmodSync, closeSync, constants, fchmodSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync,
  writeSync, existsSync,
} from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** A CA file or folder that is a symbolic link (or not a folder): refused, never followed. */
export class UnsafePathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafePathError';
  }
}

/**
 * Test seam: called before each atomic write with the target path; throwing from it simulates a
 * failing disk (ENOSPC, EACCES) at that write. Never set outside tests.
 */
let writeFault: ((path: string) => void) | undefined;
export function setWriteFault(fn: ((path: string) => void) | undefined): void {
  writeFault = fn;
}

function isSymlink(path: string): boolean {
  try { return lstatSync(path).isSymbolicLink(); } catch { return false; }
}

/**
 * `durable: false` skips the fsyncs for derived copies (issued/<name>/ files): still atomic against
 * a killed process (the page cache survives it), just not flushed against power loss.
 * A failed write removes its temp file and leaves the target as it was.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644, opts: { durable?: boolean } = {}): void {
  const durable = opts.durable !== false;
  if (isSymlink(path)) throw new UnsafePathError(`refusing to write ${path}: it is a symbolic link`);
  if (isSymlink(dirname(path))) throw new UnsafePathError(`refusing to write into ${dirname(path)}: it is a symbolic link`);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  // O_EXCL|O_NOFOLLOW: never opens an existing file or a link planted under the temp name.
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    try {
      fchmodSync(fd, mode); // exact mode, whatever the umask
      writeFault?.(path);
      const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    // write(2) on a descriptor names no file: say which one could not be written.
    const e = err as NodeJS.ErrnoException;
    if (e.code && !e.path) e.path = path;
    throw err;
  }
  if (durable) syncDir(dirname(path));
}

/**
 * Creates a CA folder (and missing parents) and makes it 0700 whatever the umask. An existing
 * symbolic link or non-folder at `dir` is refused. With `exclusive`, an existing folder is an
 * EEXIST error (used to claim a fresh issued/<name>/ atomically).
 */
export function ensureCaDir(dir: string, opts: { exclusive?: boolean } = {}): void {
  if (isSymlink(dir)) throw new UnsafePathError(`refusing to use ${dir}: it is a symbolic link`);
  if (opts.exclusive) {
    mkdirSync(dirname(dir), { recursive: true });
    mkdirSync(dir, { mode: 0o700 });
  } else if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new UnsafePathError(`${dir} exists and is not a folder`);
    return;
  } else {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  chmodSync(dir, 0o700);
}

function syncDir(dir: string): void {
  // Makes the rename itself durable; not supported everywhere (ignore EISDIR/EPERM on odd filesystems).
  try {
    const fd = openSync(dir, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch { /* best effort */ }
}

class LockTimeoutError extends Error {
  constructor(path: string, holder: string) {
    super(`CA directory is locked by another writer (${holder}); lock file ${path}`);
    this.name = 'LockTimeoutError';
  }
}

export interface LockOptions {
  /** Give up after this long (default 15 s). */
  timeoutMs?: number;
  /** A lock older than this whose owner cannot be checked is stale (default 60 s). */
  staleMs?: number;
}

/**
 * Runs `fn` while holding an exclusive lock file (created with O_EXCL). A lock whose owner process
 * is gone (same host, pid not alive) or which is older than staleMs is broken: a killed writer
 * never blocks the directory for good.
 */
export async function withLock<T>(lockPath: string, fn: () => Promise<T> | T, opts: LockOptions = {}): Promise<T> {
  const timeout = opts.timeoutMs ?? 15_000;
  const staleMs = opts.staleMs ?? 60_000;
  const deadline = Date.now() + timeout;
  const token = `${process.pid} ${randomBytes(6).toString('hex')} ${new Date().toISOString()}`;
  let delay = 5;
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      // No fsync: a lock only matters between live processes.
      try { writeSync(fd, token); } finally { closeSync(fd); }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (breakIfStale(lockPath, staleMs)) continue;
      if (Date.now() > deadline) throw new LockTimeoutError(lockPath, readHolder(lockPath));
      await new Promise((r) => setTimeout(r, delay + Math.floor(Math.random() * delay)));
      delay = Math.min(delay * 2, 100);
    }
  }
  try {
    return await fn();
  } finally {
    // Only remove our own lock (a stale-breaker may have replaced it meanwhile).
    if (readHolder(lockPath) === token) rmSync(lockPath, { force: true });
  }
}

function readHolder(lockPath: string): string {
  try { return readFileSync(lockPath, 'utf8'); } catch { return 'unknown'; }
}

function breakIfStale(lockPath: string, staleMs: number): boolean {
  let holder: string;
  let age: number;
  try {
    holder = readFileSync(lockPath, 'utf8');
    age = Date.now() - statSync(lockPath).mtimeMs;
  } catch {
    return !existsSync(lockPath); // vanished meanwhile: retry at once
  }
  const pid = Number(holder.split(' ')[0]);
  let dead = false;
  if (Number.isInteger(pid) && pid > 0) {
    try { process.kill(pid, 0); } catch (e) { dead = (e as NodeJS.ErrnoException).code === 'ESRCH'; }
  } else if (age > 2000) {
    dead = true; // empty/garbled lock left by a writer killed between create and write
  }
  if (!dead && age < staleMs) return false;
  // Rename first so that two breakers cannot both delete a fresh lock made by a third process.
  const grave = `${lockPath}.stale.${process.pid}.${randomBytes(3).toString('hex')}`;
  try {
    renameSync(lockPath, grave);
    const moved = readFileSync(grave, 'utf8');
    // We moved a different, fresh lock (its owner replaced the stale one meanwhile): restore it.
    if (moved !== holder) renameSync(grave, lockPath);
    else rmSync(grave, { force: true });
  } catch { /* someone else broke it */ }
  return true;
}

/** Removes temp files left in `dir` by writers that were killed (their pid no longer exists). */
export function removeOrphanTempFiles(dir: string): number {
  let removed = 0;
  let names: string[];
  try { names = readdirSync(dir); } catch { return 0; }
  for (const name of names) {
    const m = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name);
    if (!m || Number(m[1]) === process.pid || isAlive(Number(m[1]))) continue;
    rmSync(join(dir, name), { force: true });
    removed++;
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code !== 'ESRCH'; }
}
