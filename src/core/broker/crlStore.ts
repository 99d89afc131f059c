// CRLs for the broker from local files and URLs (EMQX crl_cache_urls, crl_cache_refresh_interval,
// crl_cache_http_timeout). Files are reloaded as soon as they change (fs.watch on the folder,
// debounced, plus a periodic stat in case watching misses an atomic rename); URLs are fetched on
// the interval. A source that fails keeps its last good CRLs and the failure is reported.
import { toPem } from '../der/writer';
import { watch, statSync, readFileSync, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { findPemBlocks, looksLikeDer } from '../pem';
import { decodeCrl } from '../decode/crl';
import { normalizeSerial } from '../serial';
import type { CrlEntry, CrlModel } from '../model';
import { Emitter } from './events';
import { formatDate } from '../dates';
import { formatDuration } from '../duration';
import { crlNumberText } from '../revocation/evidence';

export interface LoadedCrl {
  /** File path or URL. */
  source: string;
  /** The CRL as one PEM block (Node's `crl` option takes one PEM per array element). */
  pem: string;
  model: CrlModel;
}

interface CrlSummary {
  issuer: string;
  crlNumber?: string;
  thisUpdate: Date;
  nextUpdate?: Date;
  entries: number;
  /** nextUpdate has passed: OpenSSL refuses every client of this CA (CRL_HAS_EXPIRED). */
  stale: boolean;
}

export interface CrlSourceState {
  source: string;
  kind: 'file' | 'url';
  /** The last load or fetch succeeded. */
  ok: boolean;
  crls: CrlSummary[];
  lastAttempt?: Date;
  lastSuccess?: Date;
  lastError?: string;
  loads: number;
}

export type CrlFetch = (url: string, options: { timeoutMs: number; signal: AbortSignal }) => Promise<Uint8Array>;
export type StoreLog = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface CrlStoreOptions {
  files: string[];
  urls: string[];
  refreshIntervalMs: number;
  httpTimeoutMs: number;
  filePollIntervalMs: number;
  /** Quiet time after a file event before reading (editors and openssl write in steps). Default 100 ms. */
  debounceMs?: number;
  fetch?: CrlFetch;
  now?: () => number;
  log?: StoreLog;
  /** Refuses a CRL (returns why) before it replaces the source's last good CRLs. */
  validate?: (model: CrlModel) => string | undefined;
}

interface Source {
  location: string;
  kind: 'file' | 'url';
  crls: LoadedCrl[];
  digest?: string;
  stamp?: string;
  state: CrlSourceState;
  debounce?: NodeJS.Timeout;
  retries: number;
}

const MAX_CRL_BYTES = 64 * 1024 * 1024;

/** Splits file or HTTP body bytes into CRLs; throws a specific message when there is none. */
export function parseCrlBytes(bytes: Uint8Array, source: string): Array<{ pem: string; model: CrlModel }> {
  const out: Array<{ pem: string; model: CrlModel }> = [];
  if (looksLikeDer(bytes)) {
    const model = decodeCrl(bytes);
    out.push({ pem: toPem(model.der, 'X509 CRL'), model });
    return out;
  }
  const text = Buffer.from(bytes).toString('latin1');
  for (const block of findPemBlocks(text)) {
    if (block.label !== 'X509 CRL' && block.label !== 'CRL') continue;
    if (!block.der) throw new Error(`${source}: broken CRL PEM block: ${block.error ?? 'no data'}`);
    const model = decodeCrl(block.der);
    out.push({ pem: toPem(model.der, 'X509 CRL'), model });
  }
  if (out.length === 0) {
    const head = text.slice(0, 60).replace(/\s+/g, ' ').trim();
    throw new Error(`${source}: no CRL found (expected PEM "X509 CRL" blocks or DER)${head ? `; content starts with "${head}"` : '; empty'}`);
  }
  return out;
}


/** Plain HTTP(S) GET with a size cap: the fetcher of CRL URLs and distribution points. */
export const defaultCrlFetch: CrlFetch = async (url, { signal }) => {
  const res = await fetch(url, { signal, redirect: 'follow' });
  if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
  const len = Number(res.headers.get('content-length') ?? '0');
  if (len > MAX_CRL_BYTES) throw new Error(`response too large (${len} bytes)`);
  const body = new Uint8Array(await res.arrayBuffer());
  if (body.length > MAX_CRL_BYTES) throw new Error(`response too large (${body.length} bytes)`);
  return body;
};

export class CrlStore {
  private readonly sources: Source[];
  private readonly changed = new Emitter<void>();
  private readonly watchers: FSWatcher[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly aborts = new Set<AbortController>();
  private readonly now: () => number;
  private readonly log: StoreLog;
  private disposed = false;
  /** Fires after the set of CRLs changed (a file was rewritten, a URL returned a new CRL). */
  readonly onDidChange = this.changed.event;

  constructor(private readonly options: CrlStoreOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
    const mk = (location: string, kind: 'file' | 'url'): Source => ({
      location, kind, crls: [], retries: 0, state: { source: location, kind, ok: false, crls: [], loads: 0 },
    });
    this.sources = [...options.files.map((f) => mk(resolve(f), 'file')), ...options.urls.map((u) => mk(u, 'url'))];
  }

  /** Loads every source once, then keeps them current. Resolves when the first load is done. */
  async start(): Promise<void> {
    for (const s of this.sources) if (s.kind === 'file') this.loadFile(s, false);
    await Promise.all(this.sources.filter((s) => s.kind === 'url').map((s) => this.fetchUrl(s, false)));
    this.watchFiles();
    const poll = setInterval(() => this.pollFiles(), this.options.filePollIntervalMs);
    poll.unref();
    this.timers.add(poll);
    if (this.sources.some((s) => s.kind === 'url')) {
      const refresh = setInterval(() => void this.refreshUrls(), this.options.refreshIntervalMs);
      refresh.unref();
      this.timers.add(refresh);
    }
  }

  crls(): LoadedCrl[] {
    return this.sources.flatMap((s) => s.crls);
  }

  state(): CrlSourceState[] {
    const now = this.now();
    return this.sources.map((s) => ({ ...s.state, crls: s.crls.map((c) => summarize(c.model, now)) }));
  }

  /** The CRLs (any source) issued by the CA with this subject (DER hex). */
  crlsFor(issuerDerHex: string): LoadedCrl[] {
    return this.crls().filter((c) => c.model.issuer.derHex === issuerDerHex);
  }

  /** The entry revoking `serial` in a CRL of that issuer, with the CRL it came from. */
  findRevocation(issuerDerHex: string, serial: string): { entry: CrlEntry; crl: LoadedCrl } | undefined {
    const key = normalizeSerial(serial);
    for (const crl of this.crlsFor(issuerDerHex)) {
      const entry = crl.model.bySerial.get(key);
      if (entry) return { entry, crl };
    }
    return undefined;
  }

  async refreshUrls(): Promise<void> {
    await Promise.all(this.sources.filter((s) => s.kind === 'url').map((s) => this.fetchUrl(s, true)));
  }

  dispose(): void {
    this.disposed = true;
    for (const w of this.watchers) w.close();
    this.watchers.length = 0;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.sources) if (s.debounce) clearTimeout(s.debounce);
    for (const a of this.aborts) a.abort();
    this.changed.dispose();
  }

  private watchFiles(): void {
    const byDir = new Map<string, Source[]>();
    for (const s of this.sources) {
      if (s.kind !== 'file') continue;
      const d = dirname(s.location);
      byDir.set(d, [...(byDir.get(d) ?? []), s]);
    }
    for (const [dir, list] of byDir) {
      try {
        // Watching the folder (not the file) survives editors that save by rename.
        const w = watch(dir, { persistent: false }, (_event, name) => {
          for (const s of list) if (!name || String(name) === basename(s.location)) this.scheduleFile(s);
        });
        w.on('error', (err) => this.log('warn', `CRL folder watch on ${dir} failed (${err.message}); falling back to polling`));
        this.watchers.push(w);
      } catch (err) {
        this.log('warn', `cannot watch ${dir} (${(err as Error).message}); CRL files there are polled every ${formatDuration(this.options.filePollIntervalMs)}`);
      }
    }
  }

  private scheduleFile(s: Source, delay = this.options.debounceMs ?? 100): void {
    if (this.disposed) return;
    if (s.debounce) clearTimeout(s.debounce);
    s.debounce = setTimeout(() => {
      s.debounce = undefined;
      this.loadFile(s, true);
    }, delay);
    s.debounce.unref();
  }

  private pollFiles(): void {
    for (const s of this.sources) {
      if (s.kind !== 'file' || s.debounce) continue;
      if (fileStamp(s.location) !== s.stamp) this.scheduleFile(s, 0);
    }
  }

  private loadFile(s: Source, notify: boolean): void {
    if (this.disposed) return;
    s.state.lastAttempt = new Date(this.now());
    s.stamp = fileStamp(s.location);
    try {
      const bytes = readFileSync(s.location);
      if (bytes.length > MAX_CRL_BYTES) throw new Error(`${s.location}: file too large (${bytes.length} bytes)`);
      this.accept(s, bytes, notify);
      s.retries = 0;
    } catch (err) {
      this.fail(s, err);
      // A file caught half-written is read again shortly.
      if (s.retries++ < 5) this.scheduleFile(s, 250 * s.retries);
    }
  }

  private async fetchUrl(s: Source, notify: boolean): Promise<void> {
    if (this.disposed) return;
    s.state.lastAttempt = new Date(this.now());
    const abort = new AbortController();
    this.aborts.add(abort);
    let timedOut = false;
    const timeoutMessage = `no answer within ${formatDuration(this.options.httpTimeoutMs)} (crl_cache_http_timeout)`;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, this.options.httpTimeoutMs);
    timer.unref();
    try {
      const fetcher = this.options.fetch ?? defaultCrlFetch;
      const body = await Promise.race([
        fetcher(s.location, { timeoutMs: this.options.httpTimeoutMs, signal: abort.signal }),
        new Promise<never>((_, reject) => abort.signal.addEventListener('abort', () => reject(new Error(timeoutMessage)))),
      ]);
      if (!this.disposed) this.accept(s, body, notify);
    } catch (err) {
      if (!this.disposed) this.fail(s, timedOut ? new Error(timeoutMessage) : err);
    } finally {
      clearTimeout(timer);
      this.aborts.delete(abort);
    }
  }

  private accept(s: Source, bytes: Uint8Array, notify: boolean): void {
    const digest = createHash('sha256').update(bytes).digest('hex');
    if (digest !== s.digest) {
      const parsed = parseCrlBytes(bytes, s.location);
      for (const p of parsed) {
        const problem = this.options.validate?.(p.model);
        if (problem) throw new Error(`CRL of "${p.model.issuer.rfc4514}" refused: ${problem}`);
      }
      s.crls = parsed.map((p) => ({ source: s.location, ...p }));
    }
    s.state.ok = true;
    s.state.lastSuccess = new Date(this.now());
    s.state.lastError = undefined;
    if (digest === s.digest) return;
    s.digest = digest;
    s.state.loads++;
    const now = this.now();
    for (const c of s.crls) {
      const sum = summarize(c.model, now);
      this.log(sum.stale ? 'warn' : 'info', `CRL ${sum.crlNumber ? `${crlNumberText(sum.crlNumber)} ` : ''}from ${s.location}: ${sum.issuer}, ${sum.entries} revoked, next update ${sum.nextUpdate ? formatDate(sum.nextUpdate) : 'none'}${sum.stale ? ' (EXPIRED: clients of this CA are refused unless crl_stale = allow)' : ''}`);
    }
    if (notify) this.changed.fire();
  }

  private fail(s: Source, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    s.state.ok = false;
    s.state.lastError = message;
    const kept = s.crls.length ? `keeping the last good CRL (${s.crls.length} loaded)` : 'no CRL from this source yet';
    this.log('warn', `CRL ${s.kind === 'url' ? 'fetch' : 'load'} failed for ${s.location}: ${message}; ${kept}`);
  }
}

function summarize(m: CrlModel, now: number): CrlSummary {
  return {
    issuer: m.issuer.rfc4514,
    crlNumber: m.crlNumber,
    thisUpdate: m.thisUpdate,
    nextUpdate: m.nextUpdate,
    entries: m.entryCount,
    stale: m.nextUpdate !== undefined && m.nextUpdate.getTime() < now,
  };
}

function fileStamp(path: string): string | undefined {
  try {
    const st = statSync(path);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return undefined;
  }
}
