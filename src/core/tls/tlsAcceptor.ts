// Accepts TCP connections as TLS server sockets and, when the client certificate is refused,
// sends the real TLS alert (certificate_revoked, certificate_expired, unknown_ca, ...) like an
// OpenSSL server does, instead of Node's silent close.
//
// How: Node runs the handshake with rejectUnauthorized:false, so it always completes and tells
// us the verification result. Node's records pass through a RecordTap (see recordTap.ts).
// - TLS 1.2: when the master secret appears in the key log (the client's key exchange has been
//   read) we hold the server's final flight (ChangeCipherSpec, Finished). Accepted: release it.
//   Refused: drop it and send a plaintext fatal alert, exactly where OpenSSL would.
// - TLS 1.3: the server's Finished went out before the client sent its certificate, so the
//   alert is protected with the server application traffic secret from the key log. Its
//   sequence number is the count of records already sent under that secret (OpenSSL sends
//   NewSessionTickets right after the handshake): we count them by trial decryption of what
//   actually passed the tap, and block everything after.
import * as tls from 'node:tls';
import type { Socket } from 'node:net';
import { RecordTap } from './recordTap';
import { parseKeylogLine } from './keylog';
import { nextSequence, plaintextAlertRecord, tls13AlertRecord, tls13Suite, trafficKeys } from './tls13Record';
import { formatDuration } from '../duration';

export interface HandshakeInfo {
  socket: tls.TLSSocket;
  remoteAddress: string;
  remotePort: number;
  protocol: string;
  cipher: string;
  /** Node's verification error code (CERT_REVOKED, ...), absent when the chain verified. */
  authorizationError?: string;
  /** Empty when the client sent no certificate. */
  peerCertificate?: tls.DetailedPeerCertificate;
}

export type Verdict = { accept: true } | { accept: false; alert: number; reason: string };

export interface RejectionOutcome {
  /** False when the alert could not be written (peer gone, unknown cipher): the socket was closed. */
  alertSent: boolean;
  /** Why no alert was sent. */
  note?: string;
}

export interface TlsAcceptorOptions {
  /** The context for the next handshake (CRL swaps take effect on new connections). */
  secureContext(): tls.SecureContext;
  /**
   * A tls.Server that never listens: Node raises 'OCSPRequest' and 'keylog' on the server a
   * TLS socket belongs to, and reads the OCSP certificate from its context.
   */
  hub: tls.Server;
  requestCert: boolean;
  handshakeTimeoutMs: number;
  /**
   * The decision on the client. May be asynchronous (a CRL fetched during the handshake, as EMQX 5
   * does): the server's last flight stays held meanwhile; the caller bounds the wait.
   */
  verify(info: HandshakeInfo): Verdict | Promise<Verdict>;
  onAccepted(info: HandshakeInfo): void;
  onRejected(info: HandshakeInfo, verdict: Extract<Verdict, { accept: false }>, outcome: RejectionOutcome): void;
  onFailed(remote: { address: string; port: number }, message: string): void;
}

interface ConnState {
  tap: RecordTap;
  serverAppSecret?: Buffer;
}

const SERVER_APP_SECRET = 'SERVER_TRAFFIC_SECRET_0';

export class TlsAcceptor {
  private readonly states = new WeakMap<tls.TLSSocket, ConnState>();

  constructor(private readonly options: TlsAcceptorOptions) {}

  accept(raw: Socket): tls.TLSSocket {
    const o = this.options;
    const remote = { address: raw.remoteAddress ?? '?', port: raw.remotePort ?? 0 };
    const tap = new RecordTap(raw);
    const socket = new tls.TLSSocket(tap as unknown as Socket, {
      isServer: true,
      server: o.hub,
      secureContext: o.secureContext(),
      requestCert: o.requestCert,
      rejectUnauthorized: false,
    });
    const state: ConnState = { tap };
    this.states.set(socket, state);
    let secure = false;
    if (o.requestCert) {
      // The secrets are only needed to refuse client certificates.
      socket.on('keylog', (line: Buffer) => {
        // Only the first handshake is judged here: a server context for client certificates must
        // refuse renegotiation (SSL_OP_NO_RENEGOTIATION), as the broker's does.
        if (secure) return;
        // Five lines per TLS 1.3 handshake: decode only the two we use.
        const head = line.subarray(0, 24).toString('latin1');
        if (!head.startsWith('CLIENT_RANDOM ') && !head.startsWith(`${SERVER_APP_SECRET} `)) return;
        const entry = parseKeylogLine(line);
        if (!entry) return;
        if (entry.label === 'CLIENT_RANDOM') tap.hold();
        else if (entry.label === SERVER_APP_SECRET) state.serverAppSecret = entry.secret;
      });
    }
    let failed = false;
    const fail = (message: string): void => {
      if (secure || failed) return;
      failed = true;
      o.onFailed(remote, message);
    };
    const timer = setTimeout(() => {
      fail(`handshake not finished within ${formatDuration(o.handshakeTimeoutMs)}`);
      socket.destroy();
      raw.destroy();
    }, o.handshakeTimeoutMs);
    timer.unref();
    socket.on('error', (err: Error) => fail(`TLS handshake failed: ${err.message}`));
    socket.once('close', () => {
      clearTimeout(timer);
      fail('connection closed during the TLS handshake');
    });
    // After the handshake Node reports TLS errors (a corrupted record, ...) through the internal
    // '_tlsError' event only, because tls.Server never "released control" of a socket we built:
    // close such a connection instead of leaving it hanging.
    socket.on('_tlsError', (err: Error) => socket.destroy(err));
    socket.once('secure', () => {
      secure = true;
      clearTimeout(timer);
      this.finishHandshake(socket, tap, remote);
    });
    return socket;
  }

