// Long in-memory computations (analysing 50,000 certificates) written as generators that yield
// now and then, so the extension host can run them in slices between other work (hovers, other
// extensions) while the CLI and tests run them straight through.
export type Steps<T> = Generator<void, T, void>;

/** Runs the steps to the end in one go. */
export function runSync<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Runs the steps, giving the thread back to the event loop whenever a slice took `sliceMs`. */
export async function runSliced<T>(steps: Steps<T>, sliceMs = 8): Promise<T> {
  let start = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - start > sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      start = performance.now();
    }
  }
}

/** Yield every this many loop iterations (cheap enough to check, small enough to slice finely). */
export const EVERY = 512;

/** Stable merge sort that yields between chunks (Array.prototype.sort of 50,000 names cannot be sliced). */
export function* sortSteps<T>(items: T[], compare: (a: T, b: T) => number): Steps<T[]> {
  const CHUNK = 1024;
  let runs: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) {
    runs.push(items.slice(i, i + CHUNK).sort(compare));
    yield;
  }
  while (runs.length > 1) {
    const next: T[][] = [];
    for (let r = 0; r < runs.length; r += 2) {
      const a = runs[r];
      const b = runs[r + 1];
      if (!b) { next.push(a); continue; }
      const out: T[] = new Array(a.length + b.length);
      let i = 0; let j = 0; let k = 0;
      while (i < a.length && j < b.length) {
        out[k++] = compare(b[j], a[i]) < 0 ? b[j++] : a[i++];
        if ((k & (EVERY - 1)) === 0) yield;
      }
      while (i < a.length) out[k++] = a[i++];
      while (j < b.length) out[k++] = b[j++];
      next.push(out);
    }
    runs = next;
  }
  return runs[0] ?? [];
}
