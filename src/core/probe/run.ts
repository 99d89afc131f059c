// The state one probe run shares between its steps (steps/*.ts): the options, the trace, the
// result being filled in, the sockets, the TLS errors seen, and cancellation. Steps read and write
// it; probe.ts runs them in order. `cleanup()` always runs and never hides an alert: it reads
// until the server closes (bounded) before it cuts the connection.
import type * as net from 'node:net';
import type * as tls from 'node:tls';
import type WebSocket from 'ws';
import { errorCode, errorMessage, ProbeError } from './errors';
import { PacketStream } from './packet-stream';
import type { PreflightResult } from './preflight';
import { Trace } from './trace';
import type { ProbeOptions, ProbeResult, StepName } from './types';
import type { ProbeTarget } from './url';
import type { WireFlight } from '../tls/handshakeReader';
import type { RecordTap } from '../tls/recordTap';

const DEFAULT_TIMEOUT_MS = 10_000;
/** How long to read after a failure for the rest of what the server sent (its alert, its close). */
const DRAIN_MS = 1_500;

export interface TlsErrorEvent {
  err: Error;
  afterHandshake: boolean;
  /** Milliseconds since the probe started. */
  atMs: number;
}

export class ProbeRun {
  readonly trace: Trace;
  readonly now: Date;
  readonly timeout: number;
  readonly result: ProbeResult;
  target: ProbeTarget | undefined;
  socket: net.Socket | undefined;
  connecting: net.Socket | undefined;
  tlsSocket: tls.TLSSocket | undefined;
  tap: RecordTap | undefined;
  ws: WebSocket | undefined;
  readonly keylog: Buffer[] = [];
  readonly tlsErrors: TlsErrorEvent[] = [];
  staple: Buffer | null | undefined;
  secure = false;
  sessionTicket = false;
  completed = false;
  /**
   * 'pipelined': CONNECT is written right after the handshake; 'wait': only after the server's
   * verdict. verdictUnproven: a pipelined run got no CONNACK, so probe() runs again with 'wait'.
   */
  verdictMode: 'pipelined' | 'wait' = 'wait';
  verdictUnproven = false;
  /** When (ms since start) we wrote CONNECT, and when the server closed its side. */
  connectWrittenMs: number | undefined;
  serverClosedMs: number | undefined;
  pre: PreflightResult = { sentChain: [], findings: [], fatal: false };
  /** The CA file's certificates (DER), read once by the input checks. */
  caDers: Buffer[] = [];
  readonly packets = new PacketStream();
  wire: WireFlight | undefined;
  readonly cancelError = new ProbeError('ECANCELED', 'the test was cancelled');
  cancelled = false;
  private drained = false;
  /** Rejects when the caller aborts; raced against waits that sockets cannot interrupt (DNS). */
  readonly whenCancelled: Promise<never>;
  private rejectCancelled: (err: Error) => void = () => undefined;

  /** `continues`: an earlier run of the same probe whose clock this run's timeline continues. */
  constructor(readonly options: ProbeOptions, continues?: ProbeRun) {
    this.trace = new Trace(continues?.trace.t0);
    this.whenCancelled = new Promise<never>((_, reject) => { this.rejectCancelled = reject; });
    this.whenCancelled.catch(() => undefined);
    options.signal?.addEventListener('abort', () => this.cancel(), { once: true });
    this.now = options.now?.() ?? new Date();
    this.timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.result = {
      url: options.url, scheme: 'tls', host: '', port: 0, ok: false, startedAt: new Date().toISOString(), totalMs: 0,
      steps: this.trace.steps, alerts: [], diagnosis: [],
    };
  }

  /** Stops whatever is in flight: every pending wait fails with ECANCELED. */
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.rejectCancelled(this.cancelError);
    this.packets.fail(this.cancelError);
    try {
      this.ws?.terminate();
    } catch {
      // already closed
    }
    this.tlsSocket?.destroy(this.cancelError);
    this.connecting?.destroy(this.cancelError);
    this.socket?.destroy(this.cancelError);
  }

  /** Records the first hard error of the run. */
  fail(step: StepName, err: unknown): void {
    if (this.cancelled) err = this.cancelError;
    if (!this.result.error) this.result.error = { step, code: errorCode(err), message: errorMessage(err) };
  }

  /** Writes MQTT bytes (over the WebSocket when there is one). Never throws: a failed write shows up as the close it causes. */
  send(buf: Buffer): void {
    try {
      if (this.ws) this.ws.send(buf);
      else this.tlsSocket!.write(buf);
    } catch {
      // The connection is gone; the read side reports why.
    }
  }

  /** The server's close (FIN or reset) as seen on the TCP socket; resolves at once when it already happened. */
  serverClosed(): Promise<void> {
    const raw = this.socket;
    if (!raw || raw.destroyed || raw.readableEnded || this.serverClosedMs !== undefined) return Promise.resolve();
    return new Promise((resolve) => {
      raw.once('end', () => resolve());
      raw.once('close', () => resolve());
    });
  }

  /** Reads on (at most DRAIN_MS) until the server has closed its side: its last records get captured. */
  async drain(): Promise<void> {
    // Once is enough: a server still open after DRAIN_MS will not say more; a silent one (timeout) never did.
    if (this.drained || this.cancelled || !this.socket || this.socket.destroyed || this.result.error?.code === 'ETIMEDOUT') return;
    this.drained = true;
    this.socket.resume();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.serverClosed(), new Promise<void>((r) => { timer = setTimeout(r, DRAIN_MS); })]);
    clearTimeout(timer);
    // Let the TLS layer process what arrived with the close (an alert becomes its 'error').
    await new Promise<void>((r) => setImmediate(r));
  }

  /**
   * Ends the run's connection. After a failure, keeps reading (at most DRAIN_MS) until the server
   * closes, so an alert it sent is read even when a write of ours failed first (EPIPE/ECONNRESET).
   */
  async cleanup(): Promise<void> {
    try {
      this.ws?.terminate();
    } catch {
      // already closed
    }
    const sock = this.tlsSocket;
    const failed = !this.completed && !this.cancelled;
    if (sock && !sock.destroyed && !failed) {
      // close_notify + FIN, then give the server 200 ms to close its side before we cut it.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { sock.destroy(); resolve(); }, 200);
        sock.once('close', () => { clearTimeout(timer); resolve(); });
        sock.end();
      });
    }
    if (failed) await this.drain();
    sock?.destroy();
    this.socket?.destroy();
  }
}
