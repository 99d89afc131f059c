// A pass-through stream between the TCP socket and Node's TLS layer that keeps a copy of the raw
// bytes in both directions. Node offers no API for the CertificateRequest, the chain in the order
// the server sent it, or an alert's exact record: with these bytes (and the keylog secrets for
// TLS 1.3) tls-records.ts reads them from the wire. Copies are capped so a chatty peer cannot
// grow memory without bound.
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

const MAX_CAPTURE = 512 * 1024;

export class TappedSocket extends Duplex {
  readonly received: Buffer[] = [];
  readonly sent: Buffer[] = [];
  private receivedBytes = 0;
  private sentBytes = 0;

  constructor(private readonly socket: Socket) {
    super();
    socket.on('data', (chunk: Buffer) => {
      if (this.receivedBytes < MAX_CAPTURE) {
        this.received.push(chunk);
        this.receivedBytes += chunk.length;
      }
      if (!this.push(chunk)) socket.pause();
    });
    // End (not destroy) on close: destroying would drop bytes the TLS layer has not read yet,
    // e.g. the server's last words before it hung up.
    let ended = false;
    const end = (): void => {
      if (!ended) { ended = true; this.push(null); }
    };
    socket.on('end', end);
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', end);
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.sentBytes < MAX_CAPTURE) {
      this.sent.push(chunk);
      this.sentBytes += chunk.length;
    }
    this.socket.write(chunk, cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.socket.end(cb);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.socket.destroy();
    cb(err);
  }

  receivedBuffer(): Buffer {
    return Buffer.concat(this.received);
  }

  sentBuffer(): Buffer {
    return Buffer.concat(this.sent);
  }
}
