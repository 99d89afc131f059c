// "Certscope: Release Certificate Hold" (certscope.ca.releaseHold): a certificate revoked with
// certificateHold becomes valid again and leaves the CRL. Args: { file | serial, caDir }.
import * as vscode from 'vscode';
import type { Services } from '../../services';
import { UserError } from '../../errors';
import { resolveCertTarget } from './target';
import { requireTrust } from './workspaceCas';
import { refreshCaViews } from './refresh';
import { userFacing } from './userFacing';
import { refreshBrokerCrl } from '../../broker/crlRefresh';
import { pickerTitle } from '../invocation';
import { colonSerial } from '../../../core/serial';

export async function releaseHold(services: Services, raw?: unknown): Promise<{ serialHex: string; crlNumber: bigint }> {
  requireTrust('Releasing a hold');
  const t = await resolveCertTarget(raw, pickerTitle());
  const entry = t.ca.find(t.serialHex);
  if (entry?.revoked?.reason !== 'certificateHold') {
    throw new UserError(`${t.label} is not on hold${entry?.status === 'R' ? ` (revoked for ${entry.revoked?.reason ?? 'unspecified'}, which is final)` : ''}`);
  }
  const result = await userFacing(() => t.ca.unrevoke(t.target));
  services.log.info(`released hold on serial ${colonSerial(result.serialHex)}; CRL #${result.crlNumber} written by ${t.caName}`);
  await refreshBrokerCrl(services, t.ca, t.caName, `hold on serial ${colonSerial(result.serialHex)} released (CRL #${result.crlNumber})`);
  refreshCaViews(services);
  void vscode.window.showInformationMessage(`Certscope: hold released on serial ${colonSerial(result.serialHex)}. CRL #${result.crlNumber} written.`);
  return result;
}
