// TLS 1.3 record protection (RFC 8446 §5.2, §7.1, §7.3): enough to write an encrypted alert
// under the server application traffic secret, and to tell which of the records the server
// already sent were protected by that secret (to know the next sequence number).
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';

export interface Tls13Suite {
  cipher: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
  hash: 'sha256' | 'sha384';
  keyLength: number;
}

const suites: Record<string, Tls13Suite> = {
  TLS_AES_128_GCM_SHA256: { cipher: 'aes-128-gcm', hash: 'sha256', keyLength: 16 },
  TLS_AES_256_GCM_SHA384: { cipher: 'aes-256-gcm', hash: 'sha384', keyLength: 32 },
  TLS_CHACHA20_POLY1305_SHA256: { cipher: 'chacha20-poly1305', hash: 'sha256', keyLength: 32 },
};

/** The AEAD suites we can protect records with; the broker offers only these on TLS 1.3. */
export const tls13CipherSuites = Object.keys(suites).join(':');

export function tls13Suite(standardName: string): Tls13Suite | undefined {
  return suites[standardName];
}

const suiteIds: Record<number, string> = { 0x1301: 'TLS_AES_128_GCM_SHA256', 0x1302: 'TLS_AES_256_GCM_SHA384', 0x1303: 'TLS_CHACHA20_POLY1305_SHA256' };

/** The suite by its wire value (ServerHello cipher_suite). */
export function tls13SuiteById(id: number): Tls13Suite | undefined {
  const name = suiteIds[id];
  return name ? suites[name] : undefined;
}

/** HKDF-Expand-Label with an empty context; outputs here are never longer than one hash block. */
export function hkdfExpandLabel(hash: string, secret: Buffer, label: string, length: number): Buffer {
  const full = Buffer.from(`tls13 ${label}`, 'ascii');
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, full.length]), full, Buffer.from([0])]);
  return createHmac(hash, secret).update(info).update(Buffer.from([1])).digest().subarray(0, length);
}

export interface TrafficKeys {
  suite: Tls13Suite;
  key: Buffer;
  iv: Buffer;
}

export function trafficKeys(suite: Tls13Suite, secret: Buffer): TrafficKeys {
  return { suite, key: hkdfExpandLabel(suite.hash, secret, 'key', suite.keyLength), iv: hkdfExpandLabel(suite.hash, secret, 'iv', 12) };
}

function nonce(iv: Buffer, seq: number): Buffer {
  const n = Buffer.from(iv);
  const s = Buffer.alloc(8);
  s.writeBigUInt64BE(BigInt(seq));
  for (let i = 0; i < 8; i++) n[4 + i] ^= s[i];
  return n;
}

/** A complete TLSCiphertext record carrying `content` of inner type `innerType`. */
export function sealRecord(keys: TrafficKeys, seq: number, innerType: number, content: Buffer): Buffer {
  const plain = Buffer.concat([content, Buffer.from([innerType])]);
  const header = Buffer.from([0x17, 0x03, 0x03, (plain.length + 16) >> 8, (plain.length + 16) & 0xff]);
  const c = createCipheriv(keys.suite.cipher as 'aes-128-gcm', keys.key, nonce(keys.iv, seq), { authTagLength: 16 });
  c.setAAD(header);
  const body = Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
  return Buffer.concat([header, body]);
}

/** Decrypts a full record (header included); undefined when it was not protected by these keys at `seq`. */
export function openRecord(keys: TrafficKeys, seq: number, record: Buffer): Buffer | undefined {
  if (record.length < 5 + 16) return undefined;
  const header = record.subarray(0, 5);
  const body = record.subarray(5, record.length - 16);
  try {
    const d = createDecipheriv(keys.suite.cipher as 'aes-128-gcm', keys.key, nonce(keys.iv, seq), { authTagLength: 16 });
    d.setAAD(header);
    d.setAuthTag(record.subarray(record.length - 16));
    return Buffer.concat([d.update(body), d.final()]);
  } catch {
    return undefined;
  }
}

/** Decrypts a record and strips the padding: its inner content type and content, or undefined. */
export function openInner(keys: TrafficKeys, seq: number, record: Buffer): { type: number; content: Buffer } | undefined {
  const plain = openRecord(keys, seq, record);
  if (!plain) return undefined;
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  if (end === 0) return undefined;
  return { type: plain[end - 1], content: plain.subarray(0, end - 1) };
}

/** The encrypted fatal alert record. */
export function tls13AlertRecord(keys: TrafficKeys, seq: number, description: number): Buffer {
  return sealRecord(keys, seq, 21, Buffer.from([2, description]));
}

/** A plaintext fatal alert record, as servers send it before the handshake is protected (TLS 1.2 and earlier). */
export function plaintextAlertRecord(description: number): Buffer {
  return Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 2, description]);
}

/**
 * The sequence number of the next record under `keys`: how many of `records` (in the order
 * they were sent) were protected with them. Records under other keys (the handshake key) fail
 * authentication and are skipped.
 */
export function nextSequence(keys: TrafficKeys, records: readonly Buffer[]): number {
  let seq = 0;
  for (const record of records) if (openRecord(keys, seq, record)) seq++;
  return seq;
}
