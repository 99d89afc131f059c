// Host side of "Certscope: Open Connection Test": one webview panel, a typed message protocol
// (src/webview/protocol.ts), file pickers, saved profiles, and runs of the core probe. The panel
// HTML allows nothing but our own stylesheet and one nonce'd script (CSP default-src 'none').
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import * as vscode from 'vscode';
import { decodeCertificate } from '../../core/decode/certificate';
import { certificatesFromPem } from '../../core/probe/certs';
import { formatProbe } from '../../core/probe/format';
import { probe } from '../../core/probe/probe';
import type { PemInput, ProbeOptions, ProbeResult, RevocationSource } from '../../core/probe/types';
import { KeylogFile } from '../../core/tls/keylogFile';
import type { Services } from '../services';
import { isWebviewRequest, type FileField, type FormState, type HostMessage, type PanelResult, type WebviewRequest } from '../../webview/protocol';
import { ProfileStore } from './profiles';
import { describePrefill, type Prefill } from './prefill';

const VIEW_TYPE = 'certscope.testPanel';

/** What the panel needs from the extension context (kept per Services object by registerTestPanel). */
export interface PanelEnvironment {
  extensionUri: vscode.Uri;
  profiles: ProfileStore;
}

const FILE_TITLES: Record<FileField, string> = {
  caPath: 'CA certificate(s) the broker certificate must chain to',
  certPath: 'Client certificate (PEM, leaf first)',
  keyPath: 'Client private key (PEM)',
};

// Compile-time check that the core's result fits the shape the webview renders.
const fitsProtocol = (r: ProbeResult): PanelResult => r;

function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, nonce: string): string {
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'panel.css'));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>Connection Test</title>
</head>
<body>
<main id="app" aria-live="polite"></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}

export class TestPanelHost implements vscode.Disposable {
  private static current: TestPanelHost | undefined;
  private readonly posted = new vscode.EventEmitter<HostMessage>();
  /** Every message sent to the webview (integration tests listen here). */
  readonly onDidPost = this.posted.event;
  private readonly disposables: vscode.Disposable[] = [];
  private running: { id: number; abort: AbortController } | undefined;
  private lastResult: ProbeResult | undefined;
  /** Values the panel was opened with; applied after every `ready` until the user runs a test. */
  private prefill: Prefill | undefined;
  private webviewReady = false;

  static isOpen(): boolean {
    return TestPanelHost.current !== undefined;
  }