  private finishHandshake(socket: tls.TLSSocket, tap: RecordTap, remote: { address: string; port: number }): void {
    const cipher = socket.getCipher();
    const peer = this.options.requestCert ? socket.getPeerCertificate(true) : undefined;
    const info: HandshakeInfo = {
      socket,
      remoteAddress: remote.address,
      remotePort: remote.port,
      protocol: socket.getProtocol() ?? 'unknown',
      cipher: cipher?.standardName ?? cipher?.name ?? 'unknown',
      authorizationError: this.options.requestCert ? verifyErrorOf(socket) : undefined,
      peerCertificate: peer && Object.keys(peer).length > 0 ? peer : undefined,
    };
    const internal = (err: unknown): Verdict => ({ accept: false, alert: 80, reason: `internal error while checking the client: ${(err as Error).message}` });
    let verdict: Verdict | Promise<Verdict>;
    try {
      verdict = this.options.verify(info);
    } catch (err) {
      verdict = internal(err);
    }
    if (verdict instanceof Promise) {
      verdict.catch(internal).then((v) => {
        if (socket.destroyed) {
          this.options.onFailed(remote, 'connection closed while the client certificate was being checked');
          return;
        }
        this.decide(info, tap, v);
      }).catch((err: unknown) => {
        // A throwing accept/reject hook must not become an unhandled rejection (it would end the
        // broker process): report it and drop this one connection.
        this.options.onFailed(remote, `internal error after the client check: ${(err as Error).message}`);
        socket.destroy();
      });
      return;
    }
    this.decide(info, tap, verdict);
  }

  private decide(info: HandshakeInfo, tap: RecordTap, verdict: Verdict): void {
    const socket = info.socket;
    const state = this.states.get(socket);
    if (verdict.accept) {
      tap.release();
      if (state) state.serverAppSecret = undefined;
      this.options.onAccepted(info);
      return;
    }
    const outcome = this.reject(info, tap, verdict.alert, state?.serverAppSecret);
    this.options.onRejected(info, verdict, outcome);
    socket.destroy();
  }

  private reject(info: HandshakeInfo, tap: RecordTap, alert: number, appSecret: Buffer | undefined): RejectionOutcome {
    if (info.protocol !== 'TLSv1.3') {
      if (tap.currentMode !== 'hold') {
        tap.block(Buffer.alloc(0));
        return { alertSent: false, note: `the ${info.protocol} handshake was not held (no key exchange seen)` };
      }
      tap.block(plaintextAlertRecord(alert));
      return { alertSent: true };
    }
    const suite = tls13Suite(info.cipher);
    if (!suite || !appSecret) {
      tap.block(Buffer.alloc(0));
      return { alertSent: false, note: suite ? 'no application traffic secret in the key log' : `cipher ${info.cipher} is not supported for alerts` };
    }
    const keys = trafficKeys(suite, appSecret);
    // Records the client already received under the application key (NewSessionTickets).
    tap.block(tls13AlertRecord(keys, nextSequence(keys, tap.protectedRecords), alert));
    return { alertSent: true };
  }
}

/**
 * The peer verification result. tls.Server copies it into `authorizationError` in its own
 * 'secure' handler, which a TLSSocket we construct ourselves does not get, so we ask the TLS
 * handle the same way Node does (`_handle.verifyError()`, present since Node 0.x). If a future
 * Node removes it we fail closed with a clear reason rather than accept unverified peers.
 */
function verifyErrorOf(socket: tls.TLSSocket): string | undefined {
  const handle = (socket as unknown as { _handle?: { verifyError?: () => (Error & { code?: string }) | null } })._handle;
  if (!handle || typeof handle.verifyError !== 'function') return 'VERIFY_RESULT_UNAVAILABLE';
  const err = handle.verifyError();
  if (!err) return undefined;
  return typeof err.code === 'string' ? err.code : err.message;
}
