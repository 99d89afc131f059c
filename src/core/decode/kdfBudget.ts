// One key-derivation work budget per file. Password-based encryption lets the file choose its own
// iteration count, so a crafted .p12 (or a `BEGIN PKCS12` block in a YAML file) could ask for
// billions of hash iterations and freeze whoever opens it, even with no password given (the empty
// password is tried). Every KDF run is charged here first; a file that asks for more than the
// budget, over all its MACs, bags and keys together, is refused with "iteration count too high".
import { DecodeFailure } from './errors';

/**
 * Work units one file may spend on key derivation (PKCS#12 MAC and PBE, PBES2, encrypted PKCS#8):
 * one unit is one native PBKDF2 iteration per output block (~0.2-0.6 us here), so the budget is
 * well under a second. Real files spend far less: OpenSSL writes 2,048 iterations per MAC and bag,
 * Java 10,000, .NET and Windows 2,000; an OpenSSL-style .p12 fits up to about -iter 160,000.
 */
export const DEFAULT_KDF_BUDGET = 1_000_000;

/**
 * Units per PKCS#12-KDF iteration: that KDF is an iterated hash Node has no native call for, so it
 * runs in JavaScript, measured 3-7x slower per iteration than native PBKDF2 (bench/hostile-input).
 */
export const PKCS12_KDF_WEIGHT = 4;

/** The file asked for more key-derivation work than its budget: nothing was derived. */
export class KdfBudgetExceeded extends DecodeFailure {}

export class KdfBudget {
  /** Work units charged so far (only charges that were granted). */
  spent = 0;

  constructor(readonly limit: number = DEFAULT_KDF_BUDGET) {}

  /**
   * Charges `iterations` x `units` (per iteration: output blocks x weight) for `what` (e.g. "the
   * PKCS#12 MAC") before the KDF runs; throws KdfBudgetExceeded without charging when that does
   * not fit in what is left.
   */
  spend(what: string, iterations: number, units = 1): void {
    if (!Number.isSafeInteger(iterations) || iterations < 1) throw new DecodeFailure(`${what}: invalid iteration count ${iterations}`);
    const cost = iterations * Math.max(1, units);
    if (this.spent + cost > this.limit) {
      const used = this.spent > 0 ? `, ${fmt(this.spent)} already used by this file` : '';
      throw new KdfBudgetExceeded(`iteration count too high: ${what} asks for ${fmt(iterations)} iterations (${fmt(cost)} units), over the key-derivation budget of ${fmt(this.limit)} units per file${used}; not decrypted`);
    }
    this.spent += cost;
  }
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
