// What every extension module exports: one descriptor that turns an extnValue into a typed value.
import { readTlv, type Tlv } from '../../der/reader';

/** Where an extension may appear: drives the "unknown critical extension" checks (RFC 5280 §6.1.4 (o), §6.3.3). */
export type ExtensionScope = 'certificate' | 'crl' | 'crlEntry';

export interface ExtensionDescriptor<T> {
  oid: string;
  in: readonly ExtensionScope[];
  /** Throws on malformed input; callers decide whether that fails the whole object. */
  decode(value: Uint8Array): T;
}

/**
 * The element an extnValue holds, which must have the type the extension defines (openssl rejects
 * a certificate whose keyUsage is an OCTET STRING, say). Bytes after it are ignored: OpenSSL 3.0 does the same
 * (`openssl x509 -text` prints such an extension, `openssl verify` accepts the certificate;
 * test/interop/decode/parser-agreement.test.ts checks it), and the two views must agree with it.
 */
export function top(v: Uint8Array, tag: number): Tlv {
  const t = readTlv(v, 0);
  if (t.tag !== tag) throw new Error(`expected tag 0x${tag.toString(16)}, found 0x${t.tag.toString(16)}`);
  return t;
}

/** BIT STRING named bits as a mask: bit i of the encoding = 1 << i (bits past 30 are dropped). */
export function bitsToMask(bytes: Uint8Array): number {
  let m = 0;
  for (let i = 0; i < bytes.length * 8 && i < 31; i++) if (bytes[i >> 3] & (0x80 >> (i & 7))) m |= 1 << i;
  return m;
}

/** Names of the bits set in a mask; bits without a name as "bitN". */
export function maskNames(mask: number, names: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < 31; i++) if (mask & (1 << i)) out.push(names[i] ?? `bit${i}`);
  return out;
}
