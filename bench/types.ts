/** One line of the benchmark table: a measurement and, where there is one, the peer it is compared with. */
export interface BenchRow {
  group: string;
  name: string;
  value: number;
  unit: string;
  /** The peer's value measured in the same run, and how the ratio reads. */
  peer?: { name: string; value: number };
  /** "lower" when smaller is better (times), "higher" for rates. */
  better: 'lower' | 'higher';
  /** Target ratio (ours / peer), e.g. 3 for "within 3x", 1 for "no slower". */
  target?: number;
  note?: string;
}

export interface Bench {
  name: string;
  run(): Promise<BenchRow[]>;
}
