// "Certscope: Create Development CA" (certscope.ca.create): a new OpenSSL-compatible CA folder in
// the workspace. Steps: common name, key type, folder. Args (all optional):
// { dir, cn, key, days, crlUrls }. The CA puts a CRL distribution point into the certificates it
// issues: crlUrls, by default Certscope's CRL server (cdp.ts; [] for none). Runs with a
// cancellable progress notification; a cancelled or failed
// creation leaves no half-made CA behind. Resolves to the CA folder.
import * as vscode from 'vscode';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { initCa } from '../../../core/ca';
import type { Services } from '../../services';
import { UserError } from '../../errors';
import { argsOf, askText, num, positiveDays, str, strList } from './args';
import { pickerTitle } from '../invocation';
import { keySpecFrom } from './keyTypes';
import { defaultCdpFor } from './cdp';
import { requireTrust } from './workspaceCas';
import { refreshCaViews } from './refresh';

export async function createCa(services: Services, raw?: unknown): Promise<string> {
  requireTrust('Creating a CA');
  const a = argsOf(raw);
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!root || root.scheme !== 'file') throw new UserError('open a folder first: the CA is created inside the workspace');
  const title = pickerTitle();
  const cn = str(a, 'cn') ?? await askText({
    title: `${title} (1/3)`, prompt: 'Common name of the CA certificate', value: 'Certscope Dev CA',
    validateInput: (v) => (v.trim() && !/[/\n]/.test(v) ? undefined : 'Enter a name without "/"'),
  });
  const key = await keySpecFrom(a, `${title} (2/3)`);
  const folder = str(a, 'dir') ?? await askText({
    title: `${title} (3/3)`, prompt: 'Folder for the CA (relative to the workspace)', value: `pki/${slug(cn)}`,
    validateInput: (v) => (v.trim() ? undefined : 'Enter a folder'),
  });
  const dir = isAbsolute(folder) ? folder : join(root.fsPath, folder);
  const existed = existsSync(dir);
  if (existed && readdirSync(dir).length > 0) throw new UserError(`${vscode.workspace.asRelativePath(dir)} is not empty: choose a new folder`);
  const days = num(a, 'days') ?? 3650;
  if (positiveDays(String(days))) throw new UserError(`days: ${positiveDays(String(days))}`);
  const crlUrls = strList(a, 'crlUrls') ?? await defaultCdpFor(dir);
  const badUrl = crlUrls.find((u) => !/^https?:\/\/[^\s/]+\/\S*$/.test(u));
  if (badUrl !== undefined) throw new UserError(`crlUrls: "${badUrl}" is not an http(s) URL`);

  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Creating CA "${cn}" (${key})`, cancellable: true },
    async (_progress, token) => {
      try {
        await initCa(dir, { subject: `/CN=${cn}`, key, days, crlUrls });
      } catch (err) {
        removeFolder(dir, existed);
        throw new UserError(`the CA could not be created: ${(err as Error).message}`);
      }
      // Key generation cannot be interrupted; honour the cancel by removing what it made.
      if (token.isCancellationRequested) {
        removeFolder(dir, existed);
        throw new vscode.CancellationError();
      }
    },
  );
  services.log.info(`CA "${cn}" created in ${dir}${crlUrls.length ? `; its certificates carry the CRL distribution point ${crlUrls.join(', ')}` : ''}`);
  refreshCaViews(services);
  void vscode.window.showInformationMessage(`Certscope: CA "${cn}" created in ${vscode.workspace.asRelativePath(dir)}.`);
  return dir;
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'dev-ca';
}

function removeFolder(dir: string, existed: boolean): void {
  if (existed) {
    for (const f of readdirSync(dir)) rmSync(join(dir, f), { recursive: true, force: true });
  } else {
    rmSync(dir, { recursive: true, force: true });
  }
}
