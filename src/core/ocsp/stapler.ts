// OCSP staple cache for a TLS server (EMQX semantics: enable_ocsp_stapling, ocsp_responder_url,
// ocsp_issuer_pem, ocsp_refresh_interval, ocsp_refresh_http_timeout).
// Responses are fetched in the BACKGROUND, one fetch in flight per certificate, verified before
// they are cached, and served from memory until refreshed, never past nextUpdate. A handshake
// never waits for the responder: getStaple() is synchronous and returns the cached DER or null
// (soft fail). Failures are retried with exponential back-off and logged.
import { createHash } from 'node:crypto';
import { bytesEqual, certFacts, type CertFacts } from './asn1';
import { buildOcspRequest, fetchOcspResponse, verifyOcspResponse, type CertInput } from './client';
import { formatDate } from '../dates';
import { formatDuration } from '../duration';

export interface StaplerTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

type StaplerLog = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface StaplerOptions {
  /** ocsp_responder_url. Default: each certificate's authorityInfoAccess OCSP URL. */
  responderUrl?: string;
  /** ocsp_issuer_pem: the issuer of the server certificate(s). Default: the issuer Node reports. */
  issuer?: CertInput;
  /** Server certificates to keep staples for; more are added by add() or on first handshake. */
  certificates?: CertInput[];
  /** ocsp_refresh_interval, ms. Default 5 minutes. */
  refreshIntervalMs?: number;
  /** ocsp_refresh_http_timeout, ms. Default 15 s. */
  httpTimeoutMs?: number;
  /** First retry delay after a failed fetch; doubles per failure up to refreshIntervalMs. Default 5 s. */
  retryBaseMs?: number;
  /** Send a nonce with each fetch (off by default: RFC 5019 responders may pre-sign). */
  nonce?: boolean;
  /** Injectable clock (ms since epoch), timers and transport, for tests. */
  now?: () => number;
  timers?: StaplerTimers;
  fetch?: (url: string, requestDer: Uint8Array, options: { timeoutMs: number; signal: AbortSignal }) => Promise<Uint8Array>;
  log?: StaplerLog;
}

/** What the broker's UI and logs show per certificate. */
export interface StapleState {
  subject: string;
  serialHex: string;
  /** SHA-256 of the certificate DER, hex: the cache key. */
  fingerprint: string;
  url?: string;
  /** A valid staple is in the cache now. */
  stapling: boolean;
  status?: 'good' | 'revoked' | 'unknown';
  thisUpdate?: Date;
  nextUpdate?: Date;
  lastFetch?: Date;
  lastSuccess?: Date;
  lastError?: string;
  /** Consecutive failed fetches (0 after a success). */
  failures: number;
  /** Fetches started so far (responder load). */
  fetches: number;
  nextFetch?: Date;
}

interface Entry {
  key: string;
  cert: CertFacts;
  issuer?: Uint8Array;
  url?: string;
  der?: Buffer;
  /** When the cached DER stops being served (nextUpdate, or a fallback when the responder sets none). */
  expiresAt: number;
  status?: StapleState['status'];
  thisUpdate?: Date;
  nextUpdate?: Date;
  lastFetch?: number;
  lastSuccess?: number;
  lastError?: string;
  failures: number;
  fetches: number;
  inFlight?: Promise<void>;
  abort?: AbortController;
  timer?: unknown;
  /** Fires at expiresAt to drop the staple (and detach listeners when no staple is left). */
  expiryTimer?: unknown;
  nextFetch?: number;
}

const defaultTimers: StaplerTimers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref(); // a pending refresh never keeps the process alive
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** The part of a tls.Server that attach() uses. */
export interface OcspRequestEmitter {
  on(event: 'OCSPRequest', listener: OcspRequestListener): unknown;
  off(event: 'OCSPRequest', listener: OcspRequestListener): unknown;
  listeners(event: 'OCSPRequest'): unknown[];
}

/** Node's server 'OCSPRequest' listener signature. */
export type OcspRequestListener = (cert: Buffer, issuer: Buffer | null, callback: (err: Error | null, resp?: Buffer | null) => void) => void;

export class OcspStapler {
  private readonly entries = new Map<string, Entry>();
  private readonly refreshMs: number;
  private readonly timeoutMs: number;
  private readonly retryBaseMs: number;
  private readonly now: () => number;
  private readonly timers: StaplerTimers;
  private readonly issuer?: Uint8Array;
  private started = false;
  private disposed = false;
  private readonly servers = new Set<OcspRequestEmitter>();
  /** Certificates seen in handshakes that could not be used (logged once). */
  private readonly refused = new Set<string>();

  constructor(private readonly options: StaplerOptions = {}) {
    this.refreshMs = options.refreshIntervalMs ?? 5 * 60_000;
    this.timeoutMs = options.httpTimeoutMs ?? 15_000;
    this.retryBaseMs = Math.min(options.retryBaseMs ?? 5_000, this.refreshMs);
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? defaultTimers;
    if (!(this.refreshMs > 0) || !(this.timeoutMs > 0)) throw new Error('OCSP refresh interval and HTTP timeout must be positive');
    if (options.issuer) this.issuer = certFacts(options.issuer).der;
    for (const c of options.certificates ?? []) this.add(c);
  }

