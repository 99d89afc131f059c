// Messages between the decode pool (host side) and its worker threads.
import type { DecodedItem } from '../model';
import type { IndexedFile } from './types';

export type WorkerJob =
  | { id: number; kind: 'file'; path: string; maxBytes: number; timeoutMs: number }
  | { id: number; kind: 'text'; text: string; fileName: string };

/** The worker posts `{ ready: true }` once its modules are loaded; then one JobResult per job. */
export type WorkerMessage = { ready: true } | JobResult;

export type JobResult =
  | { id: number; ok: true; value: IndexedFile | undefined | DecodedItem[] }
  | { id: number; ok: false; error: string };
