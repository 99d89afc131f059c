// A window reload ends the extension host and the broker in it. Remember that it was running (CA
// folder and server certificate) and, on the next activation, say that it is gone and offer to
// start it again with the same settings. A stop by the user forgets it.
import * as vscode from 'vscode';
import type { BrokerController } from './controller';

const KEY = 'certscope.broker.lastRun';

interface LastRun {
  caDir?: string;
  serverCert: string;
  port?: number;
  startedAt: string;
}

export function rememberBrokerRuns(state: vscode.Memento, controller: BrokerController): vscode.Disposable {
  const previous = state.get<LastRun>(KEY);
  if (previous) {
    void state.update(KEY, undefined);
    const where = previous.port ? ` on port ${previous.port}` : '';
    void vscode.window.showInformationMessage(
      `Certscope: the local broker${where} stopped when the window reloaded. Start it again with the same settings?`,
      'Start Again',
    ).then((pick) => {
      if (pick) void vscode.commands.executeCommand('certscope.broker.start', { caDir: previous.caDir, serverCert: previous.serverCert });
    });
  }
  // onDidChange fires on every broker event: write only when the running broker changes.
  let written: string | undefined;
  return controller.onDidChange(() => {
    if (controller.disposing) return;
    const s = controller.snapshot();
    const port = s.state?.listeners.find((l) => l.transport === 'mqtts')?.port;
    const key = s.running && s.origin ? `${s.origin.caDir}|${s.origin.certfile}|${port}` : '';
    if (key === written) return;
    written = key;
    if (s.running && s.origin) void state.update(KEY, { caDir: s.origin.caDir, serverCert: s.origin.certfile, port, startedAt: new Date().toISOString() } satisfies LastRun);
    else void state.update(KEY, undefined);
  });
}
