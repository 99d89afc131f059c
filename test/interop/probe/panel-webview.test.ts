// The test panel's browser code in real headless Chromium (Debian chromium via playwright-core),
// under the same CSP as in VS Code (default-src 'none', nonce'd script): it sends `ready`, renders
// the form from `init`, posts `run` with the form, and renders a real captured result (a TLS 1.3
// certificate_revoked rejection) with the alert, diagnosis, timeline, chain and staple.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { diagnose } from '../../../src/core/probe/diagnose';
import type { Diagnosis, ProbeContext, ProbeResult } from '../../../src/core/probe/types';
import { DEFAULT_FORM, type HostMessage } from '../../../src/webview/protocol';
import { makeTempDir } from '../../support/tmp';

const CHROMIUM = process.env.CERTSCOPE_CHROMIUM ?? '/usr/bin/chromium';
const NONCE = 'dGVzdC1ub25jZS0xMjM0NTY=';

describe('test panel webview in Chromium', function () {
  this.timeout(60_000);
  const tmp = makeTempDir('certscope-webview-');
  let server: Server;
  let origin = '';
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let browser: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let page: any;
  const violations: string[] = [];

  before(async function () {
    if (!existsSync(CHROMIUM)) this.skip();
    await esbuild.build({ entryPoints: ['src/webview/main.ts'], bundle: true, format: 'iife', platform: 'browser', target: 'es2022', outfile: join(tmp.dir, 'webview.js'), logLevel: 'silent' });
    const csp = `default-src 'none'; style-src 'self'; script-src 'nonce-${NONCE}'`;
    const html = `<!DOCTYPE html><html><head><meta charset="UTF-8"><link rel="stylesheet" href="/panel.css"></head><body>
<main id="app"></main>
<script nonce="${NONCE}">
  window.__posted = [];
  window.__state = undefined;
  window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => window.__state, setState: (s) => { window.__state = s; } });
  document.addEventListener('securitypolicyviolation', (e) => console.log('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));
</script>
<script nonce="${NONCE}" src="/webview.js"></script></body></html>`;
    server = createServer((req, res) => {
      const body = req.url === '/' ? html : req.url === '/webview.js' ? readFileSync(join(tmp.dir, 'webview.js')) : req.url === '/panel.css' ? readFileSync('media/panel.css') : undefined;
      if (body === undefined) { res.writeHead(404).end(); return; }
      const type = req.url === '/' ? 'text/html' : req.url === '/webview.js' ? 'text/javascript' : 'text/css';
      res.writeHead(200, { 'content-type': type, 'content-security-policy': csp }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
    page.on('console', (m: { text(): string }) => { if (m.text().startsWith('CSP violation')) violations.push(m.text()); });
    page.on('pageerror', (e: Error) => violations.push(`page error: ${e.message}`));
    await page.goto(origin + '/');
  });
  after(async () => {
    await browser?.close();
    server?.close();
    tmp.cleanup();
  });

  // These callbacks run in the page (DOM), where globalThis is the window.
  const posted = (): Promise<Array<{ type: string; [k: string]: unknown }>> => page.evaluate(() => (globalThis as unknown as { __posted: unknown[] }).__posted);
  const deliver = (m: HostMessage): Promise<void> => page.evaluate((msg: HostMessage) => (globalThis as unknown as { postMessage(x: unknown, o: string): void }).postMessage(msg, '*'), m);

  it('sends ready first and renders the form from init', async () => {
    const first = (await posted())[0];
    assert.deepEqual(first, { type: 'ready' });
    await deliver({ type: 'init', profiles: [{ name: 'lab', url: 'mqtts://lab:8883', hasPassword: true }], form: { ...DEFAULT_FORM, url: 'mqtts://broker.test:8883' } });
    assert.equal(await page.inputValue('#f-url'), 'mqtts://broker.test:8883');
    assert.match(await page.textContent('#profile'), /lab — mqtts:\/\/lab:8883/);
  });

  it('Run posts the form with a request id, and Browse asks the host for a file', async () => {
    await page.fill('#f-url', 'mqtts://localhost:8883');
    await page.selectOption('#f-tls', '1.3');
    await page.click('#pick-certPath');
    await page.click('#run');
    const msgs = await posted();
    const pick = msgs.find((m) => m.type === 'pickFile');
    assert.equal(pick?.field, 'certPath');
    const run = msgs.find((m) => m.type === 'run') as { id: number; form: { url: string; tlsVersion: string } } | undefined;
    assert.ok(run && typeof run.id === 'number');
    assert.equal(run.form.url, 'mqtts://localhost:8883');
    assert.equal(run.form.tlsVersion, '1.3');
    assert.equal(await page.textContent('#run'), 'Running…');
    // While running, Cancel asks the host to abort that run.
    await page.click('#cancel');
    const cancel = (await posted()).find((m) => m.type === 'cancel');
    assert.equal(cancel?.runId, run.id);
  });

  it('renders a real certificate_revoked result: alert, diagnosis, timeline, chain', async () => {
    const captured = JSON.parse(readFileSync('test/unit/probe/fixtures/results/tls13-revoked.json', 'utf8')) as { result: ProbeResult; preflight: Diagnosis[]; context?: ProbeContext };
    const result = { ...captured.result, diagnosis: diagnose(captured.result, captured.preflight, captured.context) };
    const run = (await posted()).find((m) => m.type === 'run') as unknown as { id: number };
    await deliver({ type: 'runResult', id: run.id, result });
    assert.match(await page.textContent('#verdict'), /The connection fails/);
    assert.match(await page.textContent('#alert'), /TLS alert certificate_revoked \(44\) received after the handshake/);
    assert.match(await page.textContent('#diagnosis'), /as revoked/);
    assert.equal(await page.locator('#timeline > li').count(), result.steps.length);
    assert.equal(await page.locator('#timeline dt.alert-key').count(), 1);
    assert.equal(await page.locator('#chain details').count(), result.chain!.certificates.length);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/panel-revoked.png', fullPage: true });
    assert.deepEqual(violations, []);
  });

  it('renders an nginx silent close: the cause with its confidence and evidence, fixes naming the form\'s fields, the stack guess and the extra probes', async () => {
    const captured = JSON.parse(readFileSync('test/unit/probe/fixtures/results/stacks/nginx-no-cert-1.3.json', 'utf8')) as { result: ProbeResult; preflight: Diagnosis[] };
    const result = { ...captured.result, diagnosis: diagnose(captured.result, captured.preflight, { surface: 'form' }) };
    await page.click('#run');
    const run = (await posted()).filter((m) => m.type === 'run').at(-1) as unknown as { id: number };
    await deliver({ type: 'runResult', id: run.id, result });
    const first = page.locator('#diagnosis > li').first();
    assert.equal(await first.getAttribute('data-kind'), 'certificate_required');
    assert.match(await first.locator('.confidence').textContent(), /likely/);
    assert.match(await first.locator('.fix').textContent(), /the "Client certificate" field and the "Client key" field/);
    assert.doesNotMatch(await page.textContent('#diagnosis'), /--cert|--key/);
    assert.ok(await first.locator('details.evidence li').count() > 0);
    assert.match(await page.textContent('#server-stack'), /nginx stream/);
    assert.match(await page.textContent('#differential'), /TLS 1\.2: /);
    // The key log option is off by default and says the file is secret.
    assert.equal(await page.inputValue('#f-keylogPath'), '');
    assert.match(await page.textContent('#keylog-hint'), /SECRET/);
    assert.deepEqual(violations, []);
  });

  it('a run error is shown without breaking the form', async () => {
    await page.click('#run');
    const run = (await posted()).filter((m) => m.type === 'run').at(-1) as unknown as { id: number };
    await deliver({ type: 'runError', id: run.id, message: 'CA file: cannot read /x.pem (ENOENT)' });
    assert.match(await page.textContent('#run-error'), /ENOENT/);
    assert.equal(await page.isEnabled('#run'), true);
  });
});
