// Read-only "decoded" documents: `certscope-decoded:` URIs whose text is the core's readable
// rendering of a certificate-ish file (certificate, CRL, CSR, key metadata, OCSP, PKCS#7/#12).
// The decoded URI carries the source file's URI in its query, so VS Code can restore the editor
// after a reload (the provider re-decodes on demand). Rendered text is cached while the document
// is open and refreshed when the source file is saved in the editor.
import * as vscode from 'vscode';
import type { DecodedItem } from '../../core/model';
import type { Log } from '../log';
import { UserError } from '../errors';

export const DECODED_SCHEME = 'certscope-decoded';
const TITLE_SUFFIX = ' (decoded)';

/** The decoded-document URI for a source file: same path plus " (decoded)", source in the query. */
export function decodedUriFor(source: vscode.Uri): vscode.Uri {
  return vscode.Uri.from({ scheme: DECODED_SCHEME, path: source.path + TITLE_SUFFIX, query: source.toString() });
}

export function sourceUriOf(decoded: vscode.Uri): vscode.Uri {
  return vscode.Uri.parse(decoded.query, true);
}

export interface RenderedFile {
  uri: vscode.Uri;
  items: DecodedItem[];
  text: string;
}

interface CacheEntry {
  source: vscode.Uri;
  /** Kept in memory only, to re-render a PKCS#12 file after a save. Never logged. */
  password?: string;
  text: string;
}

export class DecodedDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly subscriptions: vscode.Disposable[] = [this.changed];

  constructor(private readonly log: Log) {
    this.subscriptions.push(
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc.uri.scheme === DECODED_SCHEME) this.cache.delete(doc.uri.toString());
      }),
      vscode.workspace.onDidSaveTextDocument((doc) => this.sourceSaved(doc.uri)),
    );
  }

  /** Decodes `source` (reading it fresh) and caches the rendering for its decoded URI. */
  async render(source: vscode.Uri, password?: string): Promise<RenderedFile> {
    const fileName = baseName(source);
    const bytes = await readSource(source);
    // Loaded on first use so that activation does not pay for pkijs/asn1js.
    const [{ decodeBytes }, { renderText }] = await Promise.all([
      import('../../core/decode/index'),
      import('../../core/present/text'),
    ]);
    const items = decodeBytes(bytes, { fileName, password });
    const text = renderText(items, { now: new Date(), fileName });
    const uri = decodedUriFor(source);
    this.cache.set(uri.toString(), { source, password, text });
    this.log.info(`decoded ${source.fsPath || source.toString()}: ${items.length} item(s)`);
    return { uri, items, text };
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const cached = this.cache.get(uri.toString());
    if (cached) return cached.text;
    // Restored editor after a reload, or a URI built elsewhere: decode from the source now.
    try {
      return (await this.render(sourceUriOf(uri))).text;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log.warn(`cannot decode ${uri.query}: ${message}`);
      return `Certscope could not decode this file.\n\n${message}\n`;
    }
  }

  private sourceSaved(source: vscode.Uri): void {
    const key = decodedUriFor(source).toString();
    const entry = this.cache.get(key);
    if (!entry) return;
    this.render(entry.source, entry.password).then(
      (r) => this.changed.fire(r.uri),
      (err: unknown) => this.log.warn(`re-decoding ${source.toString()} failed: ${String(err)}`),
    );
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
    this.cache.clear();
  }
}

export function registerDecodedDocuments(context: vscode.ExtensionContext, provider: DecodedDocumentProvider): void {
  context.subscriptions.push(
    provider,
    vscode.workspace.registerTextDocumentContentProvider(DECODED_SCHEME, provider),
  );
}

function baseName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1) || uri.toString();
}

/**
 * The bytes to decode. Unsaved editors (untitled PEM pasted by the user) are decoded from their
 * text; files on disk through the core's size-capped reader; other schemes through VS Code's file
 * system API with the same cap. Unreadable files become a UserError naming the file.
 */
async function readSource(source: vscode.Uri): Promise<Uint8Array> {
  const name = baseName(source);
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === source.toString());
  if (open?.isUntitled) return new TextEncoder().encode(open.getText());
  const { readFileForDecoding, DEFAULT_MAX_BYTES, formatSize } = await import('../../core/decode/file');
  if (source.scheme === 'file') {
    const read = readFileForDecoding(source.fsPath);
    if (!read.ok) throw new UserError(`${name}: ${read.error}`);
    return read.bytes;
  }
  try {
    const stat = await vscode.workspace.fs.stat(source);
    if (stat.size > DEFAULT_MAX_BYTES) {
      throw new UserError(`${name}: file is ${formatSize(stat.size)}, over the ${formatSize(DEFAULT_MAX_BYTES)} limit; not read`);
    }
    return await vscode.workspace.fs.readFile(source);
  } catch (err) {
    if (err instanceof vscode.FileSystemError) throw new UserError(`${name}: ${err.message}`);
    throw err;
  }
}
