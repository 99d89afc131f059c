// OCSP for client certificates (ocsp_check_clients; EMQX declined it, mosquitto's request is open):
// during the handshake, ask the responder named in the certificate's AIA (or a configured URL)
// about the client certificate, cache the verified answer until its nextUpdate (at most the
// refresh interval), one request in flight per certificate, and never wait longer than the
// timeout (bounded by the handshake timeout). When no verified answer comes: soft fail accepts
// with a note, hard fail refuses.
import { buildOcspRequest, fetchOcspResponse, verifyOcspResponse } from '../ocsp/client';
import type { CertificateModel } from '../model';
import type { StoreLog } from './crlStore';
import { formatDate } from '../dates';
import { formatDuration } from '../duration';
import { colonSerial } from '../serial';

type OcspFetch = (url: string, requestDer: Uint8Array, options: { timeoutMs: number; signal: AbortSignal }) => Promise<Uint8Array>;

export interface ClientOcspOptions {
  /** Overrides the certificates' AIA OCSP URL. */
  responderUrl?: string;
  fail: 'soft' | 'hard';
  timeoutMs: number;
  /** Longest a "good" answer is reused when it has no earlier nextUpdate. */
  maxAgeMs: number;
  fetch?: OcspFetch;
  now?: () => number;
  log?: StoreLog;
}

export interface ClientOcspAnswer {
  status: 'good' | 'revoked' | 'unknown' | 'unavailable';
  /** In words: revocation time and reason, or why there is no answer. */
  detail: string;
  url?: string;
  cached: boolean;
}

interface Cached {
  answer: ClientOcspAnswer;
  until: number;
}

const MAX_ENTRIES = 10_000;

export class ClientOcspChecker {
  private readonly cache = new Map<string, Cached>();
  private readonly inflight = new Map<string, Promise<ClientOcspAnswer>>();
  private readonly now: () => number;
  private readonly log: StoreLog;
  /** Requests sent to responders (tests and benchmarks count them). */
  requests = 0;

  constructor(private readonly options: ClientOcspOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
  }

  async check(leaf: CertificateModel, issuer: CertificateModel | undefined): Promise<ClientOcspAnswer> {
    const key = leaf.fingerprints.sha256;
    const hit = this.cache.get(key);
    if (hit && hit.until > this.now()) return { ...hit.answer, cached: true };
    let p = this.inflight.get(key);
    if (!p) {
      p = this.ask(leaf, issuer).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    // The handshake waits at most timeoutMs, whatever the responder does.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<ClientOcspAnswer>((resolve) => {
      timer = setTimeout(() => resolve({ status: 'unavailable', detail: `no OCSP answer within ${formatDuration(this.options.timeoutMs)}`, cached: false }), this.options.timeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([p, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async ask(leaf: CertificateModel, issuer: CertificateModel | undefined): Promise<ClientOcspAnswer> {
    const url = this.options.responderUrl ?? leaf.extensions.authorityInfoAccess?.ocsp.find((u) => /^https?:\/\//i.test(u));
    const who = `${leaf.subject.rfc4514} (serial ${colonSerial(leaf.serialHex)})`;
    if (!url) return this.remember(leaf, { status: 'unavailable', detail: 'the certificate names no OCSP responder (AIA) and none is configured (ocsp_clients_responder_url)', cached: false }, 0);
    if (!issuer) return { status: 'unavailable', detail: `the issuer of ${who} is not known to the broker`, url, cached: false };
    const abort = new AbortController();
    try {
      this.requests++;
      const req = buildOcspRequest(leaf.der, issuer.der, { nonce: false });
      const der = await (this.options.fetch ?? ((u, d, o) => fetchOcspResponse(u, d, o)))(url, req.der, { timeoutMs: this.options.timeoutMs, signal: abort.signal });
      const v = verifyOcspResponse(der, { cert: leaf.der, issuer: issuer.der, now: new Date(this.now()) });
      if (!v.valid) {
        const answer: ClientOcspAnswer = { status: 'unavailable', detail: `unusable OCSP response from ${url}: ${v.problems.join('; ')}`, url, cached: false };
        this.log('warn', `client OCSP for ${who}: ${answer.detail}`);
        return answer;
      }
      const detail = v.status === 'revoked'
        ? `revoked ${v.revocationTime ? formatDate(v.revocationTime) : '?'}${v.reason ? `, ${v.reason}` : ''} (OCSP responder ${url})`
        : `${v.status} (OCSP responder ${url}, next update ${v.nextUpdate ? formatDate(v.nextUpdate) : 'none'})`;
      this.log(v.status === 'good' ? 'info' : 'warn', `client OCSP for ${who}: ${detail}`);
      const answer: ClientOcspAnswer = { status: v.status === 'error' ? 'unavailable' : v.status, detail, url, cached: false };
      const until = Math.min(v.nextUpdate?.getTime() ?? Infinity, this.now() + this.options.maxAgeMs);
      return this.remember(leaf, answer, until - this.now());
    } catch (err) {
      const answer: ClientOcspAnswer = { status: 'unavailable', detail: `OCSP responder ${url} failed: ${(err as Error).message}`, url, cached: false };
      this.log('warn', `client OCSP for ${who}: ${answer.detail}`);
      return answer;
    }
  }

  private remember(leaf: CertificateModel, answer: ClientOcspAnswer, ttlMs: number): ClientOcspAnswer {
    if (ttlMs > 0) {
      if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(leaf.fingerprints.sha256, { answer, until: this.now() + ttlMs });
    }
    return answer;
  }
}
