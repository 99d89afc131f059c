// Which errors are the user's to fix, and how to say so: shared by the CLI (exit codes) and the
// extension (a message instead of a logged stack trace). A bug is none of these.

/** Error classes (by name, so callers need not load the modules) whose message is written for the user. */
const INPUT_ERRORS = new Set([
  'CaError', 'NameError', 'CaDirectoryError', 'IndexFormatError', 'UnsafePathError', 'CsrError', 'InputError',
  'BrokerConfigError', 'BrokerStartError', 'ProbeUrlError', 'ExportError', 'DecodeError', 'LockTimeoutError',
]);

/** A refusal of the operation on valid input, e.g. revoking twice (the CLI exits 1, not 2). */
const REFUSED = /already revoked|already on hold|is not revoked|only a certificateHold|is locked by another writer/;

const ERRNO_TEXT: Record<string, string> = {
  ENOSPC: 'no space left on the device', EDQUOT: 'disk quota exceeded', EACCES: 'permission denied',
  EPERM: 'operation not permitted', EROFS: 'read-only file system', EIO: 'input/output error', EFBIG: 'file too large',
  ENOENT: 'no such file or folder', ENOTDIR: 'a part of the path is not a folder', EISDIR: 'is a folder',
  EEXIST: 'already exists', EMFILE: 'too many open files', ENAMETOOLONG: 'name too long', ELOOP: 'symbolic link loop',
  EBUSY: 'busy', EADDRINUSE: 'address already in use', EADDRNOTAVAIL: 'address not available on this machine',
};

export type ProblemKind = 'input' | 'refused' | 'system';

/** What kind of expected problem `err` is, with its message; undefined for a bug. */
export function expectedProblem(err: unknown): { kind: ProblemKind; message: string } | undefined {
  if (!(err instanceof Error)) return undefined;
  if (INPUT_ERRORS.has(err.name)) return { kind: REFUSED.test(err.message) ? 'refused' : 'input', message: err.message };
  const e = err as NodeJS.ErrnoException;
  if (e.code && ERRNO_TEXT[e.code]) {
    const what = e.path ? `${e.syscall ?? 'access'} ${displayPath(e.path)}` : e.syscall ?? 'complete the operation';
    return { kind: 'system', message: `cannot ${what}: ${ERRNO_TEXT[e.code]} (${e.code})` };
  }
  return undefined;
}

/** A writer's temp file (".key.pem.1234.abcd1234.tmp") is named after the file it was for. */
function displayPath(path: string): string {
  const m = /^(.*[\\/])?\.(.+)\.\d+\.[0-9a-f]{8}\.tmp$/.exec(path);
  return m ? `${m[1] ?? ''}${m[2]}` : path;
}
