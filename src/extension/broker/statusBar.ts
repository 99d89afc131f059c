// Status bar item of the local broker: "$(broadcast) MQTT :8883" while running, "MQTT stopped"
// otherwise; a click opens the broker's actions (Connection Test pre-filled with the running
// broker, Start or Restart/Stop, status view, log: commands/brokerActions.ts).
import * as vscode from 'vscode';
import type { BrokerController } from './controller';

export const BROKER_VIEW_ID = 'certscope.localBroker';
/** What a click on the item runs. */
export const STATUS_BAR_COMMAND = 'certscope.broker.chooseAction';

export function createBrokerStatusBar(controller: BrokerController): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('certscope.broker', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Certscope Local Broker';
  item.command = { command: STATUS_BAR_COMMAND, title: 'Local Broker Actions' };
  const update = (): void => {
    const port = controller.mqttsPort();
    if (controller.running && port !== undefined) {
      const s = controller.snapshot();
      item.text = `$(broadcast) MQTT :${port}`;
      item.tooltip = `Certscope local TLS broker on 127.0.0.1:${port}: ${s.clients.length} client(s), ${s.rejections.length} recent rejection(s). Click for the Connection Test, status, log, restart or stop.`;
      item.backgroundColor = undefined;
    } else {
      item.text = '$(circle-slash) MQTT stopped';
      item.tooltip = 'Certscope local TLS broker: stopped. Click to start it, or for the Connection Test, status or log.';
    }
  };
  update();
  item.show();
  const sub = controller.onDidChange(update);
  return vscode.Disposable.from(item, sub);
}
