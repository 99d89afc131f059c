// After a CA of the workspace wrote a new CRL (Revoke Certificate, Release Hold, Publish CRL):
// the running local broker (emqx5) refetches that CA's distribution points it has cached, so the
// next handshake of a revoked device is refused. A deliberate deviation from EMQX 5, which keeps
// a cached CRL until crl_cache.refresh_interval (15m by default); said in the broker log.
import type { CertificateAuthority } from '../../core/ca';
import type { Services } from '../services';
import { loopOf } from './loop';

export async function refreshBrokerCrl(services: Services, ca: CertificateAuthority, caName: string, what: string): Promise<string[]> {
  const loop = loopOf(services);
  if (!loop?.controller.running) return [];
  const urls = await loop.controller.refreshCrlOf(ca);
  if (urls.length) {
    loop.brokerLog.info(`${what} by ${caName}: refetched the CRL from ${urls.join(', ')} now (a real EMQX 5 keeps its cached CRL until crl_cache.refresh_interval)`);
  }
  return urls;
}
