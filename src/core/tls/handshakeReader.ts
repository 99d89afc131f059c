// Reads the TLS handshake from captured bytes: the server's certificate chain in the order it was
// sent, its CertificateRequest (and the CA names in it), a TLS 1.2 CertificateStatus staple, the
// client's Certificate, and alert records. TLS 1.2 handshakes are plaintext up to
// ChangeCipherSpec; TLS 1.3 ones are decrypted with the secrets from Node's `keylog` event (only
// this connection's secrets). Anything unreadable is reported in
// `notes`, never thrown: this is extra evidence, the probe works without it.
import { secretsByLabel } from './keylog';
import { openInner, tls13SuiteById, trafficKeys, type Tls13Suite, type TrafficKeys } from './tls13Record';

interface WireAlert {
  level: number;
  description: number;
  /** Read from an encrypted record after decryption (TLS 1.3). */
  decrypted: boolean;
  /** Byte offset of the record in its direction's stream (orders alerts against other records). */
  offset: number;
  /** Sent under TLS 1.3 application keys: after the sender's handshake was done. */
  afterHandshake: boolean;
}

export interface WireFlight {
  /** "TLSv1.3" when the ServerHello selected it, else "TLSv1.2" (or undefined when no ServerHello). */
  version?: 'TLSv1.2' | 'TLSv1.3';
  cipherSuite?: number;
  certificates: Buffer[];
  /** The CertificateRequest: CA names and signature algorithms (TLS code points) the server accepts. */
  certificateRequest?: { caNames: Buffer[]; signatureAlgorithms: number[] };
  staple?: Buffer;
  alerts: WireAlert[];
  /** The server sent a session ticket (TLS 1.3 NewSessionTicket): it accepted our Finished. */
  sessionTicket: boolean;
  /** Application data records the server sent after the handshake (MQTT bytes, for example). */
  applicationRecords: number;
  /** The sent direction: our Certificate message (empty list when the server asked and we had none). */
  clientCertificates?: Buffer[];
  sentAlerts: WireAlert[];
  notes: string[];
}

const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

/** One direction's record protection: traffic keys plus the next sequence number. */
class RecordKeys {
  private seq = 0;
  private readonly keys: TrafficKeys;
  constructor(suite: Tls13Suite, secret: Buffer) {
    this.keys = trafficKeys(suite, secret);
  }
  /** Decrypts one TLSCiphertext (header included); throws when it does not authenticate. */
  open(record: Buffer): { type: number; content: Buffer } {
    const r = openInner(this.keys, this.seq++, record);
    if (!r) throw new Error('record does not decrypt');
    return r;
  }
}

interface HandshakeMessage {
  type: number;
  body: Buffer;
}

interface DirectionRead {
  messages: HandshakeMessage[];
  alerts: WireAlert[];
  applicationRecords: number;
  notes: string[];
}

/**
 * Walks one direction's records. `tls13` tells whether to switch to encrypted handshake records
 * after the hello (known from the server's ServerHello); secrets are looked up by label prefix.
 */
