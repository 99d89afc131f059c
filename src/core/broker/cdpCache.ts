// EMQX 5's global CRL cache (crl_cache.refresh_interval 15m, http_timeout 15s, capacity 100):
// a CRL is fetched from a client certificate's CRL distribution point the first time its URL is
// seen (during that client's handshake), kept per URL, refreshed on the interval, and the oldest
// URL is evicted when the cache is full. Concurrent handshakes for one URL share one fetch.
// Every fetch, hit, failure and eviction is reported in words.
import { createHash } from 'node:crypto';
import type { CrlModel } from '../model';
import { defaultCrlFetch, parseCrlBytes, type CrlFetch, type LoadedCrl, type StoreLog } from './crlStore';
import { Emitter } from './events';
import { formatDate } from '../dates';
import { formatDuration } from '../duration';
import { crlNumberText } from '../revocation/evidence';

export interface CdpCacheOptions {
  refreshIntervalMs: number;
  httpTimeoutMs: number;
  /** Most URLs kept (EMQX crl_cache.capacity, default 100); the oldest is evicted first. */
  capacity: number;
  fetch?: CrlFetch;
  now?: () => number;
  log?: StoreLog;
  /** Refuses a CRL (returns why): e.g. not signed by a trusted client CA. */
  validate?: (model: CrlModel) => string | undefined;
}

export interface CdpEntryState {
  url: string;
  ok: boolean;
  crl?: { issuer: string; crlNumber?: string; nextUpdate?: Date; entries: number; stale: boolean };
  fetchedAt?: Date;
  lastError?: string;
  fetches: number;
  hits: number;
}

export interface CdpLookup {
  crl?: LoadedCrl;
  /** Served from the cache (no fetch during this handshake). */
  cached: boolean;
  error?: string;
}

interface Entry {
  url: string;
  crl?: LoadedCrl;
  digest?: string;
  fetchedAt?: number;
  lastError?: string;
  fetches: number;
  hits: number;
}

