// The CRL distribution point Create Development CA writes into a new CA's certscope.json, so the
// certificates it issues carry it: http://127.0.0.1:<certscope.ca.crlServerPort>/<folder>.crl,
// served by Certscope's CRL server (started with the local broker when nothing serves it).
// EMQX 5 (the broker's default profile) fetches each client's CRL from there.
import * as vscode from 'vscode';
import { basename } from 'node:path';
import { DEFAULT_CRL_SERVER_PORT, cdpPathFor, localCdpOf, localCdpUrl } from '../../../core/ca/localCdp';
import { findWorkspaceCas } from './workspaceCas';

/** certscope.ca.crlServerPort; 0 means: put no distribution point into issued certificates. */
function crlServerPort(): number {
  const p = vscode.workspace.getConfiguration('certscope').get<number>('ca.crlServerPort', DEFAULT_CRL_SERVER_PORT);
  return Number.isInteger(p) && p >= 0 && p <= 65535 ? p : DEFAULT_CRL_SERVER_PORT;
}

/**
 * The default CDP for a new CA in `dir` (none when the setting is 0). The path is the folder name;
 * a path another workspace CA already uses on this port gets a suffix (-2, -3, ...).
 */
export async function defaultCdpFor(dir: string): Promise<string[]> {
  const port = crlServerPort();
  if (port === 0) return [];
  const taken = new Set((await findWorkspaceCas()).flatMap((w) => (w.ca?.crlUrls ?? []).map(localCdpOf))
    .filter((c) => c?.port === port).map((c) => c!.path));
  const base = cdpPathFor(basename(dir)).slice(0, -'.crl'.length);
  let path = `${base}.crl`;
  for (let i = 2; taken.has(path); i++) path = `${base}-${i}.crl`;
  return [localCdpUrl(port, path)];
}
