// How the CLI ends on an error: one specific line on stderr and an exit code, never a stack
// trace for something the user can fix. 2: bad input (a flag, a file, a name, a CA folder's
// content); 1: the operation failed or was refused (disk full, permission denied, revoking
// twice); 70 with the stack: a bug in Certscope ("internal error").
import { expectedProblem } from '../core/failure';
import { HelpRequested, UsageError } from './usage-error';

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
  const p = expectedProblem(err);
  if (p) return { message: p.message, exitCode: p.kind === 'input' ? 2 : 1 };
  return { message: `internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}`, exitCode: 70 };
}
