// A CA operation's expected failures (a taken folder name, a bad date, a full disk, a symlink in
// the CA folder...) reach the user as a message, not as a bug logged with its stack trace.
import { expectedProblem } from '../../../core/failure';
import { UserError } from '../../errors';

export async function userFacing<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    const problem = expectedProblem(err);
    if (problem) throw new UserError(problem.message);
    throw err;
  }
}