  /** Opens or reveals the panel; a prefill (when given) is applied now or once the webview is ready. */
  static show(env: PanelEnvironment, services: Services, prefill?: Prefill): TestPanelHost {
    if (TestPanelHost.current) {
      TestPanelHost.current.panel.reveal();
      if (prefill) TestPanelHost.current.applyPrefill(prefill);
      return TestPanelHost.current;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Connection Test', vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(env.extensionUri, 'dist'), vscode.Uri.joinPath(env.extensionUri, 'media')],
    });
    TestPanelHost.current = new TestPanelHost(panel, env, services);
    if (prefill) TestPanelHost.current.applyPrefill(prefill);
    return TestPanelHost.current;
  }

  private constructor(readonly panel: vscode.WebviewPanel, private readonly env: PanelEnvironment, private readonly services: Services) {
    panel.webview.html = panelHtml(panel.webview, env.extensionUri, randomBytes(16).toString('base64'));
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => { void this.receive(m); }),
      panel.onDidDispose(() => this.dispose()),
      this.posted,
    );
  }

  dispose(): void {
    if (TestPanelHost.current === this) TestPanelHost.current = undefined;
    // Closing the panel stops a run in progress (its sockets are destroyed).
    this.running?.abort.abort();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  /** The prefill the panel holds (sent after each `ready` until a run); for tests and scripts. */
  get pendingPrefill(): Prefill | undefined {
    return this.prefill;
  }

  private applyPrefill(p: Prefill): void {
    this.prefill = p;
    if (this.webviewReady) this.postPrefill();
  }

  private postPrefill(): void {
    if (!this.prefill) return;
    const message = describePrefill(this.prefill);
    if (message) this.services.log.info(`test panel: ${message}`);
    this.post({ type: 'prefill', form: this.prefill.form, message });
  }

  private post(message: HostMessage): void {
    this.posted.fire(message);
    void this.panel.webview.postMessage(message);
  }

  /** Handles one message from the webview. Public so tests can drive the panel like the webview does. */
  async receive(message: unknown): Promise<void> {
    if (!isWebviewRequest(message)) {
      this.services.log.warn(`test panel: ignored a malformed message from the webview`);
      return;
    }
    try {
      await this.handle(message);
    } catch (err) {
      this.services.log.error('test panel: request failed', err);
      if ('id' in message) this.post({ type: 'runError', id: message.id, message: err instanceof Error ? err.message : String(err) });
    }
  }

  private async handle(m: WebviewRequest): Promise<void> {
    const profiles = this.env.profiles;
    switch (m.type) {
      case 'ready':
        this.webviewReady = true;
        this.post({ type: 'init', profiles: profiles.list(), form: profiles.lastForm() });
        this.postPrefill();
        return;
      case 'pickFile': {
        const picked = await vscode.window.showOpenDialog({
          canSelectMany: false, openLabel: 'Select', title: FILE_TITLES[m.field],
          defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
          filters: { 'PEM files': ['pem', 'crt', 'cer', 'key'], 'All files': ['*'] },
        });
        this.post({ type: 'picked', id: m.id, field: m.field, path: picked?.[0]?.fsPath });
        return;
      }
      case 'run':
        await this.run(m.id, m.form);
        return;
      case 'cancel':
        if (this.running?.id === m.runId) this.running.abort.abort();
        return;
      case 'saveProfile':
        await profiles.save(m.name, m.form);
        this.post({ type: 'profiles', id: m.id, profiles: profiles.list(), message: `Saved profile "${m.name.trim()}"` });
        return;
      case 'loadProfile': {
        const form = await profiles.load(m.name);
        if (!form) this.post({ type: 'profiles', id: m.id, profiles: profiles.list(), message: `No profile "${m.name}"` });
        else this.post({ type: 'profileLoaded', id: m.id, name: m.name, form });
        return;
      }
      case 'deleteProfile':
        await profiles.delete(m.name);
        this.post({ type: 'profiles', id: m.id, profiles: profiles.list(), message: `Deleted profile "${m.name}"` });
        return;
      case 'openTrace': {
        if (!this.lastResult) {
          this.post({ type: 'traceOpened', id: m.id, ok: false, message: 'Run a test first.' });
          return;
        }
        const doc = await vscode.workspace.openTextDocument({ content: formatProbe(this.lastResult), language: 'plaintext' });
        await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
        this.post({ type: 'traceOpened', id: m.id, ok: true });
        return;
      }
    }
  }

  private async run(id: number, form: FormState): Promise<void> {
    if (this.running) {
      this.post({ type: 'runError', id, message: 'A test is already running.' });
      return;
    }
    const abort = new AbortController();
    this.running = { id, abort };
    // From now on the form the user ran is remembered: a reload shows it, not the old prefill.
    this.prefill = undefined;
    this.post({ type: 'runStarted', id });
    try {
      await this.env.profiles.rememberForm(form);
      const options = { ...(await this.toOptions(form)), signal: abort.signal };
      this.services.log.info(`test panel: probing ${form.url}`);
      const keylog = form.keylogPath?.trim() ? new KeylogFile(this.resolvePath(form.keylogPath.trim())) : undefined;
      if (keylog) this.services.log.info(`test panel: writing TLS session secrets to ${keylog.path} (secret: whoever has the file can decrypt the captured session)`);
      let result: ProbeResult;
      try {
        result = await probe({ ...options, keylog });
      } finally {
        keylog?.close();
      }
      this.lastResult = result;
      this.services.log.info(`test panel: ${form.url} ${result.ok ? 'works' : `fails (${result.diagnosis.find((d) => d.severity === 'error')?.kind ?? result.error?.code ?? '?'})`}`);
      this.post({ type: 'runResult', id, result: fitsProtocol(result) });
    } catch (err) {
      this.post({ type: 'runError', id, message: err instanceof Error ? err.message : String(err) });
    } finally {
      this.running = undefined;
    }
  }

  /** A form path, relative to the first workspace folder unless absolute. */
  private resolvePath(path: string): string {
    const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    return isAbsolute(path) || !base ? path : resolve(base, path);
  }

  private async toOptions(form: FormState): Promise<ProbeOptions> {
    const read = async (path: string, what: string): Promise<PemInput | undefined> => {
      if (!path.trim()) return undefined;
      const full = this.resolvePath(path);
      try {
        return { pem: await readFile(full, 'utf8'), source: path };
      } catch (err) {
        throw new Error(`${what}: cannot read ${full} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
      }
    };
    const cert = await read(form.certPath, 'Client certificate');
    const timeout = Number.isFinite(form.timeoutSeconds) && form.timeoutSeconds > 0 ? Math.min(form.timeoutSeconds, 120) : 10;
    return {
      url: form.url.trim(),
      ca: await read(form.caPath, 'CA file'),
      cert,
      key: await read(form.keyPath, 'Client key'),
      servername: form.servername.trim() || undefined,
      tlsVersion: form.tlsVersion || undefined,
      requestOcsp: form.requestOcsp,
      mqttVersion: form.mqttVersion,
      clientId: form.clientId.trim() || undefined,
      username: form.username || undefined,
      password: form.password || undefined,
      timeoutMs: timeout * 1000,
      context: { crls: this.workspaceCrls(cert), surface: 'form' },
    };
  }

  /** The workspace's CRLs of the client certificate's issuer (newest first): the probe judges revocation and staleness with them. */
  private workspaceCrls(cert: PemInput | undefined): RevocationSource[] {
    const der = cert ? certificatesFromPem(cert.pem)[0] : undefined;
    const analysis = this.services.pki.analysis();
    if (!der || !analysis) return [];
    try {
      return analysis.revocation.crlsFor(decodeCertificate(der)).map((c) => ({ der: c.crl.der, source: this.services.pki.fileLabel(c.loc.file) }));
    } catch {
      return [];
    }
  }
}
