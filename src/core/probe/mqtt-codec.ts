// The few MQTT 3.1.1 / 5 packets the probe needs, encoded and decoded by hand. Doing it ourselves
// (rather than mqtt.js) lets the probe send CONNECT only after the TLS handshake finished and see
// exactly which bytes came back (DESIGN.md §3: mqtt.js writes CONNECT early and loops on TLS 1.3).

export const PACKET = { CONNECT: 1, CONNACK: 2, PUBLISH: 3, SUBSCRIBE: 8, SUBACK: 9, PINGRESP: 13, DISCONNECT: 14 } as const;

/** Largest packet we accept from a server: the probe only expects tiny ones. */
export const MAX_PACKET = 256 * 1024;

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([u16(b.length), b]);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}

function packet(typeAndFlags: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([typeAndFlags]), varint(body.length), body]);
}

export interface ConnectFields {
  version: 4 | 5;
  clientId: string;
  username?: string;
  password?: string;
  keepAliveSeconds: number;
}

export function encodeConnect(f: ConnectFields): Buffer {
  let flags = 0x02; // clean session / clean start
  if (f.username !== undefined) flags |= 0x80;
  if (f.password !== undefined) flags |= 0x40;
  const parts = [str('MQTT'), Buffer.from([f.version, flags]), u16(f.keepAliveSeconds)];
  if (f.version === 5) parts.push(varint(0)); // no CONNECT properties
  parts.push(str(f.clientId));
  if (f.username !== undefined) parts.push(str(f.username));
  if (f.password !== undefined) parts.push(str(f.password));
  return packet(PACKET.CONNECT << 4, Buffer.concat(parts));
}

export function encodeSubscribe(version: 4 | 5, packetId: number, topic: string): Buffer {
  const parts = [u16(packetId)];
  if (version === 5) parts.push(varint(0));
  parts.push(str(topic), Buffer.from([0])); // QoS 0 (v5: no-local off, so we receive our own message)
  return packet((PACKET.SUBSCRIBE << 4) | 0x02, Buffer.concat(parts));
}

export function encodePublish(version: 4 | 5, topic: string, payload: Buffer): Buffer {
  const parts = [str(topic)];
  if (version === 5) parts.push(varint(0));
  parts.push(payload);
  return packet(PACKET.PUBLISH << 4, Buffer.concat(parts));
}

export function encodeDisconnect(version: 4 | 5): Buffer {
  return version === 5 ? packet(PACKET.DISCONNECT << 4, Buffer.from([0, 0])) : packet(PACKET.DISCONNECT << 4, Buffer.alloc(0));
}

export interface RawPacket {
  type: number;
  flags: number;
  body: Buffer;
}

export class MqttFramingError extends Error {}

/** Splits a byte stream into MQTT packets. Throws MqttFramingError on bytes that cannot be MQTT. */
export class PacketReader {
  private buf = Buffer.alloc(0);

  push(chunk: Buffer): RawPacket[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const out: RawPacket[] = [];
    for (;;) {
      if (this.buf.length < 2) break;
      const first = this.buf[0];
      const type = first >> 4;
      if (type === 0 || type === 15 && first !== 0xf0) throw new MqttFramingError(`byte 0x${first.toString(16).padStart(2, '0')} does not start an MQTT packet`);
      let len = 0;
      let mul = 1;
      let i = 1;
      let complete = false;
      for (; i < Math.min(this.buf.length, 5); i++) {
        len += (this.buf[i] & 0x7f) * mul;
        mul *= 128;
        if (!(this.buf[i] & 0x80)) { complete = true; i++; break; }
      }
      if (!complete) {
        if (this.buf.length >= 5) throw new MqttFramingError('malformed MQTT remaining length');
        break;
      }
      if (len > MAX_PACKET) throw new MqttFramingError(`MQTT packet of ${len} bytes is larger than expected`);
      if (this.buf.length < i + len) break;
      out.push({ type, flags: first & 0x0f, body: this.buf.subarray(i, i + len) });
      this.buf = this.buf.subarray(i + len);
    }
    return out;
  }
}

const V3_CONNACK: Record<number, string> = {
  0: 'Connection accepted', 1: 'Connection refused: unacceptable protocol version',
  2: 'Connection refused: identifier rejected', 3: 'Connection refused: server unavailable',
  4: 'Connection refused: bad user name or password', 5: 'Connection refused: not authorized',
};

