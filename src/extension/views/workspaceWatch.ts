// File events for the workspace PKI, collected into debounced batches. Two watchers per workspace
// folder: the include glob (certificate files) and every path (folders). The second exists because
// VS Code reports a folder that is deleted, created or moved as one event for the folder and none
// for the files inside it (microsoft/vscode#90746), so the include glob alone never hears of them.
import * as vscode from 'vscode';

const DEBOUNCE_MS = 300;

interface WatchBatch {
  /** Files matching the include glob, created or changed. */
  changed: string[];
  /** Files matching the include glob, deleted. */
  deleted: string[];
  /** Other paths created: possibly folders whose files no event announced. */
  created: string[];
  /** Other paths deleted: possibly folders whose indexed files are gone. */
  removed: string[];
  /** Events in the batch (a burst hints that the OS watcher may have dropped some). */
  events: number;
}

/** Tests on workspace-relative paths (the glob module loads with the engine, not at activation). */
interface WatchGlobs { include: (rel: string) => boolean; excluded: (rel: string) => boolean }

export class WorkspaceWatch implements vscode.Disposable {
  private watchers: vscode.Disposable[] = [];
  private readonly files = new Map<string, boolean>();
  private readonly paths = new Map<string, boolean>();
  private events = 0;
  private timer?: NodeJS.Timeout;
  private globs: WatchGlobs = { include: () => false, excluded: () => true };

  /** `ready` is called when a batch is due (the debounce elapsed). */
  constructor(private readonly ready: () => void) {}

  /** (Re)creates the watchers for the include glob; `globs` tests paths against it and the excludes. */
  start(include: string, globs: WatchGlobs): void {
    this.globs = globs;
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const files = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, include));
      // Folder events only: changes of other files do not matter (no change events asked for).
      const all = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**'), false, true, false);
      this.watchers.push(files, all,
        files.onDidCreate((u) => this.queue(u, this.files, true)),
        files.onDidChange((u) => this.queue(u, this.files, true)),
        files.onDidDelete((u) => this.queue(u, this.files, false)),
        all.onDidCreate((u) => this.queueOther(u, true)),
        all.onDidDelete((u) => this.queueOther(u, false)));
    }
  }

  /** True while events wait for their batch. */
  get pending(): boolean { return this.timer !== undefined; }

  /** The events since the last batch, or undefined if there were none. */
  take(): WatchBatch | undefined {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    if (this.events === 0) return undefined;
    const pick = (m: Map<string, boolean>, present: boolean): string[] => [...m].filter(([, p]) => p === present).map(([k]) => k);
    const batch: WatchBatch = {
      changed: pick(this.files, true), deleted: pick(this.files, false),
      created: pick(this.paths, true), removed: pick(this.paths, false), events: this.events,
    };
    this.files.clear();
    this.paths.clear();
    this.events = 0;
    return batch;
  }

  private queueOther(uri: vscode.Uri, present: boolean): void {
    if (uri.scheme !== 'file') return;
    const rel = vscode.workspace.asRelativePath(uri, false);
    // Paths the include glob matches are the other watcher's; an excluded folder ("**/node_modules/**") is skipped whole.
    if (!this.globs.include(rel) && !this.globs.excluded(`${rel}/-`)) this.queue(uri, this.paths, present);
  }

  /** The last event for a path wins (created then deleted is deleted). */
  private queue(uri: vscode.Uri, into: Map<string, boolean>, present: boolean): void {
    if (uri.scheme !== 'file' || this.globs.excluded(vscode.workspace.asRelativePath(uri, false))) return;
    into.set(uri.fsPath, present);
    this.events++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = undefined; this.ready(); }, DEBOUNCE_MS);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const w of this.watchers) w.dispose();
  }
}