export class CdpCrlCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly aborts = new Set<AbortController>();
  private readonly changed = new Emitter<string>();
  private readonly now: () => number;
  private readonly log: StoreLog;
  private timer?: NodeJS.Timeout;
  private disposed = false;
  /** Total HTTP fetches (benchmarks and tests count them). */
  fetchCount = 0;
  /** Fires with the URL whose CRL changed on a refresh (a new CRL replaced the cached one). */
  readonly onDidRefresh = this.changed.event;

  constructor(private readonly options: CdpCacheOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
  }

  start(): void {
    this.timer = setInterval(() => void this.refreshAll(), this.options.refreshIntervalMs);
    this.timer.unref();
  }

  /** The CRL for a distribution point URL: from the cache, or fetched now (first sight). */
  async lookup(url: string, why: string): Promise<CdpLookup> {
    const crl = this.cached(url, why);
    if (crl) return { crl, cached: true };
    this.log('info', `CRL distribution point ${url} not in the cache: fetching it during the handshake (${why})`);
    await this.fetch(url);
    const e = this.entries.get(url);
    return e?.crl ? { crl: e.crl, cached: false } : { cached: false, error: e?.lastError ?? 'not fetched' };
  }

  /** The cached CRL for a URL (a cache hit, counted and logged), without fetching. */
  cached(url: string, why: string): LoadedCrl | undefined {
    const hit = this.entries.get(url);
    if (!hit?.crl) return undefined;
    hit.hits++;
    this.log('info', `CRL cache hit for ${url} (${why}): CRL ${hit.crl.model.crlNumber ? `${crlNumberText(hit.crl.model.crlNumber)} ` : ''}fetched ${formatDate(new Date(hit.fetchedAt ?? 0))}`);
    return hit.crl;
  }

  /** Cached CRLs issued by this CA, whatever URL they came from (Erlang's same-issuer lookup). */
  byIssuer(issuerDerHex: string): LoadedCrl[] {
    return [...this.entries.values()].flatMap((e) => (e.crl && e.crl.model.issuer.derHex === issuerDerHex ? [e.crl] : []));
  }

  urls(): string[] {
    return [...this.entries.keys()];
  }

  state(): CdpEntryState[] {
    const now = this.now();
    return [...this.entries.values()].map((e) => ({
      url: e.url, ok: !!e.crl && !e.lastError, fetchedAt: e.fetchedAt === undefined ? undefined : new Date(e.fetchedAt),
      lastError: e.lastError, fetches: e.fetches, hits: e.hits,
      crl: e.crl && {
        issuer: e.crl.model.issuer.rfc4514, crlNumber: e.crl.model.crlNumber, nextUpdate: e.crl.model.nextUpdate,
        entries: e.crl.model.entryCount, stale: !!e.crl.model.nextUpdate && e.crl.model.nextUpdate.getTime() < now,
      },
    }));
  }

  /** Refetches these URLs now if they are cached (returns those refetched); others stay unfetched until first sight. */
  async refresh(urls: readonly string[]): Promise<string[]> {
    const cached = urls.filter((u) => this.entries.has(u));
    await Promise.all(cached.map((u) => this.fetch(u)));
    return cached;
  }

  /** Refetches every cached URL (the refresh_interval timer calls this). */
  async refreshAll(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((u) => this.fetch(u)));
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearInterval(this.timer);
    for (const a of this.aborts) a.abort();
    this.changed.dispose();
  }

  private fetch(url: string): Promise<void> {
    let p = this.inflight.get(url);
    if (!p) {
      p = this.doFetch(url).finally(() => this.inflight.delete(url));
      this.inflight.set(url, p);
    }
    return p;
  }

  private async doFetch(url: string): Promise<void> {
    if (this.disposed) return;
    let e = this.entries.get(url);
    if (!e) {
      e = { url, fetches: 0, hits: 0 };
      this.entries.set(url, e);
      this.evict();
    }
    e.fetches++;
    this.fetchCount++;
    const abort = new AbortController();
    this.aborts.add(abort);
    const timeout = `no answer within ${formatDuration(this.options.httpTimeoutMs)} (crl_cache.http_timeout)`;
    const timer = setTimeout(() => abort.abort(), this.options.httpTimeoutMs);
    timer.unref();
    try {
      const body = await Promise.race([
        (this.options.fetch ?? defaultCrlFetch)(url, { timeoutMs: this.options.httpTimeoutMs, signal: abort.signal }),
        new Promise<never>((_, reject) => abort.signal.addEventListener('abort', () => reject(new Error(timeout)))),
      ]);
      if (this.disposed) return;
      const digest = createHash('sha256').update(body).digest('hex');
      const renewed = e.digest !== undefined && digest !== e.digest;
      if (digest !== e.digest) {
        const [first] = parseCrlBytes(body, url);
        const problem = this.options.validate?.(first.model);
        if (problem) throw new Error(`CRL of "${first.model.issuer.rfc4514}" refused: ${problem}`);
        e.crl = { source: url, ...first };
        e.digest = digest;
      }
      e.fetchedAt = this.now();
      e.lastError = undefined;
      const m = e.crl?.model;
      this.log('info', `CRL fetched from ${url}: ${m?.issuer.rfc4514}${m?.crlNumber ? ` ${crlNumberText(m.crlNumber)}` : ''}, ${m?.entryCount} revoked, next update ${m?.nextUpdate ? formatDate(m.nextUpdate) : 'none'}`);
      if (renewed) this.changed.fire(url);
    } catch (err) {
      if (this.disposed) return;
      e.lastError = (err as Error).message;
      this.log('warn', `CRL fetch failed for ${url}: ${e.lastError}${e.crl ? '; keeping the cached CRL' : ''}`);
    } finally {
      clearTimeout(timer);
      this.aborts.delete(abort);
    }
  }

  private evict(): void {
    while (this.entries.size > this.options.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.log('info', `CRL cache full (capacity ${this.options.capacity}): evicted the oldest URL ${oldest}`);
    }
  }
}
