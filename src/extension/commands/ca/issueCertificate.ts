// "Certscope: Issue Server Certificate" / "Issue Client Certificate" (certscope.ca.issueServer,
// certscope.ca.issueClient). Steps: CA (when several), common name, SANs (server: pre-filled with
// localhost and 127.0.0.1), key type, validity. Args (all optional): { caDir, cn, sans, key,
// days, name }. The key pair is generated first, under a cancellable progress notification; the
// CA writes nothing until it exists, so a cancel leaves no trace. An existing issued/<name>/ is
// never replaced (a taken name asks for another). Resolves to the issued files.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { CertificateAuthority, IssuedCertificate } from '../../../core/ca';
import { generateKey } from '../../../core/ca/keys';
import { validFolderNameProblem } from '../../../core/ca/limits';
import type { Services } from '../../services';
import { UserError } from '../../errors';
import { argsOf, askText, num, positiveDays, splitList, str, strList } from './args';
import { pickerTitle } from '../invocation';
import { keySpecFrom } from './keyTypes';
import { pickCa, requireTrust } from './workspaceCas';
import { refreshCaViews } from './refresh';
import { forNotification } from '../../../core/present/safeText';
import { userFacing } from './userFacing';
import { colonSerial } from '../../../core/serial';

export interface IssueResult {
  serialHex: string;
  subject: string;
  cert: string;
  key: string;
  chain: string;
  fullchain: string;
  /** The issued/<name>/ folder. */
  dir: string;
}

export const issueServer = (services: Services, raw?: unknown): Promise<IssueResult> => issue(services, 'server', raw);
export const issueClient = (services: Services, raw?: unknown): Promise<IssueResult> => issue(services, 'client', raw);

async function issue(services: Services, profile: 'server' | 'client', raw: unknown): Promise<IssueResult> {
  requireTrust('Issuing a certificate');
  const a = argsOf(raw);
  const title = pickerTitle();
  const { ca, name: caName } = await pickCa(str(a, 'caDir'), title);
  const cn = str(a, 'cn') ?? await askText({
    title: `${title} (1/4)`, prompt: `Common name (CN)${profile === 'server' ? ', usually the host name' : ', e.g. the device id'}`,
    value: profile === 'server' ? 'localhost' : 'device-1',
    validateInput: (v) => (v.trim() && !/[/\n]/.test(v) ? undefined : 'Enter a name without "/"'),
  });
  const sans = strList(a, 'sans') ?? splitList(await askText({
    title: `${title} (2/4)`, prompt: 'Subject alternative names: DNS names and IP addresses, separated by commas',
    value: profile === 'server' ? 'localhost, 127.0.0.1' : '',
  }));
  const dns = sans.filter((s) => isIP(s) === 0);
  const ip = sans.filter((s) => isIP(s) !== 0);
  for (const d of dns) if (!/^(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(d)) throw new UserError(`"${d}" is neither a DNS name nor an IP address`);
  const key = await keySpecFrom(a, `${title} (3/4)`);
  const days = num(a, 'days') ?? Number(await askText({ title: `${title} (4/4)`, prompt: 'Validity in days', value: '365', validateInput: positiveDays }));
  if (positiveDays(String(days))) throw new UserError(`days: ${positiveDays(String(days))}`);
  const name = await folderFor(ca, str(a, 'name'));

  const issued = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Issuing ${profile} certificate CN=${cn} (${key}) from ${caName}`, cancellable: true },
    async (progress, token): Promise<IssuedCertificate> => {
      progress.report({ message: 'generating the key pair' });
      const keyPair = await generateKey(key);
      if (token.isCancellationRequested) throw new vscode.CancellationError();
      progress.report({ message: 'signing' });
      // The CA writes key.pem before the certificate and records it in index.txt last.
      return userFacing(() => ca.issue({ profile, name, subject: `/CN=${cn}`, dns, ip, keyPair, days }));
    },
  );
  const p = issued.paths;
  services.log.info(`issued ${profile} certificate ${issued.subject} serial ${colonSerial(issued.serialHex)} -> ${p.cert}`);
  refreshCaViews(services);
  const moved = issued.folderTaken ? ` (${vscode.workspace.asRelativePath(issued.folderTaken)} already holds an earlier certificate and its key)` : '';
  void vscode.window.showInformationMessage(`Certscope: issued ${forNotification(issued.subject)} (serial ${colonSerial(issued.serialHex)}) in ${vscode.workspace.asRelativePath(p.dir)}${moved}.`);
  return { serialHex: issued.serialHex, subject: issued.subject, cert: p.cert, key: p.key!, chain: p.chain, fullchain: p.fullchain, dir: p.dir };
}

/**
 * The issued/<name>/ folder to use. Without a name the CA names it after the CN (and picks a free
 * variant itself). A given name that is taken is never replaced: the user is asked whether to use
 * the next free name instead.
 */
async function folderFor(ca: CertificateAuthority, given: string | undefined): Promise<string | undefined> {
  if (given === undefined) return undefined;
  const problem = validFolderNameProblem(given);
  if (problem) throw new UserError(`name "${given}" ${problem}`);
  if (!existsSync(join(ca.paths.issuedDir, given))) return given;
  const alt = ca.freeIssuedName(given);
  const use = `Use ${alt}`;
  const answer = await vscode.window.showWarningMessage(
    `${vscode.workspace.asRelativePath(join(ca.paths.issuedDir, given))} already holds a certificate and its private key.`,
    { modal: true, detail: `Certscope never replaces it. Issue the new certificate into issued/${alt}/ instead?` },
    use,
  );
  if (answer !== use) throw new vscode.CancellationError();
  return alt;
}
