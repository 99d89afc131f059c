// One consistent view over all indexed files: chains, key pairing and CRL coverage. Building it is
// pure in-memory work (no I/O, no decoding), so after one file changes the index re-decodes only
// that file and recomputes this in a few milliseconds even for thousands of files.
import type { CertificateModel } from '../model';
import { buildChains, type ChainForest } from './chains';
import { collect, type Collected } from './collect';
import { pairKeys, type KeyPairing } from './pairing';
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
  const byKey = new Map<string, IndexedFile>();
  for (const f of files) byKey.set(f.key, f);
  const collected = collect(byKey.values());
  const revocation = new RevocationService(collected, options.now);
  const cache = new Map<string, CertStatus>();
  return {
    ...collected,
    options,
    files: byKey,
    forest: buildChains(collected.certs, (file) => byKey.get(file)?.items.length ?? 1),
    revocation,
    pairing: pairKeys(collected.certs, collected.keys),
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