function readDirection(bytes: Buffer, side: 'SERVER' | 'CLIENT', secrets: Map<string, Buffer>, tls13: { suite: number } | undefined): DirectionRead {
  const out: DirectionRead = { messages: [], alerts: [], applicationRecords: 0, notes: [] };
  let hsBuf = Buffer.alloc(0);
  let keys: RecordKeys | undefined;
  // In an object so the closure's updates are visible to the loop's type narrowing.
  const st: { stage: 'plain' | 'handshake' | 'application' | 'opaque' } = { stage: 'plain' };
  const suite = tls13 ? tls13SuiteById(tls13.suite) : undefined;

  const takeMessages = (): void => {
    while (hsBuf.length >= 4) {
      const len = hsBuf.readUIntBE(1, 3);
      if (hsBuf.length < 4 + len) break;
      const msg = { type: hsBuf[0], body: hsBuf.subarray(4, 4 + len) };
      hsBuf = hsBuf.subarray(4 + len);
      out.messages.push(msg);
      if (tls13 && msg.type === 20 && st.stage === 'handshake') {
        // Finished ends the handshake keys; application keys start at sequence 0.
        const s = secrets.get(`${side}_TRAFFIC_SECRET_0`);
        if (s && suite) { keys = new RecordKeys(suite, s); st.stage = 'application'; } else st.stage = 'opaque';
      }
    }
  };

  let pos = 0;
  while (pos + 5 <= bytes.length) {
    const type = bytes[pos];
    const len = bytes.readUInt16BE(pos + 3);
    if (type < 20 || type > 24 || len > 18432) { out.notes.push(`not a TLS record at byte ${pos} (type ${type})`); break; }
    if (pos + 5 + len > bytes.length) break;
    const record = bytes.subarray(pos, pos + 5 + len);
    const body = bytes.subarray(pos + 5, pos + 5 + len);
    const offset = pos;
    pos += 5 + len;
    if (type === 20) {
      // TLS 1.2: everything after ChangeCipherSpec is encrypted. TLS 1.3: a compatibility no-op.
      if (!tls13) st.stage = 'opaque';
      continue;
    }
    if (type === 23 && tls13 && st.stage === 'plain') {
      const s = secrets.get(`${side}_HANDSHAKE_TRAFFIC_SECRET`);
      if (!s || !suite) { out.notes.push('TLS 1.3 handshake secrets not available'); st.stage = 'opaque'; }
      else { keys = new RecordKeys(suite, s); st.stage = 'handshake'; }
    }
    let contentType = type;
    let content = body;
    if (st.stage === 'handshake' || st.stage === 'application') {
      if (type !== 23) { /* plaintext alert before keys took effect */ }
      else {
        try {
          ({ type: contentType, content } = keys!.open(record));
        } catch {
          out.notes.push(`could not decrypt a ${side.toLowerCase()} record`);
          st.stage = 'opaque';
          continue;
        }
      }
    } else if (st.stage === 'opaque') {
      if (type === 21) out.notes.push('an encrypted alert record was received');
      continue;
    }
    if (contentType === 22) {
      hsBuf = Buffer.concat([hsBuf, content]);
      takeMessages();
    } else if (contentType === 21 && content.length >= 2) {
      out.alerts.push({ level: content[0], description: content[1], decrypted: type === 23, offset, afterHandshake: st.stage === 'application' });
    } else if (contentType === 23) {
      out.applicationRecords++;
    }
  }
  return out;
}

function readU24List(buf: Buffer, pos: number, perEntryExt: boolean): { items: Buffer[]; staple?: Buffer } {
  const items: Buffer[] = [];
  let staple: Buffer | undefined;
  const total = buf.readUIntBE(pos, 3);
  let p = pos + 3;
  const end = Math.min(buf.length, p + total);
  while (p + 3 <= end) {
    const len = buf.readUIntBE(p, 3);
    items.push(buf.subarray(p + 3, p + 3 + len));
    p += 3 + len;
    if (perEntryExt) {
      const extLen = buf.readUInt16BE(p);
      const extEnd = p + 2 + extLen;
      let e = p + 2;
      while (e + 4 <= extEnd) {
        const t = buf.readUInt16BE(e);
        const l = buf.readUInt16BE(e + 2);
        // status_request in the leaf's entry: CertificateStatus { status_type=1, opaque response<1..2^24-1> }
        if (t === 5 && items.length === 1 && buf[e + 4] === 1) staple = buf.subarray(e + 8, e + 8 + buf.readUIntBE(e + 5, 3));
        e += 4 + l;
      }
      p = extEnd;
    }
  }
  return { items, staple };
}

function readDnList(buf: Buffer, pos: number): Buffer[] {
  const names: Buffer[] = [];
  const total = buf.readUInt16BE(pos);
  let p = pos + 2;
  const end = Math.min(buf.length, p + total);
  while (p + 2 <= end) {
    const len = buf.readUInt16BE(p);
    names.push(buf.subarray(p + 2, p + 2 + len));
    p += 2 + len;
  }
  return names;
}

function parseServerHello(body: Buffer): { tls13: boolean; suite: number; hrr: boolean } {
  const random = body.subarray(2, 34);
  let p = 34;
  p += 1 + body[p];
  const suite = body.readUInt16BE(p);
  p += 3;
  let tls13 = false;
  if (p + 2 <= body.length) {
    const end = p + 2 + body.readUInt16BE(p);
    p += 2;
    while (p + 4 <= end) {
      const t = body.readUInt16BE(p);
      const l = body.readUInt16BE(p + 2);
      if (t === 43 && l === 2 && body.readUInt16BE(p + 4) === 0x0304) tls13 = true;
      p += 4 + l;
    }
  }
  return { tls13, suite, hrr: random.equals(HRR_RANDOM) };
}

