// The workspace PKI index as a VS Code service: finds candidate files (include/exclude settings
// plus files.exclude), watches them, and feeds changes to the core index debounced and
// incrementally (a changed file is re-read alone). Tree, diagnostics, decorations, hover and
// CodeLens all read the same analysis. Heavy modules (decoders) load on first scan, not at activation.
import { existsSync, promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { DecodedItem } from '../../core/model';
import type { WorkspaceAnalysis } from '../../core/workspace/analysis';
import type { DecodePool } from '../../core/workspace/decodePool';
import type { WorkspaceIndex } from '../../core/workspace/index';
import type { PkiNode, PkiTree } from '../../core/workspace/tree';
import { readConfig, type CertscopeConfig } from '../config';
import { inBackground, type Log } from '../log';

const DEBOUNCE_MS = 300;
/** Candidate files per workspace folder; beyond this the scan says the workspace is truncated. */
const MAX_FILES = 200_000;
const READ_TIMEOUT_MS = 10_000;
/** Files listed in the certscope.certFilesWithKey context key (a menu condition, kept small). */
const MAX_CONTEXT_FILES = 5_000;

/** What changed: the file keys of an incremental update, or undefined for "everything" (scan, settings). */
export interface PkiChange { changed?: string[] }

export interface ScanStats { files: number; findMs: number; loadMs: number; totalMs: number; /** Date.now() when the scan finished. */ finishedAt: number }

export class PkiWorkspace implements vscode.Disposable {
  private index?: WorkspaceIndex;
  private started?: Promise<void>;
  private readonly changed = new vscode.EventEmitter<PkiChange>();
  /** Fires after the index changed (debounced batches). */
  readonly onDidChange = this.changed.event;
  private readonly filterChanged = new vscode.EventEmitter<void>();
  /** Fires when the tree filter changed (the index did not). */
  readonly onDidChangeFilter = this.filterChanged.event;
  private readonly subscriptions: vscode.Disposable[] = [this.changed, this.filterChanged];
  private watchers: vscode.Disposable[] = [];
  private readonly pendingChanged = new Set<string>();
  private readonly pendingDeleted = new Set<string>();
  private timer?: NodeJS.Timeout;
  private cached?: { analysis: WorkspaceAnalysis; tree?: PkiTree; day: number; expiringDays: number };
  private excludeGlobs: string[] = [];
  private generation = 0;
  private latestScan?: Promise<void>;
  lastScan?: ScanStats;
  private pool?: DecodePool;
  /** The Workspace PKI view (set by createPkiTreeView), for reveal and expansion timings. */
  treeView?: vscode.TreeView<PkiNode>;
  private filterText = '';

  constructor(private readonly log: Log) {
    // Expiry moves with the clock: re-evaluate statuses (tree, badges, diagnostics) every hour.
    const hourly = setInterval(() => { if (this.index) inBackground(this.log, 'workspace PKI: hourly status update', this.publish({})); }, 3_600_000);
    hourly.unref?.();
    this.subscriptions.push({ dispose: () => clearInterval(hourly) });
    this.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
      const rescan = ['certscope.inspect.include', 'certscope.inspect.exclude', 'certscope.inspect.maxFileSizeKB', 'files.exclude']
        .some((k) => e.affectsConfiguration(k));
      if (rescan) inBackground(this.log, 'workspace PKI: rescan', this.rescan());
      else if (e.affectsConfiguration('certscope.diagnostics')) inBackground(this.log, 'workspace PKI: update', this.publish({}));
    }));
    this.subscriptions.push(this.onDidChange(() => this.publishKeyedCertFiles()));
  }

  /**
   * Context key for the Explorer menu "Test Connection with This Certificate": the certificate
   * files whose certificate has an unencrypted private key somewhere in the workspace.
   */
  private publishKeyedCertFiles(): void {
    const a = this.analysis();
    const files = new Set<string>();
    for (const c of a?.certs ?? []) {
      if (files.size >= MAX_CONTEXT_FILES) break;
      if (!c.cert.isCA && a!.pairing.keysForSpki(c.cert.publicKey.spkiSha256).some((k) => !k.key.encrypted)) files.add(c.loc.file);
    }
    void vscode.commands.executeCommand('setContext', 'certscope.certFilesWithKey', [...files]);
  }

  /** Starts indexing once; later calls return the same promise. */
  start(): Promise<void> {
    this.started ??= this.latestScan ?? this.rescan();
    return this.started;
  }

  /**
   * The current analysis, or undefined before the first scan finished. It is computed in slices
   * (publish) before listeners hear of a change, so this never stalls the host; after the hour
   * turns or a setting changed it answers with the previous analysis while the next one is made.
   */
  analysis(): WorkspaceAnalysis | undefined {
    if (!this.index) return undefined;
    const cfg = readConfig();
    const stale = !this.cached || this.cached.day !== hourNow() || this.cached.expiringDays !== cfg.diagnosticsExpiringDays;
    if (stale && !this.publishing) inBackground(this.log, 'workspace PKI: update', this.publish({}));
    return this.cached?.analysis;
  }

  private publishing?: Promise<void>;
  private publishSeq = 0;
  /** Changed files not yet announced (undefined: everything changed). */
  private unannounced: Set<string> | undefined = new Set();

  /** Computes the analysis of the current index in slices, then tells every listener. */
  private publish(change: PkiChange): Promise<void> {
    if (!change.changed) this.unannounced = undefined;
    else if (this.unannounced) for (const k of change.changed) this.unannounced.add(k);
    const seq = ++this.publishSeq;
    const run = (async () => {
      const index = this.index;
      if (!index) return;
      const cfg = readConfig();
      const day = hourNow();
      const analysis = await index.analysisSliced({ now: new Date(), expiringDays: cfg.diagnosticsExpiringDays });
      if (seq !== this.publishSeq || index !== this.index) return; // a newer change publishes
      this.cached = { analysis, day, expiringDays: cfg.diagnosticsExpiringDays };
      const changed = this.unannounced ? [...this.unannounced] : undefined;
      this.unannounced = new Set();
      this.changed.fire(changed ? { changed } : {});
    })();
    const tracked: Promise<void> = run.finally(() => { if (this.publishing === tracked) this.publishing = undefined; });
    this.publishing = tracked;
    return run;
  }

  /** The tree filter (CN, subject, SAN, serial, fingerprint or status), empty for none. */
  get filter(): string { return this.filterText; }

  setFilter(text: string): void {
    const next = text.trim().slice(0, 200);
    if (next === this.filterText) return;
    this.filterText = next;
    if (this.cached) this.cached.tree = undefined;
    // Only the tree changes: diagnostics and badges do not re-run for a filter.
    this.filterChanged.fire();
  }

  /** The tree if it is already built for the current analysis (sync, for getParent). */
  peekTree(): PkiTree | undefined {
    return this.analysis() && this.cached?.tree;
  }

  async tree(): Promise<PkiTree | undefined> {
    const a = this.analysis();
    if (!a || !this.cached) return undefined;
    if (!this.cached.tree) {
      const { PkiTree } = await import('../../core/workspace/tree');
      this.cached.tree = new PkiTree(a, (k) => this.fileLabel(k), { filter: this.filterText });
    }
    return this.cached.tree;
  }

  /**
   * The worker threads that read and decode (dist/decodeWorker.js, next to this bundle): the host's
   * main thread never runs a decoder on a workspace file, so a hostile file cannot freeze it.
   */
  private async decodePool(): Promise<DecodePool> {
    if (!this.pool) {
      const { DecodePool } = await import('../../core/workspace/decodePool');
      this.pool ??= new DecodePool({ script: join(__dirname, 'decodeWorker.js') });
      this.subscriptions.push({ dispose: () => this.pool?.dispose() });
    }
    return this.pool;
  }

  /** Decodes a document's text in a worker (large documents; small ones decode inline). */
  async decodeText(text: string, fileName: string): Promise<DecodedItem[]> {
    return (await this.decodePool()).decodeText(text, fileName);
  }

  /** Files abandoned by the decode workers (over the time budget, out of memory). */
  get abandoned(): number { return this.pool?.abandoned ?? 0; }

  /** Files read and decoded since the last full scan (proves that updates are incremental). */
  get loads(): number { return this.index?.loads ?? 0; }

  fileLabel(key: string): string {
    return vscode.workspace.asRelativePath(vscode.Uri.file(key), false);
  }

  /** Waits until pending watcher events are applied (tests and the refresh command use it). */
  async settle(): Promise<void> {
    await this.start();
    await this.latestScan;
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; await this.flush(); }
    // The analysis of the last change is computed in slices: wait until listeners have it.
    while (this.publishing) await this.publishing;
  }

  /**
   * The CRLs CA folders name (openssl.cnf crl / crl_dir, CRL-named files), also when the include
   * glob misses them (hashed crl_dir names): the revocation service then sees the same CRLs in the
   * tree as Verify and the CA view do.
   */
  private async caFolderCrls(): Promise<string[]> {
    const [{ caCrlFiles }, { matchesAny }] = await Promise.all([import('../../core/revocation/discovery'), import('../../core/workspace/glob')]);
    const indexes = await vscode.workspace.findFiles('**/index.txt', '{**/node_modules/**,**/.git/**}', 200);
    const dirs = new Set(indexes.filter((u) => u.scheme === 'file').map((u) => dirname(u.fsPath)));
    return [...dirs].flatMap((d) => caCrlFiles(d)).filter((f) => !matchesAny(vscode.workspace.asRelativePath(vscode.Uri.file(f), false), this.excludeGlobs));
  }

  /** Re-reads these files now, indexed or not (Verify right after a CRL was written, a CA's CRL outside the include glob). */
  async reload(keys: string[]): Promise<void> {
    await this.settle();
    const index = this.index;
    if (!index || keys.length === 0) return;
    // Unchanged files (same size and mtime) are not re-read, so a caller may reload on every refresh.
    const stale = await Promise.all(keys.map(async (k) => {
      const known = index.get(k);
      const st = await fs.stat(k).catch(() => undefined);
      return !known || !st || st.size !== known.size || st.mtimeMs !== known.mtimeMs ? k : undefined;
    }));
    const changed = stale.filter((k): k is string => k !== undefined && (index.get(k) !== undefined || existsSync(k)));
    if (changed.length) await index.refresh(changed);
    // The caller reads analysis() next: wait until the sliced analysis of this change is published.
    while (this.publishing) await this.publishing;
  }

  /** Full rescan: on start, and when include/exclude settings change. Resolves when the newest scan is done. */
  rescan(): Promise<void> {
    const p = this.scan(++this.generation);
    this.latestScan = p;
    return p;
  }

  private async scan(gen: number): Promise<void> {
    const t0 = Date.now();
    const cfg = readConfig();
    const [{ WorkspaceIndex }, pool] = await Promise.all([import('../../core/workspace/index'), this.decodePool()]);
    const maxBytes = cfg.inspectMaxFileSizeKB * 1024;
    const index = new WorkspaceIndex((key) => pool.loadFile(key, { maxBytes, timeoutMs: READ_TIMEOUT_MS }));
    this.excludeGlobs = excludeGlobs(cfg);
    this.watch(cfg);
    const uris = await this.findCandidates(cfg);
    const t1 = Date.now();
    await index.refresh([...uris.map((u) => u.fsPath), ...await this.caFolderCrls()]);
    if (gen !== this.generation) return this.latestScan; // a newer scan started meanwhile: wait for it
    this.index = index;
    index.onDidChange((keys) => inBackground(this.log, 'workspace PKI: update', this.publish({ changed: keys })));
    const t2 = Date.now();
    await this.publish({});
    this.lastScan = { files: index.size, findMs: t1 - t0, loadMs: t2 - t1, totalMs: Date.now() - t0, finishedAt: Date.now() };
    this.log.info(`workspace PKI: indexed ${index.size} files in ${this.lastScan.totalMs} ms (find ${this.lastScan.findMs} ms, read+decode ${this.lastScan.loadMs} ms, analysis ${Date.now() - t2} ms)`);
  }

  private async findCandidates(cfg: CertscopeConfig): Promise<vscode.Uri[]> {
    const out: vscode.Uri[] = [];
    // A string exclude replaces files.exclude in findFiles, so both are combined here; patterns
    // with braces cannot nest inside {...} and are filtered afterwards instead.
    const simple = this.excludeGlobs.filter((g) => !/[{}]/.test(g));
    const exclude = simple.length ? `{${simple.join(',')}}` : null;
    const { matchesAny } = await import('../../core/workspace/glob');
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const found = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, cfg.inspectInclude), exclude, MAX_FILES);
      if (found.length >= MAX_FILES) this.log.warn(`workspace PKI: ${folder.name} has more than ${MAX_FILES} candidate files; indexing the first ${MAX_FILES} (narrow certscope.inspect.include)`);
      // Sliced: matching 50,000 paths against the exclude globs takes most of a second.
      let slice = performance.now();
      for (const u of found) {
        if (!matchesAny(vscode.workspace.asRelativePath(u, false), this.excludeGlobs)) out.push(u);
        if (performance.now() - slice > 8) { await new Promise((r) => setImmediate(r)); slice = performance.now(); }
      }
    }
    return out;
  }

  private watch(cfg: CertscopeConfig): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, cfg.inspectInclude));
      this.watchers.push(w,
        w.onDidCreate((u) => this.queue(u, false)),
        w.onDidChange((u) => this.queue(u, false)),
        w.onDidDelete((u) => this.queue(u, true)));
    }
  }

  private queue(uri: vscode.Uri, deleted: boolean): void {
    if (uri.scheme !== 'file') return;
    void import('../../core/workspace/glob').then(({ matchesAny }) => {
      if (matchesAny(vscode.workspace.asRelativePath(uri, false), this.excludeGlobs)) return;
      const key = uri.fsPath;
      (deleted ? this.pendingDeleted : this.pendingChanged).add(key);
      (deleted ? this.pendingChanged : this.pendingDeleted).delete(key);
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => { this.timer = undefined; inBackground(this.log, 'workspace PKI: indexing changed files', this.flush()); }, DEBOUNCE_MS);
    });
  }

  private async flush(): Promise<void> {
    // Events that arrive during a full scan are applied to its result, not to the index it replaces.
    await this.latestScan;
    const index = this.index;
    if (!index) return;
    const deleted = [...this.pendingDeleted];
    const pending = [...this.pendingChanged];
    this.pendingDeleted.clear();
    this.pendingChanged.clear();
    if (deleted.length) index.remove(deleted);
    // Skip files whose size and mtime match what is indexed (e.g. created just before a scan read them).
    const changed = (await Promise.all(pending.map(async (k) => {
      const known = index.get(k);
      if (!known) return k;
      const st = await fs.stat(k).catch(() => undefined);
      return st && st.size === known.size && st.mtimeMs === known.mtimeMs ? undefined : k;
    }))).filter((k): k is string => k !== undefined);
    if (changed.length) await index.refresh(changed);
    this.log.debug(`workspace PKI: ${changed.length} changed (${pending.length - changed.length} already current), ${deleted.length} deleted`);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of [...this.watchers, ...this.subscriptions]) d.dispose();
  }
}

/** Statuses ("expires in N days") are re-evaluated when the hour turns. */
function hourNow(): number {
  return Math.floor(Date.now() / 3_600_000);
}

function excludeGlobs(cfg: CertscopeConfig): string[] {
  const filesExclude = vscode.workspace.getConfiguration('files').get<Record<string, unknown>>('exclude') ?? {};
  return [...cfg.inspectExclude, ...Object.entries(filesExclude).filter(([, v]) => v === true).map(([k]) => k)];
}
