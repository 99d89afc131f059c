// "Certscope: Start OCSP Responder" (certscope.ocsp.start): answers OCSP requests (GET and POST)
// for a workspace CA on 127.0.0.1 from its index.txt, signed with the CA key; a revocation shows
// in the very next response. Args: { caDir, port }. Resolves to { url, port }.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { requireLoop } from '../broker/loop';
import { argsOf, num, str } from './ca/args';
import { pickCa, requireTrust } from './ca/workspaceCas';

export async function startOcsp(services: Services, raw?: unknown): Promise<{ url: string; port: number }> {
  requireTrust('Starting the OCSP responder');
  const a = argsOf(raw);
  const { ca, name } = await pickCa(str(a, 'caDir'));
  const loop = requireLoop(services);
  const o = await loop.controller.startOcsp(ca, name, num(a, 'port') ?? 0);
  loop.brokerLog.info(`OCSP responder for ${name} on ${o.url}`);
  void vscode.window.showInformationMessage(`Certscope: OCSP responder for ${name} on ${o.url}`, 'Copy URL').then((x) => {
    if (x) void vscode.env.clipboard.writeText(o.url);
  });
  return { url: o.url, port: o.port };
}
