// "Certscope: Open Connection Test": registerTestPanel() gives the panel what it needs from the
// extension context; the command table's handler (openTestPanel) opens or reveals it.
import type * as vscode from 'vscode';
import type { Services } from '../services';
import { UserError } from '../errors';
import { ProfileStore } from './profiles';
import type { PanelEnvironment, TestPanelHost } from './testPanel';
import { brokerDefaults, mergePrefill, prefillFromArgs } from './prefill';

// Keyed by the Services object activate() built: no global locator, and tests may build their own.
const environments = new WeakMap<Services, PanelEnvironment>();

export function registerTestPanel(context: vscode.ExtensionContext, services: Services): void {
  environments.set(services, { extensionUri: context.extensionUri, profiles: new ProfileStore(context.workspaceState, context.secrets) });
  context.subscriptions.push({ dispose: () => environments.delete(services) });
}

/**
 * Command handler: opens (or reveals) the panel and resolves to its host. Optional args
 * `{ url?, ca?, cert?, key?, tls?, ocsp?, mqtt? }` pre-fill the form; a newly opened panel also
 * takes the running local broker's URL and CA (args win).
 */
export async function openTestPanel(services: Services, args?: unknown): Promise<TestPanelHost> {
  const env = environments.get(services);
  if (!env) throw new UserError('the connection test panel is not available (registerTestPanel was not called)');
  const { TestPanelHost } = await import('./testPanel');
  const fromArgs = await prefillFromArgs(args);
  const opening = !TestPanelHost.isOpen();
  const hasArgs = Object.keys(fromArgs.form).length > 0 || fromArgs.notes.length > 0;
  const prefill = opening || hasArgs ? mergePrefill(brokerDefaults(services), fromArgs) : undefined;
  return TestPanelHost.show(env, services, prefill && (Object.keys(prefill.form).length || prefill.notes.length) ? prefill : undefined);
}