  /** Keeps a staple for this certificate. `issuer` overrides ocsp_issuer_pem for it. */
  add(cert: CertInput, issuer?: CertInput): StapleState {
    const facts = certFacts(cert);
    const key = fingerprint(facts.der);
    let e = this.entries.get(key);
    if (!e) {
      e = { key, cert: facts, failures: 0, fetches: 0, expiresAt: 0 };
      this.entries.set(key, e);
    }
    if (issuer) e.issuer = certFacts(issuer).der;
    e.url = this.options.responderUrl ?? facts.ocspUrls[0];
    if (this.started) this.schedule(e, 0);
    return this.stateOf(e);
  }

  /** Begins background fetching for every known certificate (immediately, then on the interval). */
  start(): void {
    if (this.disposed) throw new Error('stapler disposed');
    if (this.started) return;
    this.started = true;
    for (const e of this.entries.values()) this.schedule(e, 0);
  }

  /**
   * The staple for a handshake: the cached, verified DER, or null. Synchronous and never blocks.
   * An unseen certificate is added (its first fetch starts in the background) when an issuer is known.
   */
  getStaple(certDer: Uint8Array, issuerDer?: Uint8Array | null): Buffer | null {
    if (this.disposed) return null;
    const key = fingerprint(certDer);
    const e = this.entries.get(key);
    if (!e) {
      if (this.started && (this.issuer || issuerDer) && !this.refused.has(key)) {
        try {
          this.add(certDer, this.issuer ? undefined : issuerDer ?? undefined);
        } catch (err) {
          this.refused.add(key); // said once, not at every handshake
          this.log('warn', `OCSP stapling: cannot use the server certificate: ${(err as Error).message}`);
        }
      }
      return null;
    }
    if (!e.der) return null;
    if (this.now() >= e.expiresAt) {
      // Past nextUpdate: never staple a stale answer; the scheduled refresh is (or will be) on its way.
      this.log('warn', `OCSP stapling: cached response for ${e.cert.subjectText} expired at ${formatDate(new Date(e.expiresAt))}; stapling nothing`);
      this.expire(e);
      return null;
    }
    return e.der;
  }

  /** A ready-made listener: `server.on('OCSPRequest', stapler.onOcspRequest)`. Always soft-fails. */
  readonly onOcspRequest: OcspRequestListener = (cert, issuer, callback) => {
    let staple: Buffer | null;
    try {
      staple = this.getStaple(cert, issuer);
    } catch {
      staple = null; // never fail a handshake over stapling
    }
    callback(null, staple);
  };

  /**
   * Serves staples on a TLS server, with the 'OCSPRequest' listener installed only while a valid
   * staple exists. Node turns on its asynchronous certificate callback for every handshake as soon
   * as such a listener exists (measurably slower handshakes), so with the responder down and nothing
   * cached the server runs exactly like one without stapling. The certificates must be known (the
   * constructor's `certificates` or add()): unseen ones are not discovered while detached.
   * Returns a function that detaches.
   */
  attach(server: OcspRequestEmitter): () => void {
    this.servers.add(server);
    this.syncListeners();
    return () => {
      this.servers.delete(server);
      server.off('OCSPRequest', this.onOcspRequest);
    };
  }

  private hasValidStaple(): boolean {
    const now = this.now();
    for (const e of this.entries.values()) if (e.der && now < e.expiresAt) return true;
    return false;
  }

  private syncListeners(): void {
    const want = !this.disposed && this.hasValidStaple();
    for (const s of this.servers) {
      const has = s.listeners('OCSPRequest').includes(this.onOcspRequest);
      if (want && !has) s.on('OCSPRequest', this.onOcspRequest);
      if (!want && has) s.off('OCSPRequest', this.onOcspRequest);
    }
  }

  /** Fetches now for one certificate (or all) and resolves when done; joins a fetch in flight. */
  async refresh(certDer?: Uint8Array): Promise<void> {
    const targets = certDer ? [this.entries.get(fingerprint(certDer))].filter((e): e is Entry => !!e) : [...this.entries.values()];
    await Promise.all(targets.map((e) => this.fetch(e)));
  }

  state(): StapleState[] {
    return [...this.entries.values()].map((e) => this.stateOf(e));
  }

  /** Stops timers, aborts fetches in flight and detaches from every server. */
  dispose(): void {
    this.disposed = true;
    for (const e of this.entries.values()) {
      if (e.timer !== undefined) this.timers.clearTimeout(e.timer);
      if (e.expiryTimer !== undefined) this.timers.clearTimeout(e.expiryTimer);
      e.timer = e.expiryTimer = undefined;
      e.abort?.abort();
    }
    this.syncListeners();
    this.servers.clear();
  }

  private expire(e: Entry): void {
    e.der = undefined;
    e.status = undefined;
    this.syncListeners();
  }

