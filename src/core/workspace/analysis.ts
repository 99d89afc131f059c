// One consistent view over all indexed files: chains, key pairing and CRL coverage. Building it is
// pure in-memory work (no I/O, no decoding), so after one file changes the index re-decodes only
// that file and recomputes this in a few milliseconds even for thousands of files.
import type { CertificateModel } from '../model';
import { buildChainsSteps, type ChainForest } from './chains';
import { collectSteps, type Collected } from './collect';
import { pairKeysSteps, type KeyPairing } from './pairing';
import { runSliced, runSync, type Steps } from './slices';
import { certStatus, type CertStatus } from '../revocation/certStatus';
import { RevocationService } from '../revocation/status';
import type { IndexedFile } from './types';

export interface AnalysisOptions {
  now: Date;
  /** Certificates with fewer days left are "expiring soon". */
  expiringDays: number;
}

export interface WorkspaceAnalysis extends Collected {
  options: AnalysisOptions;
  files: ReadonlyMap<string, IndexedFile>;
  forest: ChainForest;
  /** The one revocation answer (CRLs and OCSP responses of the workspace) every surface shows. */
  revocation: RevocationService;
  pairing: KeyPairing;
  status(cert: CertificateModel): CertStatus;
}

export function analyze(files: Iterable<IndexedFile>, options: AnalysisOptions): WorkspaceAnalysis {
  return runSync(analyzeSteps(files, options));
}

/** The same analysis computed in slices: the extension host stays responsive for 50,000 files. */
export function analyzeSliced(files: Iterable<IndexedFile>, options: AnalysisOptions, sliceMs?: number): Promise<WorkspaceAnalysis> {
  return runSliced(analyzeSteps(files, options), sliceMs);
}

function* analyzeSteps(files: Iterable<IndexedFile>, options: AnalysisOptions): Steps<WorkspaceAnalysis> {
  const byKey = new Map<string, IndexedFile>();
  for (const f of files) byKey.set(f.key, f);
  yield;
  const collected = yield* collectSteps(byKey.values());
  const revocation = new RevocationService(collected, options.now);
  const cache = new Map<string, CertStatus>();
  const forest = yield* buildChainsSteps(collected.certs, (file) => byKey.get(file)?.items.length ?? 1);
  const pairing = yield* pairKeysSteps(collected.certs, collected.keys);
  return {
    ...collected,
    options,
    files: byKey,
    forest,
    revocation,
    pairing,
    status(cert) {
      let s = cache.get(cert.fingerprints.sha256);
      if (!s) {
        s = certStatus(cert, options.now, options.expiringDays, revocation);
        cache.set(cert.fingerprints.sha256, s);
      }
      return s;
    },
  };
}
