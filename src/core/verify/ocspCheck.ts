// OCSP for path validation: asks the responder named in the certificate's AIA (or a given URL)
// through the shared OCSP client (src/core/ocsp/client.ts: request, HTTP with a timeout,
// response verification) and maps the answer to a RevocationStatus.
import { checkOcsp } from '../ocsp/client';
import type { OcspChecker } from './engine';
import type { ParsedCert } from './parse';
import type { RevocationStatus } from './types';

export interface OcspCheckOptions {
  /** Per request; default 5 s. */
  timeoutMs?: number;
  /** Override the AIA URL. */
  url?: string;
  nonce?: boolean;
}

export function ocspChecker(opts: OcspCheckOptions = {}): OcspChecker {
  return {
    async check(cert: ParsedCert, issuer: ParsedCert, at: Date): Promise<RevocationStatus> {
      const url = opts.url ?? cert.ocspUrls[0];
      if (!url) return { status: 'unknown', source: 'ocsp', detail: 'no OCSP URL in authorityInfoAccess' };
      const r = await checkOcsp(cert.der, issuer.der, { url, timeoutMs: opts.timeoutMs ?? 5000, nonce: opts.nonce ?? true, now: at });
      if (!r.valid) return { status: 'unknown', source: 'ocsp', detail: `${url}: ${r.problems.join('; ') || r.responseStatus}` };
      if (r.status === 'revoked') return { status: 'revoked', source: 'ocsp', reason: r.reason, revocationDate: r.revocationTime, detail: url };
      if (r.status === 'good') return { status: 'good', source: 'ocsp', detail: url };
      return { status: 'unknown', source: 'ocsp', detail: `${url}: responder does not know this certificate` };
    },
  };
}
