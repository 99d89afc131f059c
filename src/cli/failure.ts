// How the CLI ends on an error: one specific line on stderr and an exit code, never a stack
// trace for something the user can fix. 2: bad input (a flag, a file, a name, a CA folder's
// content); 1: the operation failed (disk full, permission denied, port taken); 70 with the
// stack: a bug in Certscope ("internal error").
import { basename, dirname, join } from 'node:path';
import { HelpRequested, UsageError } from './usage-error';

/** Error classes (by name, so core modules need not be loaded) whose message is for the user. */
const INPUT_ERRORS = new Set([
  'UsageError', 'CaError', 'NameError', 'CaDirectoryError', 'IndexFormatError', 'UnsafePathError', 'CsrError', 'InputError',
  'BrokerConfigError', 'BrokerStartError', 'ProbeUrlError', 'ExportError', 'DecodeError',
]);

/** A refusal of the operation on valid input (exit 1), e.g. revoking twice. */
const REFUSED = /already revoked|already on hold|is not revoked|only a certificateHold/;

const ERRNO_TEXT: Record<string, string> = {
  ENOSPC: 'no space left on the device', EDQUOT: 'disk quota exceeded', EACCES: 'permission denied',
  EPERM: 'operation not permitted', EROFS: 'read-only file system', EIO: 'input/output error', EFBIG: 'file too large',
  ENOENT: 'no such file or folder', ENOTDIR: 'a part of the path is not a folder', EISDIR: 'is a folder',
  EEXIST: 'already exists', EMFILE: 'too many open files', ENAMETOOLONG: 'name too long', ELOOP: 'symbolic link loop',
  EBUSY: 'busy', EADDRINUSE: 'address already in use', EADDRNOTAVAIL: 'address not available on this machine',
};

export interface Failure {
  message: string;
  exitCode: number;
  /** Printed on stdout (help), not stderr. */
  stdout?: boolean;
}

/** The user-facing form of an error thrown by a command. */
export function describeFailure(err: unknown): Failure {
  if (err instanceof HelpRequested) return { message: err.text, exitCode: 0, stdout: true };
  if (err instanceof UsageError) return { message: err.message, exitCode: 2 };
  if (err instanceof Error && INPUT_ERRORS.has(err.name)) return { message: err.message, exitCode: REFUSED.test(err.message) ? 1 : 2 };
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (err instanceof Error && code && ERRNO_TEXT[code]) {
    const e = err as NodeJS.ErrnoException;
    const what = e.path ? `${e.syscall ?? 'access'} ${displayPath(e.path)}` : e.syscall ?? 'operation';
    return { message: `cannot ${what}: ${ERRNO_TEXT[code]} (${code})`, exitCode: 1 };
  }
  return { message: `internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}`, exitCode: 70 };
}

/** A writer's temp file (".key.pem.1234.abcd1234.tmp") is named after the file it was for. */
function displayPath(path: string): string {
  const m = /^\.(.+)\.\d+\.[0-9a-f]{8}\.tmp$/.exec(basename(path));
  return m ? join(dirname(path), m[1]) : path;
}
