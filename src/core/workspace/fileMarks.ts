// Per-file marks for Explorer badges: the worst certificate state in each file.
// R = revoked by a workspace CRL, E = expired, S = expiring soon. In a CA bundle (a trust store
// with many unrelated roots) an expired root is normal and harmless: only revocation marks it.
import type { WorkspaceAnalysis } from './analysis';
import { caBundleFiles } from './bundle';
import { EVERY, runSync, type Steps } from './slices';

export interface FileMark {
  badge: 'R' | 'E' | 'S';
  state: 'revoked' | 'expired' | 'expiringSoon';
  /** Certificates in the file with this state ("CN=device-001"). */
  names: string[];
  tooltip: string;
}

const ORDER = { revoked: 3, expired: 2, expiringSoon: 1 } as const;
const BADGE = { revoked: 'R', expired: 'E', expiringSoon: 'S' } as const;
const TEXT = { revoked: 'revoked by a CRL in the workspace', expired: 'expired', expiringSoon: 'expiring soon' } as const;

export function fileMarks(a: WorkspaceAnalysis): Map<string, FileMark> {
  return runSync(fileMarksSteps(a));
}

export function* fileMarksSteps(a: WorkspaceAnalysis): Steps<Map<string, FileMark>> {
  const out = new Map<string, FileMark>();
  const bundles = caBundleFiles(a.certs);
  let tick = 0;
  for (const c of a.certs) {
    if ((++tick & (EVERY - 1)) === 0) yield;
    const state = a.status(c.cert).state;
    if (state !== 'revoked' && state !== 'expired' && state !== 'expiringSoon') continue;
    if (state !== 'revoked' && bundles.has(c.loc.file)) continue;
    const name = c.cert.subject.commonName ? `CN=${c.cert.subject.commonName}` : c.cert.subject.rfc4514;
    const cur = out.get(c.loc.file);
    if (!cur || ORDER[cur.state] < ORDER[state]) out.set(c.loc.file, { badge: BADGE[state], state, names: [name], tooltip: '' });
    else if (cur.state === state && !cur.names.includes(name)) cur.names.push(name);
  }
  for (const m of out.values()) m.tooltip = `Certscope: ${m.names.join(', ')} ${TEXT[m.state]}`;
  return out;
}
