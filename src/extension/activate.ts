// Composition root: build the services once, then one registerX(context, services) line per
// feature. Keep this file thin and cheap: heavy modules (the decoders, the servers) are loaded
// lazily by the features when first used. Everything registered goes into context.subscriptions
// (or into an owner that is), so VS Code disposes it on deactivation.
import * as vscode from 'vscode';
import { createLog } from './log';
import type { Services } from './services';
import { DecodedDocumentProvider, registerDecodedDocuments } from './editor/decodedDocument';
import { registerCommands } from './commands/registry';
import { PkiWorkspace } from './views/pkiWorkspace';
import { registerInspection } from './views/registerInspection';
import { registerLoop } from './broker/loop';
import { registerTestPanel } from './panel/index';

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = createLog();
  context.subscriptions.push(log);
  const pki = new PkiWorkspace(log);
  const services: Services = {
    log,
    decodedDocuments: new DecodedDocumentProvider(log, pki),
    pki,
  };

  registerDecodedDocuments(context, services.decodedDocuments);
  registerCommands(context, services);
  registerInspection(context, services);
  registerLoop(context, services);
  registerTestPanel(context, services);
  // Features: one line each, e.g. registerCertificateTree(context, services);

  // Logged so a slow activation (someone imported a heavy module eagerly) is visible in the Output.
  log.info(`Certscope ${String(context.extension.packageJSON.version)} activated in ${(performance.now() - started).toFixed(1)} ms`);
}

export function deactivate(): void {
  // Nothing beyond context.subscriptions, which VS Code disposes.
}
