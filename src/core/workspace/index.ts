// The workspace index: decoded files by key plus a cached analysis. Incremental by design: a
// change reloads one file and drops the cached analysis; nothing else is re-read or re-decoded.
import { analyze, analyzeSliced, type AnalysisOptions, type WorkspaceAnalysis } from './analysis';
import type { IndexedFile } from './types';

export type FileLoader = (key: string) => Promise<IndexedFile | undefined>;

export interface Listener { (changed: string[]): void }

export class WorkspaceIndex {
  private readonly files = new Map<string, IndexedFile>();
  /** Per-key load generation: a slow load that finishes after a newer one must not win. */
  private readonly generation = new Map<string, number>();
  private cache?: { key: string; analysis: WorkspaceAnalysis };
  /** Bumped on every change: a sliced analysis that finishes after a change is not cached. */
  private version = 0;
  private readonly listeners = new Set<Listener>();
  /** Counts decodes, so tests can prove that one change does not rescan the workspace. */
  loads = 0;

  constructor(private readonly load: FileLoader, private readonly concurrency = 16) {}

  get size(): number { return this.files.size; }
  get(key: string): IndexedFile | undefined { return this.files.get(key); }
  all(): IterableIterator<IndexedFile> { return this.files.values(); }
  keys(): string[] { return [...this.files.keys()]; }

  onDidChange(l: Listener): { dispose(): void } {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  }

  /** Loads (or reloads) the given files with bounded concurrency, then notifies once. */
  async refresh(keys: Iterable<string>, signal?: { readonly cancelled: boolean }): Promise<void> {
    const queue = [...new Set(keys)];
    const changed: string[] = [];
    const worker = async (): Promise<void> => {
      for (let k = queue.shift(); k !== undefined && !signal?.cancelled; k = queue.shift()) {
        if (await this.loadOne(k)) changed.push(k);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, queue.length) }, worker));
    this.fire(changed);
  }

  /** Forgets files (deleted, or now excluded). */
  remove(keys: Iterable<string>): void {
    const changed: string[] = [];
    for (const k of keys) {
      this.generation.set(k, (this.generation.get(k) ?? 0) + 1);
      if (this.files.delete(k)) changed.push(k);
    }
    this.fire(changed);
  }

  /** Removes every file for which `keep` says no (e.g. after the exclude setting changed). */
  retain(keep: (key: string) => boolean): void {
    this.remove(this.keys().filter((k) => !keep(k)));
  }

  analysis(options: AnalysisOptions): WorkspaceAnalysis {
    const cacheKey = `${options.now.getTime()}|${options.expiringDays}`;
    if (this.cache?.key !== cacheKey) this.cache = { key: cacheKey, analysis: analyze(this.files.values(), options) };
    return this.cache.analysis;
  }

  /** The same analysis computed in slices (the extension host uses this; analysis() is for the CLI and tests). */
  async analysisSliced(options: AnalysisOptions): Promise<WorkspaceAnalysis> {
    const cacheKey = `${options.now.getTime()}|${options.expiringDays}`;
    if (this.cache?.key === cacheKey) return this.cache.analysis;
    const version = this.version;
    const analysis = await analyzeSliced([...this.files.values()], options);
    if (version === this.version) this.cache = { key: cacheKey, analysis };
    return analysis;
  }

  private async loadOne(key: string): Promise<boolean> {
    const gen = (this.generation.get(key) ?? 0) + 1;
    this.generation.set(key, gen);
    this.loads++;
    const file = await this.load(key);
    if (this.generation.get(key) !== gen) return false;
    if (file) this.files.set(key, file);
    else if (!this.files.delete(key)) return false;
    return true;
  }

  private fire(changed: string[]): void {
    if (changed.length === 0) return;
    this.cache = undefined;
    this.version++;
    for (const l of this.listeners) l(changed);
  }
}
