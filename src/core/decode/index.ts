// Public entry points of the decoding core. decodeBytes/decodeText never throw: every failure
// becomes a DecodedItem whose result is { kind: 'error', message } with a specific message.
import { isAscii } from 'node:buffer';
import { derLength, findPemBlocks, looksLikeDer, type PemBlock } from '../pem';
import type { DecodedItem, DecodedObject, SourceRange } from '../model';
import { decodeCertificate, summarizeCertificate } from './certificate';
import { decodeCrl } from './crl';
import { decodeCsr } from './csr';
import { DecodeFailure } from './errors';
import { KdfBudget } from './kdfBudget';
import { decodeKey, type KeyEncoding } from './key';
import { decodeOcspRequest, decodeOcspResponse } from './ocsp';
import { decodePkcs12 } from './pkcs12';
import { decodePkcs7 } from './pkcs7';
import { sniffDer, type DerKind } from './sniff';

export { decodeCertificate, summarizeCertificate, decodeCrl, decodeCsr, decodeOcspResponse, DecodeFailure };
export { validityAt } from './validity';
export { normalizeSerial } from '../serial';
export { readFileForDecoding } from './file';
export { KdfBudget, DEFAULT_KDF_BUDGET } from './kdfBudget';

export interface DecodeOptions {
  fileName?: string;
  password?: string;
  /** Key-derivation budget of the file; decodeBytes/decodeText/decodeDer make one per call when absent. */
  kdfBudget?: KdfBudget;
}

/** The options with the file's one KDF budget, shared by all its blocks. */
function withBudget(options: DecodeOptions): DecodeOptions {
  return options.kdfBudget ? options : { ...options, kdfBudget: new KdfBudget() };
}

const LABEL_KINDS: Record<string, DerKind> = {
  'CERTIFICATE': 'certificate', 'X509 CERTIFICATE': 'certificate', 'TRUSTED CERTIFICATE': 'certificate',
  'X509 CRL': 'crl', 'CERTIFICATE REQUEST': 'csr', 'NEW CERTIFICATE REQUEST': 'csr',
  'PKCS7': 'pkcs7', 'CMS': 'pkcs7', 'PKCS #7 SIGNED DATA': 'pkcs7', 'PKCS12': 'pkcs12',
  'PRIVATE KEY': 'pkcs8', 'ENCRYPTED PRIVATE KEY': 'encrypted-pkcs8', 'RSA PRIVATE KEY': 'pkcs1',
  'EC PRIVATE KEY': 'sec1', 'PUBLIC KEY': 'spki', 'RSA PUBLIC KEY': 'pkcs1-public',
  'OCSP RESPONSE': 'ocspResponse', 'OCSP REQUEST': 'ocspRequest',
};

function errorItem(range: SourceRange, label: string, message: string, line?: number): DecodedItem {
  return { range, label, result: { kind: 'error', label, message, ...(line !== undefined ? { line } : {}) } };
}

function message(e: unknown): string {
  if (e instanceof DecodeFailure) return e.message;
  if (e instanceof RangeError) return `structure too deep or too large: ${e.message}`;
  return `internal decoder error: ${e instanceof Error ? e.message : String(e)}`;
}

/** Decodes one DER object of a known kind; throws DecodeFailure. */
function decodeKind(kind: DerKind, der: Uint8Array, format: string, opts: DecodeOptions & { pemEncrypted?: boolean; pemText?: string }): DecodedObject {
  switch (kind) {
    case 'certificate': return decodeCertificate(der);
    case 'crl': return decodeCrl(der);
    case 'csr': return decodeCsr(der);
    case 'ocspRequest': return decodeOcspRequest(der);
    case 'ocspResponse': return decodeOcspResponse(der);
    case 'pkcs7': return decodePkcs7(der);
    case 'pkcs12': return decodePkcs12(der, opts.password, opts.kdfBudget);
    case 'spki': case 'pkcs8': case 'encrypted-pkcs8': case 'pkcs1': case 'pkcs1-public': case 'sec1':
      return decodeKey(der, kind as KeyEncoding, format, opts);
    default:
      throw new DecodeFailure('unrecognized DER structure (not a certificate, CRL, CSR, OCSP message, PKCS#7/#12 or key)');
  }
}

