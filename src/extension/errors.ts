// Errors a command expects (bad file, nothing to decode): shown to the user as they are and
// logged as a warning without a stack trace. Anything else is a bug and is logged with its stack.
export class UserError extends Error {
  override readonly name = 'UserError';
}
