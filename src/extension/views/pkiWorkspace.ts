// The workspace PKI index as a VS Code service: finds candidate files (include/exclude settings
// plus files.exclude), watches them, and feeds changes to the core index debounced and
// incrementally (a changed file is re-read alone). Tree, diagnostics, decorations, hover and
// CodeLens all read the same analysis. Heavy modules (decoders) load on first scan, not at activation.
//
// The file watcher is not trusted to see everything. VS Code reports a folder created, moved in or
// deleted as one event for the folder; on Linux its watcher (parcel, inotify) misses files written
// into a folder created a moment before, before it watches the folder (parcel-bundler/watcher#97,
// #243); a burst can overflow the kernel's event queue. So a created folder is searched, and after
// new folders or a burst that scope is searched again until a search finds nothing the events missed.
import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { DecodedItem } from '../../core/model';
import type { WorkspaceAnalysis } from '../../core/workspace/analysis';
import type { DecodePool } from '../../core/workspace/decodePool';
import type { WorkspaceIndex } from '../../core/workspace/index';
import type { PkiNode, PkiTree } from '../../core/workspace/tree';
import { readConfig, type CertscopeConfig } from '../config';
import { inBackground, type Log } from '../log';
import { WorkspaceWatch } from './workspaceWatch';

/** Candidate files per workspace folder; beyond this the scan says the workspace is truncated. */
const MAX_FILES = 200_000;
const READ_TIMEOUT_MS = 10_000;
/** Files listed in the certscope.certFilesWithKey context key (a menu condition, kept small). */
const MAX_CONTEXT_FILES = 5_000;
/** A batch with this many events may have lost some (kernel queue overflow): search again after it. */
const BURST_EVENTS = 500;
/** Created paths stat'ed per batch to find folders; beyond this the whole workspace is searched instead. */
const MAX_CREATED_STATS = 2_000;
/** Delays of the searches after new folders or a burst; they stop at the first that finds nothing new. */
const RECHECK_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000, 30_000];

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
  private readonly watch = new WorkspaceWatch(() => inBackground(this.log, 'workspace PKI: indexing changed files', this.flush()));
  private recheck?: { timer: NodeJS.Timeout; scope: Set<string> | undefined };
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
    this.subscriptions.push(this.watch);
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
    if (this.watch.pending) await this.flush();
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
    const changed = await staleKeys(index, keys);
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
    const { matchesAny, matchesGlob } = await import('../../core/workspace/glob');
    this.watch.start(cfg.inspectInclude, { include: (rel) => matchesGlob(rel, cfg.inspectInclude), excluded: (rel) => matchesAny(rel, this.excludeGlobs) });
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

  /** Candidate files in the workspace folders, or only below `dirs` (absolute folder paths). */
  private async findCandidates(cfg: CertscopeConfig, dirs?: string[]): Promise<vscode.Uri[]> {
    const out: vscode.Uri[] = [];
    // A string exclude replaces files.exclude in findFiles, so both are combined here; patterns
    // with braces cannot nest inside {...} and are filtered afterwards instead.
    const simple = this.excludeGlobs.filter((g) => !/[{}]/.test(g));
    const exclude = simple.length ? `{${simple.join(',')}}` : null;
    const { matchesAny } = await import('../../core/workspace/glob');
    const bases = dirs ? dirs.map((d) => vscode.Uri.file(d)) : (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri);
    for (const base of bases) {
      const found = await vscode.workspace.findFiles(new vscode.RelativePattern(base, cfg.inspectInclude), exclude, MAX_FILES);
      if (found.length >= MAX_FILES) this.log.warn(`workspace PKI: ${vscode.workspace.asRelativePath(base)} has more than ${MAX_FILES} candidate files; indexing the first ${MAX_FILES} (narrow certscope.inspect.include)`);
      // Sliced: matching 50,000 paths against the exclude globs takes most of a second.
      let slice = performance.now();
      for (const u of found) {
        if (!matchesAny(vscode.workspace.asRelativePath(u, false), this.excludeGlobs)) out.push(u);
        if (performance.now() - slice > 8) { await new Promise((r) => setImmediate(r)); slice = performance.now(); }
      }
    }
    return out;
  }

  private async flush(): Promise<void> {
    // Events that arrive during a full scan are applied to its result, not to the index it replaces.
    await this.latestScan;
    const index = this.index;
    const batch = this.watch.take();
    if (!index || !batch) return;
    const { keysUnder, outermost } = await import('../../core/workspace/folders');
    // A deleted or moved-away folder is one event: its indexed files go with it.
    const gone = [...batch.deleted, ...keysUnder(index.keys(), batch.removed)];
    if (gone.length) index.remove(gone);
    // A created or moved-in folder is one event too: its files are found by a search.
    const folders = batch.created.length > MAX_CREATED_STATS ? undefined : outermost(await existingFolders(batch.created));
    const found = folders?.length ? (await this.findCandidates(readConfig(), folders)).map((u) => u.fsPath) : [];
    // Skip files whose size and mtime match what is indexed (e.g. created just before a scan read them).
    const changed = await staleKeys(index, [...batch.changed, ...found]);
    if (changed.length) await index.refresh(changed);
    this.log.debug(`workspace PKI: ${changed.length} changed (${batch.changed.length + found.length - changed.length} already current), ${gone.length} deleted, ${folders?.length ?? 'many'} new folder(s)`);
    // Files in new folders may be written after this search, where no event reports them; a burst may have lost events.
    if (!folders || batch.events >= BURST_EVENTS) this.scheduleRecheck(undefined);
    else if (folders.length) this.scheduleRecheck(folders);
  }

  /** Searches `scope` (folders; undefined: the workspace) again after a delay, until a search finds nothing. */
  private scheduleRecheck(scope: string[] | undefined): void {
    const prev = this.recheck;
    if (prev) clearTimeout(prev.timer);
    // Scopes merge; "everything" absorbs the rest. A new reason starts the delays again.
    const merged = !scope || (prev && !prev.scope) ? undefined : new Set([...(prev?.scope ?? []), ...scope]);
    this.runRecheck(merged, 0);
  }

  private runRecheck(scope: Set<string> | undefined, round: number): void {
    const timer = setTimeout(() => {
      inBackground(this.log, 'workspace PKI: check for missed files', (async () => {
        const found = await this.reconcile(scope && [...scope]);
        if (this.recheck?.timer !== timer) return; // a newer reason restarted the checks
        this.recheck = undefined;
        if (found > 0 && round + 1 < RECHECK_DELAYS_MS.length) this.runRecheck(scope, round + 1);
      })());
    }, RECHECK_DELAYS_MS[round]);
    timer.unref?.();
    this.recheck = { timer, scope };
  }

  /**
   * Brings the index in line with the disk below `dirs` (undefined: the whole workspace): new files
   * the search finds, and indexed files changed or gone. Returns how many files the events had missed.
   */
  private async reconcile(dirs?: string[]): Promise<number> {
    await this.latestScan;
    const index = this.index;
    if (!index) return 0;
    const { keysUnder } = await import('../../core/workspace/folders');
    const found = (await this.findCandidates(readConfig(), dirs)).map((u) => u.fsPath);
    const known = dirs ? keysUnder(index.keys(), dirs) : index.keys();
    // A watcher batch may be waiting with the same files: apply it first, so they are not counted as missed.
    if (this.watch.pending) await this.flush();
    const stale = await staleKeys(index, [...found.filter((k) => !index.get(k)), ...known]);
    if (stale.length === 0 || this.index !== index) return 0;
    this.log.info(`workspace PKI: a search${dirs ? ` of ${dirs.length} new folder(s)` : ''} found ${stale.length} changed file(s) no file event had reported (yet)`);
    await index.refresh(stale);
    return stale.length;
  }

  dispose(): void {
    if (this.recheck) clearTimeout(this.recheck.timer);
    for (const d of this.subscriptions) d.dispose();
  }
}

