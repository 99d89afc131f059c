// The extension's command table: command id -> lazy loader of its handler. One line per command.
// Loading lazily keeps activation cheap (a command's module, and the core it pulls in, is
// evaluated on first use). This file must not import `vscode` at runtime: a unit test imports it
// in plain Node to check it matches package.json `contributes.commands` exactly.
import type { Services } from '../services';

/** A command handler. `args` are what VS Code passes (e.g. the clicked Uri and the selection). */
export type CommandHandler = (services: Services, ...args: unknown[]) => Promise<unknown>;

export const commandTable: Readonly<Record<string, () => Promise<CommandHandler>>> = {
  'certscope.inspect.open': async () => (await import('./inspect')).inspectCommand,
  'certscope.test.open': async () => (await import('../panel/index')).openTestPanel,
  'certscope.test.withCertificate': async () => (await import('../panel/withCertificate')).testWithCertificate,
  'certscope.inspect.verifyChain': async () => (await import('../editor/blockCommands')).verifyChain,
  'certscope.inspect.copyFingerprint': async () => (await import('../editor/blockCommands')).copyBlockFingerprint,
  'certscope.tree.refresh': async () => (await import('../views/treeCommands')).refreshTree,
  'certscope.tree.filter': async () => (await import('../views/treeCommands')).treeFilter,
  'certscope.tree.clearFilter': async () => (await import('../views/treeCommands')).treeClearFilter,
  'certscope.tree.inspect': async () => (await import('../views/treeCommands')).treeInspect,
  'certscope.tree.copyFingerprint': async () => (await import('../views/treeCommands')).treeCopyFingerprint,
  'certscope.tree.revealInExplorer': async () => (await import('../views/treeCommands')).treeRevealInExplorer,
  'certscope.ca.create': async () => (await import('./ca/createCa')).createCa,
  'certscope.ca.issueServer': async () => (await import('./ca/issueCertificate')).issueServer,
  'certscope.ca.issueClient': async () => (await import('./ca/issueCertificate')).issueClient,
  'certscope.ca.revoke': async () => (await import('./ca/revoke')).revokeCertificate,
  'certscope.ca.releaseHold': async () => (await import('./ca/releaseHold')).releaseHold,
  'certscope.ca.publishCrl': async () => (await import('./ca/publishCrl')).publishCrl,
  'certscope.ca.unpublishCrl': async () => (await import('./ca/publishCrl')).unpublishCrl,
  'certscope.ca.verify': async () => (await import('./ca/verifyCertificate')).verifyAgainstCa,
  'certscope.ca.refresh': async () => (await import('./ca/refreshView')).refreshCaView,
  'certscope.broker.start': async () => (await import('./brokerStart')).startBroker,
  'certscope.broker.stop': async () => (await import('./brokerStop')).stopBroker,
  'certscope.broker.restart': async () => (await import('./brokerRestart')).restartBroker,
  'certscope.broker.exportConfig': async () => (await import('./exportBrokerConfig')).exportBrokerConfig,
  'certscope.broker.status': async () => (await import('./brokerStatus')).brokerStatus,
  'certscope.broker.showLog': async () => (await import('./brokerShowLog')).showBrokerLog,
  'certscope.broker.chooseAction': async () => (await import('./brokerActions')).chooseBrokerAction,
  'certscope.ocsp.start': async () => (await import('./ocspStart')).startOcsp,
  'certscope.ocsp.stop': async () => (await import('./ocspStop')).stopOcsp,
};