/** Everything we can read from the captured bytes. Never throws. */
export function readWire(received: Buffer, sent: Buffer, keylog: Buffer[]): WireFlight {
  const flight: WireFlight = { certificates: [], alerts: [], sessionTicket: false, applicationRecords: 0, sentAlerts: [], notes: [] };
  try {
    const secrets = secretsByLabel(keylog);
    // First pass in plaintext to find the ServerHello (the version decides how to read the rest);
    // a HelloRetryRequest is a ServerHello too, followed by a CCS and the real one.
    const hello = plainServerHellos(received).find((m) => !parseServerHello(m.body).hrr);
    let tls13: { suite: number } | undefined;
    if (hello) {
      const sh = parseServerHello(hello.body);
      flight.version = sh.tls13 ? 'TLSv1.3' : 'TLSv1.2';
      flight.cipherSuite = sh.suite;
      if (sh.tls13) {
        if (!tls13SuiteById(sh.suite)) flight.notes.push(`unknown TLS 1.3 cipher suite 0x${sh.suite.toString(16)}`);
        tls13 = { suite: sh.suite };
      }
    }
    const server = readDirection(received, 'SERVER', secrets, tls13);
    flight.alerts = server.alerts;
    flight.applicationRecords = server.applicationRecords;
    flight.notes.push(...server.notes);
    for (const m of server.messages) {
      if (m.type === 11 && flight.certificates.length === 0) {
        const r = tls13 ? readU24List(m.body, 1 + m.body[0], true) : readU24List(m.body, 0, false);
        flight.certificates = r.items;
        if (r.staple) flight.staple = r.staple;
      } else if (m.type === 13) {
        flight.certificateRequest = tls13 ? certificateRequest13(m.body) : certificateRequest12(m.body);
      } else if (m.type === 4) {
        flight.sessionTicket = true;
      } else if (m.type === 22 && m.body[0] === 1) {
        flight.staple = m.body.subarray(4, 4 + m.body.readUIntBE(1, 3));
      }
    }
    const client = readDirection(sent, 'CLIENT', secrets, tls13);
    flight.sentAlerts = client.alerts;
    const cert = client.messages.find((m) => m.type === 11);
    if (cert) flight.clientCertificates = (tls13 ? readU24List(cert.body, 1 + cert.body[0], true) : readU24List(cert.body, 0, false)).items;
  } catch (err) {
    flight.notes.push(`could not read the handshake: ${err instanceof Error ? err.message : String(err)}`);
  }
  return flight;
}

/** ServerHello messages from the plaintext handshake records before the first encrypted one. */
function plainServerHellos(bytes: Buffer): HandshakeMessage[] {
  const out: HandshakeMessage[] = [];
  let hs = Buffer.alloc(0);
  for (let pos = 0; pos + 5 <= bytes.length;) {
    const type = bytes[pos];
    const len = bytes.readUInt16BE(pos + 3);
    if (pos + 5 + len > bytes.length || type === 23) break;
    if (type === 22) hs = Buffer.concat([hs, bytes.subarray(pos + 5, pos + 5 + len)]);
    pos += 5 + len;
  }
  while (hs.length >= 4) {
    const len = hs.readUIntBE(1, 3);
    if (hs.length < 4 + len) break;
    if (hs[0] === 2) out.push({ type: 2, body: hs.subarray(4, 4 + len) });
    hs = hs.subarray(4 + len);
  }
  return out;
}

function u16List(buf: Buffer, pos: number, end: number): number[] {
  const out: number[] = [];
  for (let p = pos; p + 2 <= end; p += 2) out.push(buf.readUInt16BE(p));
  return out;
}

function certificateRequest12(body: Buffer): { caNames: Buffer[]; signatureAlgorithms: number[] } {
  let p = 1 + body[0]; // certificate_types
  const sigLen = body.readUInt16BE(p);
  const signatureAlgorithms = u16List(body, p + 2, p + 2 + sigLen);
  p += 2 + sigLen;
  return { caNames: readDnList(body, p), signatureAlgorithms };
}

function certificateRequest13(body: Buffer): { caNames: Buffer[]; signatureAlgorithms: number[] } {
  let p = 1 + body[0]; // certificate_request_context
  const end = p + 2 + body.readUInt16BE(p);
  p += 2;
  const out = { caNames: [] as Buffer[], signatureAlgorithms: [] as number[] };
  while (p + 4 <= end) {
    const t = body.readUInt16BE(p);
    const l = body.readUInt16BE(p + 2);
    if (t === 47) out.caNames = readDnList(body, p + 4); // certificate_authorities
    if (t === 13) out.signatureAlgorithms = u16List(body, p + 6, p + 4 + l); // signature_algorithms
    p += 4 + l;
  }
  return out;
}
