// Timing helpers shared by the benchmarks: medians of repeated runs after one warm-up.

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median wall time of `rounds` runs of `fn`, after one warm-up run (JIT) that is not counted. */
export function timeMs(fn: () => void, rounds: number): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return median(times);
}
