// The alerts of a run from both sources: Node's errors (code/message) and the records on the wire
// (plaintext, or TLS 1.3 records decrypted with the run's own key log). The wire wins on details;
// every distinct alert is kept in the order it came (GnuTLS sends two: access_denied, then
// bad_certificate).
import { errorCode } from './errors';
import type { TlsErrorEvent } from './run';
import type { AlertInfo } from './types';
import type { WireFlight } from '../tls/handshakeReader';
import { alertFromError, alertName } from '../tls/alerts';

export function collectAlerts(errors: TlsErrorEvent[], wire: WireFlight | undefined, connectWrittenMs: number | undefined): AlertInfo[] {
  const out: AlertInfo[] = [];
  for (const w of wire?.alerts ?? []) {
    if (w.description === 0) continue; // close_notify: an orderly close, not a rejection
    out.push({
      name: alertName(w.description), number: w.description, level: w.level === 1 ? 'warning' : 'fatal', direction: 'received',
      phase: w.afterHandshake ? 'after-handshake' : 'during-handshake', evidence: 'record',
    });
  }
  for (const { err, afterHandshake, atMs } of errors) {
    const a = alertFromError(err as { code?: unknown; message?: unknown });
    if (!a) continue;
    const known = out.find((x) => x.number === a.number && x.direction === 'received');
    const beforeConnect = connectWrittenMs === undefined || atMs <= connectWrittenMs ? true : undefined;
    if (known) {
      known.raw ??= errorCode(err) ?? err.message;
      if (afterHandshake) known.phase = 'after-handshake';
      known.beforeConnect = beforeConnect;
    } else {
      out.push({ name: a.name, number: a.number, level: 'fatal', direction: 'received', phase: afterHandshake ? 'after-handshake' : 'during-handshake', evidence: 'error', raw: errorCode(err) ?? err.message, beforeConnect });
    }
  }
  for (const w of wire?.sentAlerts ?? []) {
    if (w.description === 0) continue;
    out.push({ name: alertName(w.description), number: w.description, level: w.level === 1 ? 'warning' : 'fatal', direction: 'sent', phase: w.afterHandshake ? 'after-handshake' : 'during-handshake', evidence: 'record' });
  }
  return out;
}
