// Worker-thread entry (bundled to dist/decodeWorker.js): reads and decodes workspace files off the
// extension host's main thread, one job at a time in arrival order (the pool relies on that order
// to know which file is being worked on when a job overruns its budget).
import { parentPort } from 'node:worker_threads';
import { decodeFileWithEmbedded, decodeTextWithEmbedded } from './embedded';
import { loadFile } from './loader';
import type { JobResult, WorkerJob, WorkerMessage } from './decodeProtocol';

const port = parentPort;
if (!port) throw new Error('decodeWorker must run in a worker thread');

async function run(job: WorkerJob): Promise<JobResult> {
  try {
    if (job.kind === 'file') {
      const file = await loadFile(job.path, {
        decode: (bytes, fileName) => decodeFileWithEmbedded(bytes, { fileName }), maxBytes: job.maxBytes, timeoutMs: job.timeoutMs,
      });
      return { id: job.id, ok: true, value: compact(file) };
    }
    return { id: job.id, ok: true, value: compact(decodeTextWithEmbedded(job.text, { fileName: job.fileName })) };
  } catch (e) {
    return { id: job.id, ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Structured clone copies a typed array's whole backing buffer: a DER view into an 8 KB Buffer
 * pool slab would cost 8 KB per certificate in the host. Copy such views to exact-size arrays.
 */
function compact<T>(value: T, depth = 0): T {
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array) {
    const v = value as Uint8Array;
    return (v.byteOffset === 0 && v.byteLength === v.buffer.byteLength && v.constructor === Uint8Array ? v : new Uint8Array(v)) as T;
  }
  if (value instanceof Date) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = compact(value[i], depth + 1);
    return value;
  }
  const rec = value as Record<string, unknown>;
  for (const k of Object.keys(rec)) rec[k] = compact(rec[k], depth + 1);
  return value;
}

// Jobs run strictly one after another: the chain keeps arrival order even though loadFile awaits.
let chain: Promise<void> = Promise.resolve();
port.on('message', (job: WorkerJob) => {
  chain = chain.then(async () => port.postMessage(await run(job) satisfies WorkerMessage));
});
// Loading the decoders takes a while on a busy machine: the pool starts budget clocks only now.
port.postMessage({ ready: true } satisfies WorkerMessage);
