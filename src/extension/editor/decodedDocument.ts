// Read-only "decoded" documents: `certscope-decoded:` URIs whose text is the core's readable
// rendering of a certificate-ish file (certificate, CRL, CSR, key metadata, OCSP, PKCS#7/#12).
// The decoded URI carries the source file's URI in its query, so VS Code can restore the editor
// after a reload (the provider re-decodes on demand). Rendered text is cached while the document
// is open and refreshed when the source changes (saved in the editor or changed on disk), when
// Inspect runs again, and when the workspace's CRLs change (the status shown is the revocation
// service's, the same as the tree's).
import * as vscode from 'vscode';
import type { DecodedItem } from '../../core/model';
import type { Log } from '../log';
import { UserError } from '../errors';
import type { PkiWorkspace } from '../views/pkiWorkspace';

export const DECODED_SCHEME = 'certscope-decoded';
const TITLE_SUFFIX = ' (decoded)';

/** The decoded-document URI for a source file: same path plus " (decoded)", source in the query. */
function decodedUriFor(source: vscode.Uri): vscode.Uri {
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
  /** Watches the source on disk (changes made outside the editor: openssl, git, another tool). */
  watcher?: vscode.Disposable;
}

export class DecodedDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly cache = new Map<string, CacheEntry>();
  /** Per decoded URI, the number of the newest render() started (several events may re-render at once). */
  private readonly renders = new Map<string, number>();
  private readonly subscriptions: vscode.Disposable[] = [this.changed];

  constructor(private readonly log: Log, private readonly pki?: PkiWorkspace) {
    this.subscriptions.push(
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc.uri.scheme !== DECODED_SCHEME) return;
        this.cache.get(doc.uri.toString())?.watcher?.dispose();
        this.cache.delete(doc.uri.toString());
      }),
      vscode.workspace.onDidSaveTextDocument((doc) => this.sourceChanged(doc.uri)),
    );
    // A CRL added, replaced or removed anywhere in the workspace can change every status shown.
    if (pki) this.subscriptions.push(pki.onDidChange(() => { for (const e of [...this.cache.values()]) this.sourceChanged(e.source); }));
  }

  /** Decodes `source` (reading it fresh) and caches the rendering for its decoded URI. */
  async render(source: vscode.Uri, password?: string): Promise<RenderedFile> {
    const uri = decodedUriFor(source);
    const key = uri.toString();
    const generation = (this.renders.get(key) ?? 0) + 1;
    this.renders.set(key, generation);
    const fileName = baseName(source);
    const bytes = await readSource(source);
    // Loaded on first use so that activation does not pay for the decoders (dist/engine.js).
    const [{ decodeBytes }, { renderText }] = await Promise.all([
      import('../../core/decode/index'),
      import('../../core/present/text'),
    ]);
    const items = decodeBytes(bytes, { fileName, password });
    const a = this.pki?.analysis();
    const text = renderText(items, {
      now: a?.options.now ?? new Date(), fileName,
      ...(a && this.pki ? { status: (c) => a.status(c), fileLabel: (k) => this.pki!.fileLabel(k) } : {}),
    });
    // A render started later read the file later: an older one finishing last must not win.
    if (this.renders.get(key) !== generation) return { uri, items, text };
    const previous = this.cache.get(key);
    this.cache.set(key, { source, password, text, watcher: previous?.watcher ?? this.watch(source) });
    this.log.info(`decoded ${source.fsPath || source.toString()}: ${items.length} item(s)`);
    // An open document shows the new text only when told (Inspect run again, source changed).
    if (previous && previous.text !== text) this.changed.fire(uri);
    return { uri, items, text };
  }

  /**
   * render(), asking for a PKCS#12 password until the store opens: a wrong password asks again
   * (instead of a "wrong password" document that never updates). Undefined when the user cancels.
   */
  async renderAskingPassword(source: vscode.Uri): Promise<RenderedFile | undefined> {
    let rendered = await this.render(source);
    const name = baseName(source);
    for (let attempt = 0; rendered.items.some((i) => i.result.kind === 'pkcs12' && !i.result.opened); attempt++) {
      const password = await vscode.window.showInputBox({
        title: `Certscope: password for ${name}`,
        prompt: attempt === 0
          ? 'PKCS#12 password (leave empty for none). It stays in memory only.'
          : 'Wrong password: try again (Escape cancels).',
        password: true,
        ignoreFocusOut: true,
      });
      if (password === undefined) return undefined;
      rendered = await this.render(source, password);
    }
    return rendered;
  }

  /** The current rendering of an open decoded document (the DER viewer redraws from it). */
  textOf(decoded: vscode.Uri): string | undefined {
    return this.cache.get(decoded.toString())?.text;
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

  private watch(source: vscode.Uri): vscode.Disposable | undefined {
    if (source.scheme !== 'file') return undefined;
    const slash = source.path.lastIndexOf('/');
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(source.with({ path: source.path.slice(0, slash) || '/' }), source.path.slice(slash + 1)));
    const changed = (): void => this.sourceChanged(source);
    const subs = [w, w.onDidChange(changed), w.onDidCreate(changed), w.onDidDelete(changed)];
    return { dispose: () => { for (const s of subs) s.dispose(); } };
  }

  private sourceChanged(source: vscode.Uri): void {
    const entry = this.cache.get(decodedUriFor(source).toString());
    if (!entry) return;
    this.render(entry.source, entry.password).catch((err: unknown) => {
      // The source vanished or became unreadable: say so in the open document instead of going stale.
      const message = err instanceof Error ? err.message : String(err);
      this.log.warn(`re-decoding ${source.toString()} failed: ${message}`);
      const uri = decodedUriFor(source);
      const e = this.cache.get(uri.toString());
      if (e) { e.text = `Certscope could not decode this file.\n\n${message}\n`; this.changed.fire(uri); }
    });
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
    for (const e of this.cache.values()) e.watcher?.dispose();
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
