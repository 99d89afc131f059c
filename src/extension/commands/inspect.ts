// "Certscope: Inspect" (certscope.inspect.open): opens a read-only decoded document for a file.
// Target: the explorer selection (context menu), else the active editor's file, else a file picker.
// Resolves to the decoded documents' URIs (handy for callers and tests).
import * as vscode from 'vscode';
import type { DecodedItem, DecodeError } from '../../core/model';
import type { Services } from '../services';
import { readConfig } from '../config';
import { DECODED_SCHEME, sourceUriOf } from '../editor/decodedDocument';
import { UserError } from '../errors';
import { describeProblem } from '../../core/present/problem';
import { forNotification } from '../../core/present/safeText';
import { pickerTitle } from './invocation';

const PICKER_FILTERS = {
  'Certificates, keys, CRLs': ['crt', 'pem', 'cer', 'der', 'crl', 'csr', 'key', 'p7b', 'p7c', 'p12', 'pfx', 'ocsp', 'resp'],
  'All files': ['*'],
};
/** Opening many editors at once is never what the user meant. */
const MAX_FILES = 20;

export async function inspectCommand(services: Services, clicked?: unknown, selection?: unknown): Promise<vscode.Uri[]> {
  const targets = await chooseTargets(clicked, selection);
  if (targets.length > MAX_FILES) {
    throw new UserError(`${targets.length} files selected; inspect at most ${MAX_FILES} at a time.`);
  }
  const opened: vscode.Uri[] = [];
  for (const source of targets) opened.push(await inspectOne(services, source));
  return opened;
}

async function chooseTargets(clicked: unknown, selection: unknown): Promise<vscode.Uri[]> {
  // Explorer context menu: (clickedUri, allSelectedUris).
  if (Array.isArray(selection) && selection.length > 0 && selection.every((u) => u instanceof vscode.Uri)) {
    return selection as vscode.Uri[];
  }
  if (clicked instanceof vscode.Uri) return [clicked];
  const active = vscode.window.activeTextEditor?.document.uri ?? activeTabUri();
  if (active) {
    // Running Inspect on a decoded document re-inspects its source.
    return [active.scheme === DECODED_SCHEME ? sourceUriOf(active) : active];
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: true,
    openLabel: 'Inspect',
    title: pickerTitle(),
    filters: PICKER_FILTERS,
  });
  if (!picked || picked.length === 0) throw new vscode.CancellationError();
  return picked;
}

/**
 * The active tab's file when there is no active text editor: a binary file open in the decoded
 * viewer (a custom editor), or a text editor the extension host has not been told about yet.
 */
function activeTabUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom) return input.uri;
  return undefined;
}

async function inspectOne(services: Services, source: vscode.Uri): Promise<vscode.Uri> {
  const name = source.path.slice(source.path.lastIndexOf('/') + 1);
  const rendered = await services.decodedDocuments.renderAskingPassword(source);
  if (!rendered) throw new vscode.CancellationError();

  const errors = rendered.items.filter((i): i is DecodedItem & { result: DecodeError } => i.result.kind === 'error');
  if (rendered.items.length === 0) {
    throw new UserError(`${name}: no certificate, CRL, CSR, key, OCSP or PKCS#7/#12 data found.`);
  }
  if (errors.length === rendered.items.length) throw new UserError(describeErrors(name, errors));
  if (errors.length > 0) {
    services.log.warn(describeErrors(name, errors));
    void vscode.window.showWarningMessage(`Certscope: ${forNotification(describeErrors(name, errors))}`);
  }

  const doc = await vscode.workspace.openTextDocument(rendered.uri);
  const beside = readConfig(source).inspectOpenToSide;
  await vscode.window.showTextDocument(doc, {
    preview: false,
    viewColumn: beside ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active,
  });
  return rendered.uri;
}

/** The first problem in the CLI's wording, plus how many more there are. */
function describeErrors(name: string, errors: Array<DecodedItem & { result: DecodeError }>): string {
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  return `${describeProblem(name, errors[0]!)}${more}`;
}
