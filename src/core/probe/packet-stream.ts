// Turns a byte source (the TLS socket, or WebSocket messages) into "wait for the next MQTT
// packet, with a timeout". A close or error while waiting rejects with that error, so the caller
// sees a TLS alert that arrives instead of a CONNACK (TLS 1.3 rejections do exactly that).
import type { Packet, PacketCmd } from 'mqtt-packet';
import { MqttFramingError, PacketParser, type MqttLevel } from './mqtt';
import { ProbeError } from './errors';
import { formatDuration } from '../duration';

export class PacketStream {
  private reader: PacketParser = new PacketParser(4);
  private readonly queue: Packet[] = [];
  private failure: Error | undefined;
  private waiter: (() => void) | undefined;
  /** Bytes that could not be MQTT, kept (first 64) to show what the server said instead. */
  firstBytes: Buffer | undefined;

  /** The protocol level CONNECT is sent with (the parser reads properties only for MQTT 5). */
  setVersion(version: MqttLevel): void {
    this.reader = new PacketParser(version);
  }

  /** Feed received bytes. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (!this.firstBytes) {
      this.firstBytes = Buffer.from(chunk.subarray(0, 64));
      // A broker's first packet is always CONNACK (0x20): anything else is not an MQTT answer.
      if (chunk[0] !== 0x20) {
        this.fail(new MqttFramingError(`the server's first byte 0x${chunk[0].toString(16).padStart(2, '0')} is not an MQTT CONNACK`));
        return;
      }
    }
    if (this.failure) return;
    try {
      this.queue.push(...this.reader.push(chunk));
    } catch (err) {
      this.failure = err instanceof Error ? err : new MqttFramingError(String(err));
    }
    this.wake();
  }

  /** The connection failed or closed: pending and later waits reject with `err`. */
  fail(err: Error): void {
    if (!this.failure) this.failure = err;
    this.wake();
  }

  close(): void {
    this.fail(new ProbeError('ECLOSED', 'the server closed the connection'));
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** The next packet; packets of other types than `types` are skipped (e.g. retained messages). */
  async next<T extends Packet>(types: PacketCmd[], timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.queue.findIndex((p) => types.includes(p.cmd));
      if (i >= 0) return this.queue.splice(i, 1)[0] as T;
      this.queue.length = 0;
      if (this.failure) throw this.failure;
      const left = deadline - Date.now();
      if (left <= 0) throw new ProbeError('ETIMEDOUT', `${what}: no answer within ${formatDuration(timeoutMs)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { this.waiter = undefined; resolve(); }, left);
        this.waiter = () => { clearTimeout(timer); resolve(); };
      });
    }
  }
}