/** The keys whose file is new to the index, changed (size or mtime) or gone; gone files the index never had are left out. */
async function staleKeys(index: WorkspaceIndex, keys: string[]): Promise<string[]> {
  const stale = await Promise.all([...new Set(keys)].map(async (k) => {
    const known = index.get(k);
    const st = await fs.stat(k).catch(() => undefined);
    if (!st) return known ? k : undefined;
    return !known || st.size !== known.size || st.mtimeMs !== known.mtimeMs ? k : undefined;
  }));
  return stale.filter((k): k is string => k !== undefined);
}

/** The created paths that are folders (stat'ed; a path gone again is not one). */
async function existingFolders(paths: string[]): Promise<string[]> {
  const dirs = await Promise.all(paths.map(async (p) => ((await fs.stat(p).catch(() => undefined))?.isDirectory() ? p : undefined)));
  return dirs.filter((d): d is string => d !== undefined);
}

/** Statuses ("expires in N days") are re-evaluated when the hour turns. */
function hourNow(): number {
  return Math.floor(Date.now() / 3_600_000);
}

function excludeGlobs(cfg: CertscopeConfig): string[] {
  const filesExclude = vscode.workspace.getConfiguration('files').get<Record<string, unknown>>('exclude') ?? {};
  return [...cfg.inspectExclude, ...Object.entries(filesExclude).filter(([, v]) => v === true).map(([k]) => k)];
}
