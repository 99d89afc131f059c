// What a user can do with the local broker from where they look at it: the status bar item runs
// "Local Broker Actions..." (certscope.broker.chooseAction, a quick pick), and "Start Local TLS
// Broker" while a broker runs says so first, with the same actions as buttons. Every action runs
// its own command (errors, titles and logging as usual). Restart keeps the running broker's CA and
// server certificate, so it asks nothing.
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { BrokerController } from '../broker/controller';
import { requireLoop } from '../broker/loop';
import { askPick } from './ca/args';
import type { StartedBroker } from './brokerStart';

export interface BrokerAction extends vscode.QuickPickItem {
  command: string;
  args?: unknown;
}

/** The actions for the broker's current state, Connection Test first. */
export function brokerActions(c: BrokerController): BrokerAction[] {
  const url = c.mqttsUrl();
  const origin = c.snapshot().origin;
  const same = origin?.caDir ? { caDir: origin.caDir, serverCert: origin.certfile } : undefined;
  return [
    { label: '$(plug) Open Connection Test', description: url ? `pre-filled with ${url}` : undefined, command: 'certscope.test.open' },
    ...(url
      ? [{ label: '$(debug-restart) Restart', description: 'same CA and server certificate, current settings', command: 'certscope.broker.restart', args: same },
        { label: '$(debug-stop) Stop', command: 'certscope.broker.stop' }]
      : [{ label: '$(play) Start Local TLS Broker', command: 'certscope.broker.start' }]),
    { label: '$(info) Show Broker Status', description: 'the Local Broker view', command: 'certscope.broker.status' },
    { label: '$(output) Show Broker Log', command: 'certscope.broker.showLog' },
  ];
}

/** certscope.broker.chooseAction (the status bar item): resolves to what the chosen command returns. */
export async function chooseBrokerAction(services: Services): Promise<unknown> {
  const c = requireLoop(services).controller;
  const url = c.mqttsUrl();
  const picked = await askPick(brokerActions(c), { placeHolder: url ? `Local broker running on ${url}` : 'Local broker stopped' });
  return vscode.commands.executeCommand(picked.command, ...(picked.args ? [picked.args] : []));
}

/**
 * For "Start" while a broker runs: says so, naming its URL, with Restart / Open Connection Test /
 * Stop buttons (not awaited: a script's Start resolves at once), and returns the running broker.
 */
export function sayAlreadyRunning(c: BrokerController): StartedBroker | undefined {
  const st = c.snapshot().state;
  const port = c.mqttsPort();
  const url = c.mqttsUrl();
  if (!c.running || !st || port === undefined || url === undefined) return undefined;
  const all = brokerActions(c);
  const buttons = new Map(['certscope.broker.restart', 'certscope.test.open', 'certscope.broker.stop'].flatMap((id) => {
    const a = all.find((x) => x.command === id);
    return a ? [[a.label.replace(/^\$\([^)]*\)\s*/, ''), a] as const] : [];
  }));
  void vscode.window.showInformationMessage(`Certscope: the local broker is already running on ${url}.`, ...buttons.keys()).then((choice) => {
    const a = choice ? buttons.get(choice) : undefined;
    if (a) void vscode.commands.executeCommand(a.command, ...(a.args ? [a.args] : []));
  });
  return { port, url, listeners: st.listeners, stapling: st.staples.some((s) => s.stapling), crlCheck: st.crl.enabled, profile: st.profile, alreadyRunning: true };
}
