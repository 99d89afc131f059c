// One key-derivation work budget per file. Password-based encryption lets the file choose its own
// iteration count, so a crafted .p12 (or a `BEGIN PKCS12` block in a YAML file) could ask for
// billions of hash iterations and freeze whoever opens it, even with no password given (the empty
// password is tried). Every KDF run is charged here first; a file that asks for more than the
// budget, over all its MACs, bags and keys together, is refused with "iteration count too high".
import { DecodeFailure } from './errors';

/**
 * Hash iterations one file may spend on key derivation (PKCS#12 MAC and PBE, PBES2, encrypted
 * PKCS#8), about a second of work. Real files spend far less: OpenSSL writes 2,048 iterations per
 * MAC/bag, Java and .NET 2,000-10,000; a .p12 with 600,000-iteration PBKDF2 (OWASP's figure) and a
 * MAC at the same count still fits.
 */
export const DEFAULT_KDF_BUDGET = 2_000_000;

/** The file asked for more key-derivation work than its budget: nothing was derived. */
export class KdfBudgetExceeded extends DecodeFailure {}

export class KdfBudget {
  /** Hash iterations charged so far (only charges that were granted). */
  spent = 0;

  constructor(readonly limit: number = DEFAULT_KDF_BUDGET) {}

  /**
   * Charges `iterations` x `blocks` hash iterations for `what` (e.g. "PKCS#12 MAC") before the KDF
   * runs; throws KdfBudgetExceeded without charging when they do not fit in what is left.
   */
  spend(what: string, iterations: number, blocks = 1): void {
    if (!Number.isSafeInteger(iterations) || iterations < 1) throw new DecodeFailure(`${what}: invalid iteration count ${iterations}`);
    const cost = iterations * Math.max(1, blocks);
    if (this.spent + cost > this.limit) {
      const used = this.spent > 0 ? `, ${fmt(this.spent)} already used by this file` : '';
      throw new KdfBudgetExceeded(`iteration count too high: ${what} asks for ${fmt(iterations)} iterations, over the key-derivation budget of ${fmt(this.limit)} per file${used}; not decrypted`);
    }
    this.spent += cost;
  }
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
