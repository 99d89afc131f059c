// "Certscope: Show Local Broker Status" (certscope.broker.status): reveals the "Local Broker" view
// and resolves to what it shows (state, listeners, clients, rejections, CRL sources, staples) as
// plain data, for scripts and tests.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { requireLoop } from '../broker/loop';
import { BROKER_VIEW_ID } from '../broker/statusBar';
import type { BrokerNode } from '../views/brokerTree';

export async function brokerStatus(services: Services): Promise<BrokerNode[]> {
  const loop = requireLoop(services);
  loop.brokerTree.refresh();
  await vscode.commands.executeCommand(`${BROKER_VIEW_ID}.focus`);
  return loop.brokerTree.roots();
}
