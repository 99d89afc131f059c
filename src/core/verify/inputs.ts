// Loading what `verify` needs from disk or a URL: certificates (PEM bundles or DER), CRLs (file or
// http URL, with a timeout and size limit), and the system trust store on request.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { get as httpGet } from 'node:http';
import { derBlocks } from './parse';

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

function readInput(path: string): Buffer {
  if (!existsSync(path)) throw new InputError(`${path}: no such file`);
  if (statSync(path).isDirectory()) throw new InputError(`${path} is a directory`);
  return readFileSync(path);
}

/** All certificates in a PEM bundle or a DER file. */
export function loadCertificates(path: string): Uint8Array[] {
  const data = readInput(path);
  const blocks = derBlocks(data, ['CERTIFICATE', 'TRUSTED CERTIFICATE', 'X509 CERTIFICATE']);
  if (!blocks.length) throw new InputError(`${path}: no certificate found (expected PEM "CERTIFICATE" blocks or DER)`);
  return blocks;
}

/** CRLs in a PEM or DER file. */
export function loadCrlFile(path: string): Uint8Array[] {
  const blocks = derBlocks(readInput(path), ['X509 CRL', 'CRL']);
  if (!blocks.length) throw new InputError(`${path}: no CRL found (expected PEM "X509 CRL" blocks or DER)`);
  return blocks;
}

/** Fetches a CRL over http (DER or PEM body). */
export function fetchCrl(url: string, timeoutMs = 10_000, maxBytes = 64 * 1024 * 1024): Promise<Uint8Array[]> {
  return new Promise((resolve, reject) => {
    if (!/^http:\/\//i.test(url)) { reject(new InputError(`${url}: only http:// CRL URLs are supported`)); return; }
    const req = httpGet(url, { timeout: timeoutMs }, (res) => {
      if (res.statusCode !== 200) { res.resume(); reject(new InputError(`${url}: HTTP ${res.statusCode}`)); return; }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) { req.destroy(); reject(new InputError(`${url}: CRL larger than ${maxBytes} bytes`)); return; }
        chunks.push(c);
      });
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const blocks = derBlocks(body, ['X509 CRL', 'CRL']);
        if (!blocks.length) reject(new InputError(`${url}: response is not a CRL`));
        else resolve(blocks);
      });
      res.on('error', (e) => reject(new InputError(`${url}: ${e.message}`)));
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', (e) => reject(new InputError(`${url}: ${e.message}`)));
  });
}

/** The system trust store (Debian/Ubuntu layout, then RHEL; or every PEM in /etc/ssl/certs). */
export function systemRoots(): Uint8Array[] {
  for (const bundle of ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt']) {
    if (existsSync(bundle)) return derBlocks(readFileSync(bundle), ['CERTIFICATE', 'TRUSTED CERTIFICATE']);
  }
  const dir = '/etc/ssl/certs';
  if (!existsSync(dir)) throw new InputError('no system trust store found (/etc/ssl/certs)');
  const out: Uint8Array[] = [];
  for (const f of readdirSync(dir)) {
    if (!/\.(pem|crt)$/.test(f)) continue;
    try { out.push(...derBlocks(readFileSync(join(dir, f)), ['CERTIFICATE'])); } catch { /* unreadable entry */ }
  }
  return out;
}
