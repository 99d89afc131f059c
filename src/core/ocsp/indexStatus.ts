// Certificate status from an OpenSSL CA database (index.txt). One stat() per lookup decides whether
// to re-read the file, so a revocation written by `openssl ca -revoke` or Certscope is visible to
// the very next OCSP request, without a watcher that could miss events.
import { readFileSync, statSync } from 'node:fs';
import type { OcspCertStatus } from '../model';
import { indexBySerial, readIndex, type IndexEntry } from '../ca/indexDb';
import { serialKey } from '../serial';
import type { StatusSource } from './responder';

export class IndexStatusSource implements StatusSource {
  private signature = '';
  private bySerial = new Map<string, IndexEntry>();
  /** The last read failure (a half-written file is retried at the next lookup). */
  lastError?: string;
  /** How many times the file was (re)read: lets tests see that unchanged files are not re-read. */
  reads = 0;

  constructor(readonly path: string) {}

  private refresh(): void {
    let sig: string;
    try {
      const st = statSync(this.path, { bigint: true });
      sig = `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    } catch (err) {
      throw new Error(`cannot read the CA database ${this.path}: ${(err as Error).message}`, { cause: err });
    }
    if (sig === this.signature) return;
    try {
      this.bySerial = indexBySerial(readIndex(readFileSync(this.path, 'utf8')));
      this.signature = sig;
      this.reads++;
      this.lastError = undefined;
    } catch (err) {
      // Keep the last good table; the signature stays old so the next lookup tries again.
      this.lastError = (err as Error).message;
      if (this.reads === 0) throw err;
    }
  }

  status(serialHex: string): OcspCertStatus {
    this.refresh();
    const e = this.bySerial.get(serialKey(serialHex));
    if (!e) return { status: 'unknown' };
    if (e.status === 'R' && e.revoked && e.revoked.reason !== 'removeFromCRL') {
      return { status: 'revoked', revocationTime: e.revoked.date, ...(e.revoked.reason ? { reason: e.revoked.reason } : {}) };
    }
    // V, and E (expired is not revoked: RFC 6960 lets a responder answer good for it).
    return { status: 'good' };
  }
}
