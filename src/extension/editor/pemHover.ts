// Hover on any PEM block in any file (PEM files, YAML, JSON strings, .conf, .env, source code):
// a markdown summary of the block under the cursor, with workspace revocation and key pairing.
import * as vscode from 'vscode';
import { readConfig } from '../config';
import type { Log } from '../log';
import type { PkiWorkspace } from '../views/pkiWorkspace';
import { decodedBlocks, rangeOf, workspaceHoverContext } from './documentBlocks';

export class PemHoverProvider implements vscode.HoverProvider {
  constructor(private readonly pki: PkiWorkspace, private readonly log: Log) {}

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!readConfig(doc.uri).inspectHover) return undefined;
    const t0 = performance.now();
    const items = await decodedBlocks(doc, this.pki);
    const item = items.find((i) => pos.line >= i.range.startLine && pos.line < Math.max(i.range.endLine, i.range.startLine + 1));
    if (!item) return undefined;
    const { hoverMarkdown } = await import('../../core/present/hover');
    const md = new vscode.MarkdownString(hoverMarkdown(item, workspaceHoverContext(this.pki)), true);
    this.log.debug(`hover: ${items.length} block(s), ${(performance.now() - t0).toFixed(2)} ms`);
    return new vscode.Hover(md, rangeOf(item, doc));
  }
}