function decodeBlock(block: PemBlock, text: string, opts: DecodeOptions): DecodedItem {
  const { label, range } = block;
  if (block.error || !block.der) return errorItem(range, label, block.error ?? 'no data', block.errorLine ?? range.startLine);
  try {
    let kind = LABEL_KINDS[label] ?? sniffDer(block.der);
    // Legacy "BEGIN RSA PRIVATE KEY" with Proc-Type ENCRYPTED: the body is ciphertext.
    const pemEncrypted = /ENCRYPTED/i.test(block.headers['Proc-Type'] ?? '');
    if (!pemEncrypted && kind !== 'unknown' && LABEL_KINDS[label]) {
      const sniffed = sniffDer(block.der);
      // A mislabelled block (e.g. a CRL under "CERTIFICATE") is decoded as what it really is.
      if (sniffed !== 'unknown' && sniffed !== kind && kind === 'certificate') kind = sniffed;
    }
    return { range, label, result: decodeKind(kind, block.der, label, { ...opts, pemEncrypted, pemText: pemEncrypted ? text.slice(range.startOffset, range.endOffset) : undefined }) };
  } catch (e) {
    return errorItem(range, label, message(e), range.startLine);
  }
}

/** All PEM blocks in any text, decoded. Text without PEM blocks gives []. */
export function decodeText(text: string, options: DecodeOptions = {}): DecodedItem[] {
  const opts = withBudget(options);
  try {
    return findPemBlocks(text).map((b) => decodeBlock(b, text, opts));
  } catch (e) {
    return [errorItem({ block: 0, startLine: 0, endLine: 0, startOffset: 0, endOffset: text.length }, 'TEXT', message(e))];
  }
}

/** Decodes a raw DER object, sniffing its type. */
function decodeDer(der: Uint8Array, options: DecodeOptions = {}): DecodedItem {
  options = withBudget(options);
  const range: SourceRange = { block: 0, startLine: 0, endLine: 0, startOffset: 0, endOffset: der.length };
  try {
    const kind = sniffDer(der);
    if (kind === 'unknown') return errorItem(range, 'DER', 'unrecognized DER structure (not a certificate, CRL, CSR, OCSP message, PKCS#7/#12 or key)');
    return { range, label: 'DER', result: decodeKind(kind, der, 'DER', options) };
  } catch (e) {
    return errorItem(range, 'DER', message(e));
  }
}

/** Non-ASCII text: UTF-16 with a byte-order mark (PowerShell redirects write it), else UTF-8. */
function textOf(buf: Buffer): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    const swapped = Buffer.from(buf.subarray(2, buf.length - (buf.length % 2)));
    return swapped.swap16().toString('utf16le');
  }
  return buf.toString('utf8');
}

/** A file's bytes: PEM text (any number of blocks, embedded anywhere), raw DER or bare base64 DER. */
export function decodeBytes(bytes: Uint8Array, options: DecodeOptions = {}): DecodedItem[] {
  options = withBudget(options);
  const whole: SourceRange = { block: 0, startLine: 0, endLine: 0, startOffset: 0, endOffset: bytes.length };
  try {
    if (bytes.length === 0) return [errorItem(whole, 'EMPTY', 'empty file')];
    if (looksLikeDer(bytes)) return [decodeDer(bytes, options)];
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // ASCII (nearly every PEM file) decodes much faster as latin1, with identical offsets.
    const text = isAscii(buf) ? buf.toString('latin1') : textOf(buf);
    if (text.includes('-----BEGIN ')) {
      const items = decodeText(text, options);
      if (items.length > 0) return items;
    }
    // Bare base64 of a DER object (some tools write OCSP responses or .p12 like that).
    const compact = text.replace(/\s+/g, '');
    if (compact.length >= 8 && /^[A-Za-z0-9+/]+={0,2}$/.test(compact) && compact.length % 4 === 0) {
      const der = new Uint8Array(Buffer.from(compact, 'base64'));
      if (looksLikeDer(der)) return [{ ...decodeDer(der, options), label: 'BASE64' }];
    }
    if (bytes[0] === 0x30) {
      const need = derLength(bytes);
      if (need !== undefined && need > bytes.length) {
        return [errorItem(whole, 'DER', `truncated DER file: the outer SEQUENCE declares ${need} bytes, only ${bytes.length} present`)];
      }
      return [decodeDer(bytes, options)];
    }
    return [errorItem(whole, 'NONE', 'no PEM block and no DER structure found')];
  } catch (e) {
    return [errorItem(whole, 'NONE', message(e))];
  }
}
