// "Certscope: Stop OCSP Responder" (certscope.ocsp.stop). Resolves to whether one was running.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { requireLoop } from '../broker/loop';

export async function stopOcsp(services: Services): Promise<boolean> {
  const c = requireLoop(services).controller;
  c.ocspOwnedByBroker = false;
  const was = await c.stopOcsp();
  void vscode.window.showInformationMessage(was ? 'Certscope: OCSP responder stopped.' : 'Certscope: the OCSP responder is not running.');
  return was;
}
