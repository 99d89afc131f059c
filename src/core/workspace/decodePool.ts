// Decodes workspace files and large documents in worker threads, so a hostile or huge file never
// blocks the thread that runs hovers, the tree and other extensions. Bounded concurrency (a few
// workers, a few jobs queued on each), a per-job time budget (a worker that overruns it is
// terminated and replaced; the job becomes an error item), a heap cap per worker, and idle workers
// exit so the pool holds no memory between scans.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DecodedItem } from '../model';
import type { JobResult, WorkerJob, WorkerMessage } from './decodeProtocol';
import type { IndexedFile } from './types';
import { formatDuration } from '../duration';

export interface DecodePoolOptions {
  /** Path of the bundled worker entry (dist/decodeWorker.js). */
  script: string;
  /** Worker threads (default: one per core, at most 4; the host's own thread mostly waits meanwhile). */
  size?: number;
  /** A job that runs longer is abandoned: its worker is terminated, the job reports an error. */
  budgetMs?: number;
  /** Jobs handed to one worker at a time (hides the message round trip). */
  inFlight?: number;
  /** Heap cap per worker; a file that needs more becomes an error item, not a host crash. */
  maxHeapMb?: number;
  /** Idle workers exit after this long. */
  idleMs?: number;
}

type Job = { kind: 'file'; path: string; maxBytes: number; timeoutMs: number } | { kind: 'text'; text: string; fileName: string };

interface Pending {
  job: WorkerJob;
  /** Items received ahead of the result (large results come in parts). */
  parts?: DecodedItem[][];
  resolve(value: unknown): void;
  /** The answer when the job fails in the worker (over budget, out of memory, crashed). */
  failed(message: string): unknown;
}

interface Slot {
  worker: Worker;
  inflight: Pending[];
  /** Modules loaded: the budget clock runs only from here (start-up is not the file's fault). */
  ready: boolean;
  /** The head job has run longer than SLOW_MS: the jobs behind it moved to other workers. */
  stuck: boolean;
  timer?: NodeJS.Timeout;
  slowTimer?: NodeJS.Timeout;
  idle?: NodeJS.Timeout;
}

const DEFAULT_BUDGET_MS = 10_000;

/** A result whose items came ahead in parts gets them back, in order. */
function withParts(value: IndexedFile | undefined | DecodedItem[], parts?: DecodedItem[][]): unknown {
  if (!parts || !value) return value;
  const items = parts.flat();
  return Array.isArray(value) ? items : { ...value, items };
}
/** A job running longer than this is slow: files queued behind it go to another worker. */
const SLOW_MS = 250;
/** Extra workers allowed while others are stuck on slow files (each dies at the budget at the latest). */
const MAX_STUCK = 2;

export class DecodePool {
  private readonly queue: Pending[] = [];
  private readonly slots = new Set<Slot>();
  private nextId = 1;
  private disposed = false;
  private readonly size: number;
  private readonly budgetMs: number;
  private readonly inFlight: number;
  /** Jobs abandoned because they overran the budget or crashed their worker (tests and logs read it). */
  abandoned = 0;

  constructor(private readonly opts: DecodePoolOptions) {
    this.size = opts.size ?? Math.max(1, Math.min(4, availableParallelism()));
    this.budgetMs = opts.budgetMs ?? DEFAULT_BUDGET_MS;
    this.inFlight = opts.inFlight ?? 4;
  }

  /** Reads and decodes one file (same contract as loader.loadFile). */
  loadFile(path: string, o: { maxBytes: number; timeoutMs: number }): Promise<IndexedFile | undefined> {
    return this.submit({ kind: 'file', path, maxBytes: o.maxBytes, timeoutMs: o.timeoutMs }, (message) => ({
      key: path, size: 0, mtimeMs: 0, items: [], error: message,
    })) as Promise<IndexedFile | undefined>;
  }

  /** Decodes every PEM block of a text (same contract as decode.decodeText). */
  decodeText(text: string, fileName: string): Promise<DecodedItem[]> {
    return this.submit({ kind: 'text', text, fileName }, (message) => [{
      range: { block: 0, startLine: 0, endLine: 0, startOffset: 0, endOffset: text.length },
      label: 'TEXT', result: { kind: 'error', label: 'TEXT', message },
    }]) as Promise<DecodedItem[]>;
  }

  get workers(): number { return this.slots.size; }

  dispose(): void {
    this.disposed = true;
    for (const s of [...this.slots]) this.retire(s);
    for (const p of this.queue.splice(0)) p.resolve(p.failed('Decoding was cancelled (the extension is shutting down).'));
  }

