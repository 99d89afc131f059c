// "Certscope: Open Connection Test": registerTestPanel() gives the panel what it needs from the
// extension context; the command table's handler (openTestPanel) opens or reveals it.
import type * as vscode from 'vscode';
import type { Services } from '../services';
import { UserError } from '../errors';
import { ProfileStore } from './profiles';
import { TestPanelHost, type PanelEnvironment } from './testPanel';

// Keyed by the Services object activate() built: no global locator, and tests may build their own.
const environments = new WeakMap<Services, PanelEnvironment>();

export function registerTestPanel(context: vscode.ExtensionContext, services: Services): void {
  environments.set(services, { extensionUri: context.extensionUri, profiles: new ProfileStore(context.workspaceState, context.secrets) });
  context.subscriptions.push({ dispose: () => environments.delete(services) });
}

/** Command handler: opens (or reveals) the panel and resolves to its host. */
export async function openTestPanel(services: Services): Promise<TestPanelHost> {
  const env = environments.get(services);
  if (!env) throw new UserError('the connection test panel is not available (registerTestPanel was not called)');
  return TestPanelHost.show(env, services);
}