  private stateOf(e: Entry): StapleState {
    const d = (t?: number) => (t === undefined ? undefined : new Date(t));
    return {
      subject: e.cert.subjectText,
      serialHex: e.cert.serialHex,
      fingerprint: e.key,
      url: e.url,
      stapling: !!e.der && this.now() < e.expiresAt,
      status: e.status,
      thisUpdate: e.thisUpdate,
      nextUpdate: e.nextUpdate,
      lastFetch: d(e.lastFetch),
      lastSuccess: d(e.lastSuccess),
      lastError: e.lastError,
      failures: e.failures,
      fetches: e.fetches,
      nextFetch: d(e.nextFetch),
    };
  }

  private schedule(e: Entry, delayMs: number): void {
    if (this.disposed) return;
    if (e.timer !== undefined) this.timers.clearTimeout(e.timer);
    e.nextFetch = this.now() + delayMs;
    e.timer = this.timers.setTimeout(() => {
      e.timer = undefined;
      void this.fetch(e);
    }, delayMs);
  }

  private fetch(e: Entry): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (e.inFlight) return e.inFlight; // one fetch in flight per certificate
    e.inFlight = this.fetchOnce(e).finally(() => {
      e.inFlight = undefined;
    });
    return e.inFlight;
  }

  private async fetchOnce(e: Entry): Promise<void> {
    if (e.timer !== undefined) this.timers.clearTimeout(e.timer);
    e.timer = undefined;
    e.nextFetch = undefined;
    const issuer = e.issuer ?? this.issuer;
    const who = e.cert.subjectText;
    try {
      if (!issuer) throw new Error('no issuer certificate (set ocsp_issuer_pem)');
      const issuerFacts = certFacts(issuer);
      if (!bytesEqual(issuerFacts.subjectNameDer, e.cert.issuerNameDer)) {
        throw new Error(`ocsp_issuer_pem is "${issuerFacts.subjectText}", but ${who} was issued by "${e.cert.x509.issuer.split('\n').reverse().join(', ')}"`);
      }
      if (!e.url) throw new Error('no responder URL: set ocsp_responder_url (the certificate has no OCSP authorityInfoAccess)');
      const req = buildOcspRequest(e.cert.der, issuer, { nonce: this.options.nonce ?? false });
      e.lastFetch = this.now();
      e.fetches++;
      e.abort = new AbortController();
      const fetcher = this.options.fetch ?? ((url, der, o) => fetchOcspResponse(url, der, o));
      const der = await fetcher(e.url, req.der, { timeoutMs: this.timeoutMs, signal: e.abort.signal });
      if (this.disposed) return;
      const v = verifyOcspResponse(der, { cert: e.cert.der, issuer, nonce: req.nonce, now: new Date(this.now()) });
      if (!v.valid) throw new Error(`rejected response from ${e.url}: ${v.problems.join('; ')}`);
      const now = this.now();
      const changed = v.status !== e.status;
      e.der = Buffer.from(der);
      e.status = v.status as StapleState['status'];
      e.thisUpdate = v.thisUpdate;
      e.nextUpdate = v.nextUpdate;
      // No nextUpdate: the responder promises nothing; serve it for one refresh interval past the next refresh.
      e.expiresAt = v.nextUpdate ? v.nextUpdate.getTime() : now + 2 * this.refreshMs;
      e.lastSuccess = now;
      e.lastError = undefined;
      e.failures = 0;
      if (e.expiryTimer !== undefined) this.timers.clearTimeout(e.expiryTimer);
      e.expiryTimer = this.timers.setTimeout(() => {
        e.expiryTimer = undefined;
        if (this.now() >= e.expiresAt && e.der) {
          this.log('warn', `OCSP stapling: cached response for ${who} reached nextUpdate ${formatDate(new Date(e.expiresAt))} without a refresh; stapling nothing`);
          this.expire(e);
        }
      }, Math.max(0, e.expiresAt - now));
      this.syncListeners();
      if (changed) this.log(v.status === 'good' ? 'info' : 'warn', `OCSP stapling: ${who} is ${v.status} (valid until ${formatDate(new Date(e.expiresAt))})`);
      // Refresh on the interval, and in any case well before nextUpdate.
      const untilExpiry = e.expiresAt - now;
      this.schedule(e, Math.max(1_000, Math.min(this.refreshMs, Math.floor(untilExpiry / 2))));
    } catch (err) {
      if (this.disposed) return;
      e.failures++;
      e.lastError = (err as Error).message;
      const delay = Math.min(this.refreshMs, this.retryBaseMs * 2 ** Math.min(e.failures - 1, 30));
      const keeping = e.der && this.now() < e.expiresAt ? `; keeping the cached response until ${formatDate(new Date(e.expiresAt))}` : '; stapling nothing';
      this.log('warn', `OCSP stapling: fetch for ${who} failed (${e.lastError})${keeping}; retry in ${formatDuration(delay)}`);
      this.schedule(e, delay);
    } finally {
      e.abort = undefined;
    }
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.options.log?.(level, message);
  }
}

function fingerprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}
