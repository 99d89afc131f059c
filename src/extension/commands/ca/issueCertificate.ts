// "Certscope: Issue Server Certificate" / "Issue Client Certificate" (certscope.ca.issueServer,
// certscope.ca.issueClient). Steps: CA (when several), common name, SANs (server: pre-filled with
// localhost and 127.0.0.1), key type, validity. Args (all optional): { caDir, cn, sans, key,
// days, name }. The key pair is generated first, under a cancellable progress notification; the
// CA writes nothing until it exists, so a cancel leaves no trace. Resolves to the issued files.
import * as vscode from 'vscode';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { ISSUED_FILES, type IssuedCertificate } from '../../../core/ca';
import { generateKey, privateKeyPem } from '../../../core/ca/keys';
import { writeFileAtomic } from '../../../core/ca/fsAtomic';
import type { Services } from '../../services';
import { UserError } from '../../errors';
import { argsOf, askText, num, positiveDays, splitList, str, strList } from './args';
import { keySpecFrom } from './keyTypes';
import { pickCa, requireTrust } from './workspaceCas';
import { refreshCaViews } from './refresh';
import { forNotification } from '../../../core/present/safeText';

export interface IssueResult {
  serialHex: string;
  subject: string;
  cert: string;
  key: string;
  chain: string;
  fullchain: string;
}

export const issueServer = (services: Services, raw?: unknown): Promise<IssueResult> => issue(services, 'server', raw);
export const issueClient = (services: Services, raw?: unknown): Promise<IssueResult> => issue(services, 'client', raw);

async function issue(services: Services, profile: 'server' | 'client', raw: unknown): Promise<IssueResult> {
  requireTrust('Issuing a certificate');
  const a = argsOf(raw);
  const title = `Certscope: Issue ${profile === 'server' ? 'Server' : 'Client'} Certificate`;
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
  const name = str(a, 'name') ?? cn;

  const issued = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Issuing ${profile} certificate CN=${cn} (${key}) from ${caName}`, cancellable: true },
    async (progress, token): Promise<{ issued: IssuedCertificate; keyPem: string }> => {
      progress.report({ message: 'generating the key pair' });
      const pair = await generateKey(key);
      if (token.isCancellationRequested) throw new vscode.CancellationError();
      progress.report({ message: 'signing' });
      const issued = await ca.issue({ profile, name, subject: `/CN=${cn}`, dns, ip, publicKey: pair.publicKey, days });
      return { issued, keyPem: privateKeyPem(pair.privateKey) };
    },
  );
  // The key file sits next to the certificate, readable by the owner only.
  const keyPath = join(issued.issued.paths.dir, ISSUED_FILES.key);
  writeFileAtomic(keyPath, issued.keyPem, 0o600);
  const p = issued.issued.paths;
  services.log.info(`issued ${profile} certificate ${issued.issued.subject} serial ${issued.issued.serialHex} -> ${p.cert}`);
  refreshCaViews(services);
  void vscode.window.showInformationMessage(`Certscope: issued ${forNotification(issued.issued.subject)} (serial ${issued.issued.serialHex}) in ${vscode.workspace.asRelativePath(p.dir)}.`);
  return { serialHex: issued.issued.serialHex, subject: issued.issued.subject, cert: p.cert, key: keyPath, chain: p.chain, fullchain: p.fullchain };
}
