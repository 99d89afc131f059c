// Step 5: the server's verdict on the client certificate, before any MQTT byte is written. On
// TLS 1.3 every stack reports a rejected client certificate after the client's handshake is done;
// TLS terminators (nginx stream) and Node-based servers close without an alert on TLS 1.2 too,
// right after the handshake. Waiting here (a session ticket, an alert, a close, or quiet) means a
// close is known to have come before the server could have read CONNECT, and no write of ours
// races the alert.
import { errorMessage, ProbeError } from '../errors';
import type { ProbeRun } from '../run';
import { formatDuration } from '../../duration';

const DEFAULT_LATE_ALERT_MS = 1_500;
/** After a session ticket or on TLS 1.2: a terminator checks the certificate and closes within this. */
const SETTLE_MS = 300;

type Outcome = 'error' | 'close' | 'ticket' | 'quiet';

function waitForVerdict(run: ProbeRun, ms: number, ticketEnds: boolean): Promise<Outcome> {
  const sock = run.tlsSocket!;
  return new Promise<Outcome>((resolve) => {
    if (run.tlsErrors.length) return resolve('error');
    if (sock.destroyed || sock.readableEnded) return resolve('close');
    const timer = setTimeout(() => finish('quiet'), ms);
    const onTicket = (): void => { if (ticketEnds) finish('ticket'); };
    // An error that is no alert (a write into the closed connection) counts as the close.
    const onError = (): void => finish(run.tlsErrors.length ? 'error' : 'close');
    const onClose = (): void => finish('close');
    function finish(what: Outcome): void {
      clearTimeout(timer);
      sock.off('session', onTicket);
      sock.off('error', onError);
      sock.off('close', onClose);
      sock.off('end', onClose);
      resolve(what);
    }
    sock.on('session', onTicket);
    sock.on('error', onError);
    sock.on('close', onClose);
    sock.on('end', onClose);
  });
}

/** Whether to wait at all: only where a rejection can still come after the handshake. */
export function verdictPending(run: ProbeRun): boolean {
  const tlsInfo = run.result.tls;
  if (run.target?.scheme === 'tls') return true;
  return !!tlsInfo?.clientCertRequested;
}

/** False when the server rejected or closed; the reason is in the trace and result.error. */
export async function awaitVerdict(run: ProbeRun): Promise<boolean> {
  const tls13 = run.result.tls?.version === 'TLSv1.3';
  const wait = tls13 ? run.options.lateAlertWaitMs ?? DEFAULT_LATE_ALERT_MS : SETTLE_MS;
  const step = run.trace.begin('late-alert', tls13
    ? 'After the TLS 1.3 handshake: the server\'s verdict on the client certificate'
    : 'After the handshake: does the server keep the connection open?');
  let outcome = await waitForVerdict(run, wait, true);
  // A session ticket comes from the TLS library; a terminator's own check can still close after it.
  if (outcome === 'ticket') outcome = (await waitForVerdict(run, SETTLE_MS, false)) === 'quiet' ? 'ticket' : 'close';
  if (outcome === 'close') {
    // The close may carry an alert the TLS layer has not turned into an error yet.
    await run.drain();
    if (run.tlsErrors.length) outcome = 'error';
  }
  if (outcome === 'error') {
    const e = run.tlsErrors[run.tlsErrors.length - 1].err;
    step.detail('error', errorMessage(e)).end('fail');
    run.fail('late-alert', e);
    return false;
  }
  if (outcome === 'close') {
    run.result.closedBeforeConnect = true;
    step.detail('result', `the server closed the connection ${run.sessionTicket ? 'after sending a session ticket ' : ''}without an alert, before any MQTT byte was sent`).end('fail');
    run.fail('late-alert', new ProbeError('ECLOSED', 'the server closed the connection right after the TLS handshake, before it could have read CONNECT'));
    return false;
  }
  step.detail('result', outcome === 'ticket' ? 'the server sent a session ticket and kept the connection open: it accepted the handshake' : `no rejection within ${formatDuration(wait)}`).end('ok');
  return true;
}
