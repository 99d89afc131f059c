// Decoded PEM blocks of an open text document, cached per document version. Shared by hover,
// CodeLens, diagnostics, quick fixes and the outline, so a document is decoded once per edit.
import * as vscode from 'vscode';
import type { DecodedItem } from '../../core/model';
import type { HoverContext } from '../../core/present/hover';
import { mayHoldEmbedded } from '../../core/workspace/embeddedSniff';
import { readConfig } from '../config';
import type { PkiWorkspace } from '../views/pkiWorkspace';

/** Larger documents decode in the worker pool: a huge or hostile file never blocks the host. */
const INLINE_MAX_CHARS = 64 * 1024;

const cache = new WeakMap<vscode.TextDocument, { version: number; items: DecodedItem[] }>();

/** Documents we look into: files and unsaved editors, not output panes or our own decoded views. */
export const TEXT_SELECTOR: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }];

export async function decodedBlocks(doc: vscode.TextDocument, pki: PkiWorkspace): Promise<DecodedItem[]> {
  const hit = cache.get(doc);
  if (hit && hit.version === doc.version) return hit.items;
  let items: DecodedItem[] = [];
  const version = doc.version;
  const text = doc.getText();
  // Cheap gate before loading the decoder: most documents contain no PEM at all.
  if (text.length <= readConfig(doc.uri).inspectMaxFileSizeKB * 1024 && (text.includes('-----BEGIN ') || mayHoldEmbedded(text))) {
    if (text.length > INLINE_MAX_CHARS) items = await pki.decodeText(text, doc.fileName);
    else {
      const { decodeTextWithEmbedded } = await import('../../core/workspace/embedded');
      items = decodeTextWithEmbedded(text, { fileName: doc.fileName });
    }
  }
  if (doc.version === version) cache.set(doc, { version, items });
  return items;
}

export function rangeOf(item: DecodedItem, doc: vscode.TextDocument): vscode.Range {
  const end = Math.max(item.range.startLine, item.range.endLine - 1);
  return new vscode.Range(item.range.startLine, 0, end, doc.lineAt(Math.min(end, doc.lineCount - 1)).text.length);
}

/** Hover/summary context with workspace knowledge (CRLs, keys) when the index is ready. */
export function workspaceHoverContext(pki: PkiWorkspace): HoverContext {
  const a = pki.analysis();
  const cfg = readConfig();
  if (!a) return { now: new Date(), expiringDays: cfg.diagnosticsExpiringDays };
  return {
    now: a.options.now,
    expiringDays: a.options.expiringDays,
    status: (c) => a.status(c),
    keyFilesFor: (h) => a.pairing.keysForSpki(h).map((k) => pki.fileLabel(k.loc.file)),
    certificatesFor: (h) => {
      const seen = new Set<string>();
      return a.certs.filter((c) => c.cert.publicKey.spkiSha256 === h).flatMap((c) => {
        const label = `${c.cert.subject.commonName ? `CN=${c.cert.subject.commonName}` : c.cert.subject.rfc4514} (${pki.fileLabel(c.loc.file)})`;
        if (seen.has(label)) return [];
        seen.add(label);
        return [label];
      });
    },
    fileLabel: (k) => pki.fileLabel(k),
  };
}
