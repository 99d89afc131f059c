/** A mistake in the user's input: the CLI prints the message (no stack) and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
