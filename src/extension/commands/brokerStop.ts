// "Certscope: Stop Local TLS Broker" (certscope.broker.stop): closes the listeners and every
// connection; the OCSP responder and CRL servers stop too when started with the broker. Resolves to
// whether a broker was running.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { requireLoop } from '../broker/loop';

export async function stopBroker(services: Services): Promise<boolean> {
  const loop = requireLoop(services);
  const c = loop.controller;
  const was = await c.stopBroker();
  await c.stopBrokerHelpers();
  if (was) loop.brokerLog.info('stopped by the user');
  void vscode.window.showInformationMessage(was ? 'Certscope: local broker stopped.' : 'Certscope: the local broker is not running.');
  return was;
}