export const V5_REASONS: Record<number, string> = {
  0x00: 'Success', 0x80: 'Unspecified error', 0x81: 'Malformed Packet', 0x82: 'Protocol Error',
  0x83: 'Implementation specific error', 0x84: 'Unsupported Protocol Version', 0x85: 'Client Identifier not valid',
  0x86: 'Bad User Name or Password', 0x87: 'Not authorized', 0x88: 'Server unavailable', 0x89: 'Server busy',
  0x8a: 'Banned', 0x8c: 'Bad authentication method', 0x90: 'Topic Name invalid', 0x95: 'Packet too large',
  0x97: 'Quota exceeded', 0x99: 'Payload format invalid', 0x9a: 'Retain not supported', 0x9b: 'QoS not supported',
  0x9c: 'Use another server', 0x9d: 'Server moved', 0x9f: 'Connection rate exceeded',
};

export interface Connack {
  sessionPresent: boolean;
  code: number;
  name: string;
  reasonString?: string;
  /** The version the CONNACK is encoded in (a 3.1.1 broker answers a v5 CONNECT in 3.1.1 form). */
  answeredAs: '3.1.1' | '5';
  accepted: boolean;
}

function readVarint(b: Buffer, pos: number): { value: number; next: number } {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 4; i++) {
    if (pos >= b.length) throw new MqttFramingError('truncated variable integer');
    const byte = b[pos++];
    value += (byte & 0x7f) * mul;
    if (!(byte & 0x80)) return { value, next: pos };
    mul *= 128;
  }
  throw new MqttFramingError('malformed variable integer');
}

/** Finds the Reason String property (0x1F) in an MQTT 5 property block. */
function reasonStringFrom(props: Buffer): string | undefined {
  let p = 0;
  while (p < props.length) {
    const id = props[p++];
    if (id === 0x1f || id === 0x12 || id === 0x15 || id === 0x1a || id === 0x1c) {
      const len = props.readUInt16BE(p);
      const s = props.subarray(p + 2, p + 2 + len).toString('utf8');
      if (id === 0x1f) return s;
      p += 2 + len;
    } else if (id === 0x26) {
      // User Property: a name and a value, both UTF-8 strings.
      p += 2 + props.readUInt16BE(p);
      p += 2 + props.readUInt16BE(p);
    } else if ([0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2a].includes(id)) p += 1;
    else if ([0x13, 0x21, 0x22].includes(id)) p += 2;
    else if ([0x02, 0x11, 0x27].includes(id)) p += 4;
    else if (id === 0x0b) p = readVarint(props, p).next;
    else if (id === 0x16 || id === 0x09) p += 2 + props.readUInt16BE(p);
    else return undefined;
  }
  return undefined;
}

export function decodeConnack(body: Buffer, sentVersion: 4 | 5): Connack {
  if (body.length < 2) throw new MqttFramingError('CONNACK shorter than 2 bytes');
  const sessionPresent = (body[0] & 1) === 1;
  const code = body[1];
  // A v5 CONNACK always has a property length; two bytes only = the 3.1.1 encoding.
  if (sentVersion === 4 || body.length === 2) {
    if (sentVersion === 5 && code === 0) {
      return { sessionPresent, code, name: V5_REASONS[0], answeredAs: '5', accepted: true };
    }
    return { sessionPresent, code, name: V3_CONNACK[code] ?? `unknown return code ${code}`, answeredAs: '3.1.1', accepted: code === 0 };
  }
  let reasonString: string | undefined;
  try {
    const { value, next } = readVarint(body, 2);
    reasonString = reasonStringFrom(body.subarray(next, next + value));
  } catch {
    reasonString = undefined;
  }
  return { sessionPresent, code, name: V5_REASONS[code] ?? `unknown reason code 0x${code.toString(16)}`, reasonString, answeredAs: '5', accepted: code < 0x80 };
}

export function decodeSuback(body: Buffer, version: 4 | 5): { packetId: number; codes: number[] } {
  if (body.length < 3) throw new MqttFramingError('SUBACK too short');
  const packetId = body.readUInt16BE(0);
  let p = 2;
  if (version === 5) {
    const { value, next } = readVarint(body, p);
    p = next + value;
  }
  return { packetId, codes: [...body.subarray(p)] };
}

export function decodePublish(flags: number, body: Buffer, version: 4 | 5): { topic: string; payload: Buffer } {
  const len = body.readUInt16BE(0);
  const topic = body.subarray(2, 2 + len).toString('utf8');
  let p = 2 + len;
  if ((flags >> 1) & 3) p += 2; // packet id for QoS > 0
  if (version === 5) {
    const { value, next } = readVarint(body, p);
    p = next + value;
  }
  return { topic, payload: body.subarray(p) };
}
