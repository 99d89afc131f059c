// "Certscope: Publish CRL" (certscope.ca.publishCrl): writes a fresh CRL (new crlNumber) and
// serves it over HTTP on 127.0.0.1 for brokers that fetch CRLs by URL: at the CA's own CRL
// distribution point when it is on this machine (what its certificates carry, EMQX 5), else on a
// free port (DER at /ca.crl, PEM at /ca.crl.pem; EMQX 4 crl_cache_urls). "Stop Publishing CRL" (certscope.ca.unpublishCrl) stops the
// servers. Args: { caDir, copy: false }. Resolves to the URLs.
import * as vscode from 'vscode';
import type { Services } from '../../services';
import { requireLoop } from '../../broker/loop';
import { argsOf, str } from './args';
import { pickCa, requireTrust } from './workspaceCas';
import { refreshCaViews } from './refresh';
import { userFacing } from './userFacing';
import { refreshBrokerCrl } from '../../broker/crlRefresh';
import { localCdpOf } from '../../../core/ca/localCdp';

export async function publishCrl(services: Services, raw?: unknown): Promise<{ derUrl: string; pemUrl: string; crlNumber: string }> {
  requireTrust('Publishing a CRL');
  const a = argsOf(raw);
  const { ca, name } = await pickCa(str(a, 'caDir'));
  // A CRL with 100,000 entries takes seconds to sign. The write itself is atomic and runs to the
  // end; a cancel before it starts writes nothing, a cancel during it publishes nothing.
  const crl = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Writing the CRL of ${name}`, cancellable: true },
    async (_progress, token) => {
      if (token.isCancellationRequested) throw new vscode.CancellationError();
      const written = await userFacing(() => ca.writeCrl());
      if (token.isCancellationRequested) throw new vscode.CancellationError();
      return written;
    },
  );
  const controller = requireLoop(services).controller;
  const cdp = ca.crlUrls.find((u) => localCdpOf(u));
  const atCdp = cdp ? await controller.serveDistributionPoint(ca, name, cdp, 'user') : undefined;
  if (atCdp && 'error' in atCdp) services.log.warn(`the CRL of ${name} could not be served at its distribution point ${cdp} (${atCdp.error}): serving it on a free port instead`);
  const published = atCdp && !('error' in atCdp) ? controller.publishedCrl(ca.paths.dir)! : await controller.publishCrl(ca, name);
  await refreshBrokerCrl(services, ca, name, `CRL #${crl.crlNumber} published`);
  services.log.info(`CRL #${crl.crlNumber} of ${name} (${crl.entries} entries) published at ${published.derUrl}`);
  refreshCaViews(services);
  void vscode.window.showInformationMessage(`Certscope: CRL #${crl.crlNumber} of ${name} is served at ${published.derUrl}`, 'Copy URL').then((c) => {
    if (c) void vscode.env.clipboard.writeText(published.derUrl);
  });
  return { derUrl: published.derUrl, pemUrl: published.pemUrl, crlNumber: crl.crlNumber.toString() };
}

export async function unpublishCrl(services: Services, raw?: unknown): Promise<number> {
  const caDir = str(argsOf(raw), 'caDir');
  const n = await requireLoop(services).controller.unpublishCrl(caDir);
  void vscode.window.showInformationMessage(n ? `Certscope: stopped ${n} CRL server${n > 1 ? 's' : ''}.` : 'Certscope: no CRL is being published.');
  return n;
}
