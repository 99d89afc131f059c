// Status bar item of the local broker: "$(broadcast) MQTT :8883" while running, "MQTT stopped"
// otherwise; a click reveals the "Local Broker" view.
import * as vscode from 'vscode';
import type { BrokerController } from './controller';

export const BROKER_VIEW_ID = 'certscope.localBroker';

export function createBrokerStatusBar(controller: BrokerController): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('certscope.broker', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Certscope Local Broker';
  item.command = { command: `${BROKER_VIEW_ID}.focus`, title: 'Show the Local Broker view' };
  const update = (): void => {
    const port = controller.mqttsPort();
    if (controller.running && port !== undefined) {
      const s = controller.snapshot();
      item.text = `$(broadcast) MQTT :${port}`;
      item.tooltip = `Certscope local TLS broker on 127.0.0.1:${port}: ${s.clients.length} client(s), ${s.rejections.length} recent rejection(s). Click for details.`;
      item.backgroundColor = undefined;
    } else {
      item.text = '$(circle-slash) MQTT stopped';
      item.tooltip = 'Certscope local TLS broker: stopped. Click for the Local Broker view.';
    }
  };
  update();
  item.show();
  const sub = controller.onDidChange(update);
  return vscode.Disposable.from(item, sub);
}
