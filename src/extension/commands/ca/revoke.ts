// "Certscope: Revoke Certificate" (certscope.ca.revoke): explorer right-click on .crt/.pem/.cer,
// the inline action on a certificate in the "Certificate Authorities" view, or the palette.
// Steps: reason, then a modal confirmation. Args (all optional): { file | serial, caDir, reason,
// confirmed: true } (confirmed skips the dialog, for tests and scripts). Writes index.txt and a
// new CRL; the local broker picks the CRL up before its next handshake (emqx4/mosquitto: the file
// changed; emqx5: it refetches the CA's distribution point at once). Resolves to the revocation.
import * as vscode from 'vscode';
import { REVOCATION_REASONS, type RevokeResult } from '../../../core/ca';
import type { RevocationReason } from '../../../core/model';
import type { Services } from '../../services';
import { UserError } from '../../errors';
import { argsOf, askPick, str } from './args';
import { pickerTitle } from '../invocation';
import { resolveCertTarget } from './target';
import { requireTrust } from './workspaceCas';
import { refreshCaViews } from './refresh';
import { forNotification } from '../../../core/present/safeText';
import { userFacing } from './userFacing';
import { refreshBrokerCrl } from '../../broker/crlRefresh';
import { colonSerial } from '../../../core/serial';

const REASON_TEXT: Record<string, string> = {
  unspecified: 'No reason given',
  keyCompromise: 'The private key leaked or may have leaked',
  cACompromise: 'The CA key was compromised',
  affiliationChanged: 'The subject changed (name, organisation)',
  superseded: 'Replaced by a new certificate',
  cessationOfOperation: 'The device or service is retired',
  certificateHold: 'Suspend for now; "Release Hold" makes it valid again',
};

export async function revokeCertificate(services: Services, raw?: unknown): Promise<RevokeResult> {
  requireTrust('Revoking a certificate');
  const title = pickerTitle();
  const t = await resolveCertTarget(raw, title);
  const a = argsOf(raw);
  const entry = t.ca.find(t.serialHex);
  if (entry?.status === 'R' && entry.revoked?.reason !== 'certificateHold') {
    throw new UserError(`${t.label} (serial ${colonSerial(entry.serialHex)}) is already revoked (${entry.revoked?.reason ?? 'unspecified'})`);
  }
  const given = str(a, 'reason');
  if (given && !REVOCATION_REASONS.includes(given as RevocationReason)) throw new UserError(`unknown reason "${given}" (${REVOCATION_REASONS.join(', ')})`);
  const reason = (given as RevocationReason | undefined) ?? (await askPick(
    REVOCATION_REASONS.map((r) => ({ label: r, description: REASON_TEXT[r], reason: r })),
    { title: `${title}: ${t.label}`, placeHolder: 'Reason for the revocation' },
  )).reason;
  if (a.confirmed !== true) {
    const ok = await vscode.window.showWarningMessage(
      `Revoke ${forNotification(t.label)} (serial ${forNotification(colonSerial(t.serialHex))}) for ${reason}?`, // the label is a certificate name: no bidi reordering in a confirmation
      { modal: true, detail: `${t.caName} writes a new CRL. ${reason === 'certificateHold' ? 'A hold can be released later.' : 'This cannot be undone.'}` },
      'Revoke',
    );
    if (ok !== 'Revoke') throw new vscode.CancellationError();
  }
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `Revoking serial ${colonSerial(t.serialHex)}` },
    () => userFacing(() => t.ca.revoke(t.target, reason)),
  );
  services.log.info(`revoked ${result.subject} serial ${colonSerial(result.serialHex)} (${reason}); CRL #${result.crlNumber} written by ${t.caName}`);
  await refreshBrokerCrl(services, t.ca, t.caName, `serial ${colonSerial(result.serialHex)} revoked (CRL #${result.crlNumber})`);
  refreshCaViews(services);
  void vscode.window.showInformationMessage(`Certscope: revoked ${forNotification(result.subject)} (${reason}). CRL #${result.crlNumber} written.`);
  return result;
}
