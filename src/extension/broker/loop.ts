// The revocation loop feature (CA view, broker, OCSP responder, CRL servers, status bar, broker
// log): registerLoop() builds it once; commands reach it through loopOf(services), keyed by the
// Services object activate() built (no global locator; tests may build their own).
import * as vscode from 'vscode';
import type { Services } from '../services';
import { UserError } from '../errors';
import { BrokerController } from './controller';
import { createBrokerLog, writeBrokerEvent } from './brokerLog';
import { createBrokerStatusBar } from './statusBar';
import { CaTreeProvider, CA_VIEW_ID } from '../views/caTree';
import { BrokerTreeProvider } from '../views/brokerTree';
import { BROKER_VIEW_ID } from './statusBar';
import { registerReadinessProblems } from './readinessProblems';
import { rememberBrokerRuns } from './lastRun';

export interface Loop {
  controller: BrokerController;
  brokerLog: vscode.LogOutputChannel;
  caTree: CaTreeProvider;
  brokerTree: BrokerTreeProvider;
}

const loops = new WeakMap<Services, Loop>();

export function loopOf(services: Services): Loop | undefined {
  return loops.get(services);
}

export function requireLoop(services: Services): Loop {
  const l = loops.get(services);
  if (!l) throw new UserError('the broker feature is not available (registerLoop was not called)');
  return l;
}

export function registerLoop(context: vscode.ExtensionContext, services: Services): void {
  const controller = new BrokerController();
  const brokerLog = createBrokerLog();
  const caTree = new CaTreeProvider(services.log, controller, services.pki);
  const brokerTree = new BrokerTreeProvider(controller);
  context.subscriptions.push(
    brokerLog,
    controller.onBrokerEvent((e) => writeBrokerEvent(brokerLog, e)),
    controller,
    caTree,
    brokerTree,
    vscode.window.createTreeView(CA_VIEW_ID, { treeDataProvider: caTree, showCollapseAll: true }),
    vscode.window.createTreeView(BROKER_VIEW_ID, { treeDataProvider: brokerTree }),
    createBrokerStatusBar(controller),
    registerReadinessProblems(controller, brokerLog),
    rememberBrokerRuns(context.workspaceState, controller),
    { dispose: () => loops.delete(services) },
    // Trust-gated commands are enabled by `isWorkspaceTrusted || certscope.workspaceTrusted`: some
    // hosts (code-server with trust disabled) never set isWorkspaceTrusted although the API says
    // trusted. The commands check vscode.workspace.isTrusted themselves as well.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void vscode.commands.executeCommand('setContext', 'certscope.workspaceTrusted', true)),
    // Menus show Start or Stop/Restart by this context key.
    controller.onDidChange(() => void vscode.commands.executeCommand('setContext', 'certscope.brokerRunning', controller.running)),
  );
  loops.set(services, { controller, brokerLog, caTree, brokerTree });
  void vscode.commands.executeCommand('setContext', 'certscope.workspaceTrusted', vscode.workspace.isTrusted);
}
