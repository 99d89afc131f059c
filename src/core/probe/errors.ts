// Errors the probe raises itself (timeouts, unexpected closes), carrying a Node-like code so the
// diagnosis treats them like the errors Node raises.

export class ProbeError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'ProbeError';
  }
}

export function errorCode(err: unknown): string | undefined {
  const c = (err as { code?: unknown } | undefined)?.code;
  return typeof c === 'string' ? c : undefined;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message.trim();
  return String(err);
}

/** Resolves or rejects with `promise`, or rejects with a TIMEOUT ProbeError after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new ProbeError('ETIMEDOUT', `${what}: no answer within ${ms / 1000} s`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
