// Errors the probe raises itself (timeouts, unexpected closes), carrying a Node-like code so the
// diagnosis treats them like the errors Node raises.
import { formatDuration } from '../duration';

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
  const text = err instanceof Error ? err.message.trim() : String(err);
  // OpenSSL's "80FC..:error:0A000410:SSL routines:ssl3_read_bytes:sslv3 alert handshake failure:
  // ../deps/openssl/...c:1601:SSL alert number 40" -> "sslv3 alert handshake failure (SSL alert number 40)".
  const m = /^[0-9A-F]+:error:[0-9A-F]+:[^:]+:[^:]*:([^:]+):[^:]*:\d+:?(.*)$/s.exec(text);
  return m ? `${m[1].trim()}${m[2].trim() ? ` (${m[2].trim()})` : ''}` : text;
}

/** Resolves or rejects with `promise`, or rejects with a TIMEOUT ProbeError after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new ProbeError('ETIMEDOUT', `${what}: no answer within ${formatDuration(ms)}`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
