// Messages between the decode pool (host side) and its worker threads.
import type { DecodedItem } from '../model';
import type { IndexedFile } from './types';

export type WorkerJob =
  | { id: number; kind: 'file'; path: string; maxBytes: number; timeoutMs: number }
  | { id: number; kind: 'text'; text: string; fileName: string };

/**
 * The worker posts `{ ready: true }` once its modules are loaded; then per job zero or more parts
 * (items of a large result, sent ahead so that no single message takes long to deserialize in the
 * host) and one JobResult, whose items follow the parts.
 */
export type WorkerMessage = { ready: true } | { id: number; part: DecodedItem[] } | JobResult;

/** Items per message: a 4 MB bundle of 3,700 certificates arrives in slices the host can take. */
export const ITEMS_PER_MESSAGE = 200;

export type JobResult =
  | { id: number; ok: true; value: IndexedFile | undefined | DecodedItem[] }
  | { id: number; ok: false; error: string };