  private submit(job: Job, failed: (message: string) => unknown): Promise<unknown> {
    if (this.disposed) return Promise.resolve(failed('Decoding was cancelled (the extension is shutting down).'));
    return new Promise((resolve) => {
      // Documents (hover, CodeLens) go before workspace files: a user is waiting for them.
      const p: Pending = { job: { ...job, id: this.nextId++ } as WorkerJob, resolve, failed };
      if (job.kind === 'text') this.queue.unshift(p); else this.queue.push(p);
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const live = [...this.slots].filter((s) => !s.stuck);
      const stuck = this.slots.size - live.length;
      let slot = live.sort((a, b) => a.inflight.length - b.inflight.length)[0];
      if ((!slot || slot.inflight.length > 0) && live.length < this.size && stuck <= MAX_STUCK) slot = this.spawn();
      if (!slot || slot.inflight.length >= this.inFlight) return;
      const p = this.queue.shift()!;
      if (slot.idle) { clearTimeout(slot.idle); slot.idle = undefined; slot.worker.ref(); }
      slot.inflight.push(p);
      slot.worker.postMessage(p.job);
      if (slot.inflight.length === 1) this.arm(slot);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(this.opts.script, {
      resourceLimits: { maxOldGenerationSizeMb: this.opts.maxHeapMb ?? 512 },
      stdout: false, stderr: false,
    });
    const slot: Slot = { worker, inflight: [], ready: false, stuck: false };
    this.slots.add(slot);
    worker.on('message', (m: WorkerMessage) => {
      if ('ready' in m) { slot.ready = true; if (slot.inflight.length > 0) this.arm(slot); }
      else if ('part' in m) { const p = slot.inflight.find((x) => x.job.id === m.id); if (p) (p.parts ??= []).push(m.part); }
      else this.answer(slot, m);
    });
    worker.on('error', (e: Error & { code?: string }) => {
      const oom = e.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.fail(slot, oom ? `Decoding needed more than ${this.opts.maxHeapMb ?? 512} MB of memory; the file was skipped.` : `The decoder failed: ${e.message}`);
    });
    worker.on('exit', () => {
      if (this.slots.has(slot)) this.fail(slot, 'The decoder stopped unexpectedly; the file was skipped.');
    });
    return slot;
  }

  private answer(slot: Slot, r: JobResult): void {
    const i = slot.inflight.findIndex((p) => p.job.id === r.id);
    if (i < 0) return;
    const [p] = slot.inflight.splice(i, 1);
    p.resolve(r.ok ? withParts(r.value, p.parts) : p.failed(`Could not decode: ${r.error}`));
    if (slot.timer) clearTimeout(slot.timer);
    if (slot.slowTimer) clearTimeout(slot.slowTimer);
    slot.timer = slot.slowTimer = undefined;
    slot.stuck = false;
    if (slot.inflight.length > 0) this.arm(slot);
    else if (!this.disposed) {
      slot.worker.unref();
      slot.idle = setTimeout(() => this.retire(slot), this.opts.idleMs ?? 30_000);
      slot.idle.unref?.();
    }
    this.pump();
  }

  /** The budget clock of the job at the head of a worker's line (jobs run in order). */
  private arm(slot: Slot): void {
    if (!slot.ready) return;
    if (slot.timer) clearTimeout(slot.timer);
    if (slot.slowTimer) clearTimeout(slot.slowTimer);
    // Jobs already posted behind a slow one are handed to another worker; if the slow worker
    // answers them later anyway, answer() ignores the duplicates.
    slot.slowTimer = setTimeout(() => {
      if (slot.inflight.length === 0) return;
      slot.stuck = true;
      this.queue.unshift(...slot.inflight.splice(1));
      this.pump();
    }, SLOW_MS);
    slot.slowTimer.unref?.();
    slot.timer = setTimeout(() => {
      this.fail(slot, `Decoding took longer than ${formatDuration(this.budgetMs)}; the file was skipped (hostile or unusually complex content).`);
    }, this.budgetMs);
    slot.timer.unref?.();
  }

  /** The head job fails with `message`; the worker is replaced and the jobs queued behind it go back to the queue. */
  private fail(slot: Slot, message: string): void {
    if (!this.slots.has(slot)) return;
    const [head, ...rest] = slot.inflight;
    for (const p of rest) p.parts = undefined;
    slot.inflight = [];
    this.retire(slot);
    if (head) { this.abandoned++; head.resolve(head.failed(message)); }
    this.queue.unshift(...rest);
    if (!this.disposed) this.pump();
  }

  private retire(slot: Slot): void {
    this.slots.delete(slot);
    if (slot.timer) clearTimeout(slot.timer);
    if (slot.slowTimer) clearTimeout(slot.slowTimer);
    if (slot.idle) clearTimeout(slot.idle);
    for (const p of slot.inflight.splice(0)) { p.parts = undefined; this.queue.unshift(p); }
    void slot.worker.terminate();
  }
}
