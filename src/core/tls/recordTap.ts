// A stream between the TCP socket and Node's TLSSocket. Node writes its TLS records through
// it, which lets us (1) see which records the server already sent, (2) hold the server's last
// TLS 1.2 flight until we have accepted the client certificate, and (3) stop Node from writing
// anything once we reject, so that our own alert is the last record on the wire.
// With `capture` (the probe, a client) it keeps a bounded copy of the raw bytes both ways (Node
// offers no API for the CertificateRequest or the chain in the order it was sent), and a TCP error
// (ECONNRESET) ends the stream instead of destroying it: bytes already received, such as the
// server's alert, still reach the TLS layer, and the error is kept in `socketError`.
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

export type TapMode = 'pass' | 'hold' | 'blocked';

/** How long a rejected connection waits for the peer to close before the socket is destroyed. */
const LINGER_MS = 2000;
/** At most this many outbound records are kept for sequence-number accounting. */
const MAX_CAPTURED = 32;
/** At most this many raw bytes are copied per direction with `capture`. */
const MAX_CAPTURE_BYTES = 512 * 1024;

export interface RecordTapOptions {
  /** Keep copies of the raw bytes both ways, and end (not destroy) on a TCP error. */
  capture?: boolean;
}

/** A bounded copy of the bytes that went one way. */
class ByteLog {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  add(chunk: Buffer): void {
    if (this.size >= MAX_CAPTURE_BYTES) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

export class RecordTap extends Duplex {
  private mode: TapMode = 'pass';
  private held: Buffer[] = [];
  private capturing = true;
  /** Complete outbound records of content type 23 (TLS 1.3 protected records), in order. */
  readonly protectedRecords: Buffer[] = [];
  private partial: Buffer = Buffer.alloc(0);
  private readonly receivedLog = new ByteLog();
  private readonly sentLog = new ByteLog();
  private readonly capture: boolean;
  private ended = false;
  /** The TCP error a capturing tap saw (ECONNRESET, EPIPE), if any. */
  socketError: Error | undefined;

  constructor(readonly raw: Socket, options: RecordTapOptions = {}) {
    super({ allowHalfOpen: false });
    this.capture = !!options.capture;
    this.capturing = !this.capture;
    const end = (): void => {
      if (this.mode === 'blocked' || this.ended) return;
      this.ended = true;
      this.push(null);
    };
    raw.on('data', (d: Buffer) => {
      if (this.capture) this.receivedLog.add(d);
      if (this.mode === 'blocked' || this.ended) return; // drain and ignore what a rejected peer still sends
      if (!this.push(d)) raw.pause();
    });
    raw.on('end', end);
    raw.on('error', (err) => {
      if (this.capture) {
        this.socketError ??= err;
        end();
      } else if (this.mode !== 'blocked') this.destroy(err);
    });
    raw.on('close', () => {
      // A capturing tap ends instead: destroying would drop bytes the TLS layer has not read yet.
      if (this.capture) end();
      else if (!this.destroyed) this.destroy();
    });
  }

  /** The raw bytes received so far (with `capture`). */
  receivedBytes(): Buffer {
    return this.receivedLog.bytes();
  }

  /** The raw bytes sent so far (with `capture`). */
  sentBytes(): Buffer {
    return this.sentLog.bytes();
  }

  /** Keep what Node writes until `release()` or `block()`. */
  hold(): void {
    if (this.mode === 'pass') this.mode = 'hold';
  }

  /** Send what was held and pass everything from now on; stop record accounting. */
  release(): void {
    this.capturing = false;
    this.protectedRecords.length = 0;
    this.partial = Buffer.alloc(0);
    if (this.mode !== 'hold') return;
    this.mode = 'pass';
    const held = this.held;
    this.held = [];
    for (const b of held) this.raw.write(b);
  }

  /**
   * Drop everything Node has not sent yet and everything it writes later, write `finalBytes`,
   * then close the TCP connection gracefully (FIN, then wait for the peer) so the peer reads
   * the bytes instead of a reset.
   */
  block(finalBytes: Buffer): void {
    this.mode = 'blocked';
    this.held = [];
    this.capturing = false;
    const raw = this.raw;
    if (raw.destroyed) return;
    raw.resume();
    const timer = setTimeout(() => raw.destroy(), LINGER_MS);
    timer.unref();
    raw.once('close', () => clearTimeout(timer));
    raw.end(finalBytes);
  }

  get currentMode(): TapMode {
    return this.mode;
  }

  override _read(): void {
    this.raw.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.mode === 'blocked') return cb();
    if (this.capture) this.sentLog.add(chunk);
    if (this.capturing) this.observe(chunk);
    if (this.mode === 'hold') {
      this.held.push(chunk);
      return cb();
    }
    if (this.raw.destroyed) return cb();
    // A capturing tap never fails a write: the peer's close is read (with its alert), not raced.
    this.raw.write(chunk, (err) => {
      if (err && this.capture) this.socketError ??= err;
      cb(this.capture ? null : err);
    });
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.mode === 'hold') this.release();
    if (this.mode === 'pass' && !this.raw.destroyed) this.raw.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (err: Error | null) => void): void {
    if (this.capture) {
      // The owner destroys the TCP socket once it has read the peer's last words.
      if (!this.raw.destroyed) {
        this.raw.resume();
        this.raw.end();
      }
      cb(err);
      return;
    }
    // A rejected connection's socket belongs to block(): it closes after the alert is read.
    if (this.mode !== 'blocked') {
      if (this.mode === 'hold') this.release();
      if (!this.raw.destroyed) {
        // Let anything already queued (for example an alert OpenSSL wrote itself) reach the peer.
        if (this.raw.writableLength > 0) this.raw.end(() => this.raw.destroy());
        else this.raw.destroy();
      }
    }
    cb(err);
  }

  /** Splits outbound bytes into records and keeps the protected ones (content type 23). */
  private observe(chunk: Buffer): void {
    let buf = this.partial.length ? Buffer.concat([this.partial, chunk]) : chunk;
    while (buf.length >= 5) {
      const len = buf.readUInt16BE(3);
      if (buf.length < 5 + len) break;
      if (buf[0] === 0x17 && this.protectedRecords.length < MAX_CAPTURED) {
        this.protectedRecords.push(Buffer.from(buf.subarray(0, 5 + len)));
      }
      buf = buf.subarray(5 + len);
    }
    this.partial = Buffer.from(buf);
  }
}
