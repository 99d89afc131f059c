// The probe's MQTT packets, through mqtt-packet (the codec mqtt.js and aedes use). The probe still
// decides when each packet is written (CONNECT only after the server's verdict on the TLS
// handshake); this module only builds packets and names the answers.
import * as mqttPacket from 'mqtt-packet';

export type MqttLevel = 4 | 5;

/** Largest packet we accept from a server: the probe only expects tiny ones. */
const MAX_PACKET = 256 * 1024;

export class MqttFramingError extends Error {}

export interface ConnectFields {
  version: MqttLevel;
  clientId: string;
  username?: string;
  password?: string;
  keepAliveSeconds: number;
}

export function encodeConnect(f: ConnectFields): Buffer {
  return mqttPacket.generate({
    cmd: 'connect', protocolId: 'MQTT', protocolVersion: f.version, clean: true, keepalive: f.keepAliveSeconds,
    clientId: f.clientId, username: f.username, password: f.password === undefined ? undefined : Buffer.from(f.password, 'utf8'),
  });
}

export function encodeSubscribe(version: MqttLevel, messageId: number, topic: string): Buffer {
  // QoS 0; MQTT 5 no-local off, so we receive our own message.
  return mqttPacket.generate({ cmd: 'subscribe', messageId, subscriptions: [{ topic, qos: 0 }] }, { protocolVersion: version });
}

export function encodePublish(version: MqttLevel, topic: string, payload: Buffer): Buffer {
  return mqttPacket.generate({ cmd: 'publish', topic, payload, qos: 0, retain: false, dup: false }, { protocolVersion: version });
}

export function encodeDisconnect(version: MqttLevel): Buffer {
  return mqttPacket.generate({ cmd: 'disconnect' }, { protocolVersion: version });
}

/** A streaming parser that yields whole packets; bytes that cannot be MQTT fail it. */
export class PacketParser {
  private readonly parser: ReturnType<typeof mqttPacket.parser>;
  private readonly out: mqttPacket.Packet[] = [];
  private error: Error | undefined;

  constructor(version: MqttLevel) {
    this.parser = mqttPacket.parser({ protocolVersion: version });
    this.parser.on('packet', (p: mqttPacket.Packet) => this.out.push(p));
    this.parser.on('error', (e: Error) => { this.error ??= new MqttFramingError(e.message); });
  }

  push(chunk: Buffer): mqttPacket.Packet[] {
    this.parser.parse(chunk);
    if (this.error) throw this.error;
    // The packet being read (its header parsed): refuse one bigger than a probe ever needs.
    const pending = (this.parser as unknown as { packet?: { length?: number } }).packet?.length ?? 0;
    if (pending > MAX_PACKET) throw new MqttFramingError(`MQTT packet of ${pending} bytes is larger than expected`);
    return this.out.splice(0);
  }
}

const V3_CONNACK: Record<number, string> = {
  0: 'Connection accepted', 1: 'Connection refused: unacceptable protocol version',
  2: 'Connection refused: identifier rejected', 3: 'Connection refused: server unavailable',
  4: 'Connection refused: bad user name or password', 5: 'Connection refused: not authorized',
};

const V5_REASONS: Record<number, string> = {
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

/** Names a parsed CONNACK. A v5 CONNACK always carries a property length: 2 bytes = the 3.1.1 form. */
export function describeConnack(p: mqttPacket.IConnackPacket, sent: MqttLevel): Connack {
  const sessionPresent = !!p.sessionPresent;
  if (sent === 5 && p.length !== 2) {
    const code = p.reasonCode ?? 0;
    return { sessionPresent, code, name: V5_REASONS[code] ?? `unknown reason code 0x${code.toString(16)}`, reasonString: p.properties?.reasonString, answeredAs: '5', accepted: code < 0x80 };
  }
  const code = sent === 5 ? p.reasonCode ?? 0 : p.returnCode ?? 0;
  if (sent === 5 && code === 0) return { sessionPresent, code, name: V5_REASONS[0], answeredAs: '5', accepted: true };
  return { sessionPresent, code, name: V3_CONNACK[code] ?? `unknown return code ${code}`, answeredAs: '3.1.1', accepted: code === 0 };
}
