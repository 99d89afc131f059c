// e2e steps for fleet scale, real-world formats and the first hour (added to the runner's list):
// hover on base64 data of a Kubernetes Secret, a CA with 5,000 leaves expanding into status and
// expiry-month groups, a vendor CA bundle shown as one node, and the new Connection Test entry
// points (Local Broker view title, Explorer context menu of a certificate with a paired key).
// Files are written into the sandbox workspace at step time; facts come from openssl.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../integration/code-server.mjs';

/** @param {string} workspace @param {Record<string, any>} h helpers of run.mjs */
export function scaleTests(workspace, h) {
  const T = h.STEP_TIMEOUT_MS;
  const pki = (f) => join(workspace, 'pki', f);
  const openssl = (args) => execFileSync('openssl', args, { encoding: 'utf8', timeout: 10_000 });
  const fingerprint = (file) => openssl(['x509', '-in', file, '-noout', '-fingerprint', '-sha256']).trim().split('=')[1];
  const row = (page, text) => h.sidebarRow(page, text);
  /** Opens a tree row through its twistie (a click on a certificate's label opens the certificate). */
  async function expand(page, name, timeout = T) {
    const r = row(page, name);
    await r.waitFor({ state: 'visible', timeout });
    if ((await r.getAttribute('aria-expanded')) === 'false') await r.locator('.monaco-tl-twistie').click();
    return r;
  }
  /**
   * Shows the Workspace PKI with only its top-level groups open (other panes collapsed for room)
   * once `ready(page)` holds: files written by a step are indexed a moment later, and a refresh
   * that lands after "Collapse All" would open everything again, so collapse and check in a loop.
   */
  async function freshTree(page, ready) {
    await h.showCertscope(page);
    const ca = page.locator('.pane-header', { hasText: 'Certificate Authorities' }).first();
    if ((await ca.getAttribute('aria-expanded')) === 'true') await ca.click();
    const pki = page.locator('.pane-header', { hasText: 'Workspace PKI' }).first();
    // An earlier step (the revocation loop) may have collapsed this pane: its actions show only when open.
    if ((await pki.getAttribute('aria-expanded')) !== 'true') await pki.click();
    const broker = page.locator('.pane-header', { hasText: 'Local Broker' }).first();
    if ((await broker.getAttribute('aria-expanded')) === 'true') await broker.click();
    const end = Date.now() + 120_000;
    for (;;) {
      await pki.hover();
      await pki.locator('.action-item a[aria-label^="Collapse All"]').first().click();
      if (await ready(page)) return;
      if (Date.now() > end) throw new Error('the Workspace PKI did not show the new files within 120 s');
      await page.waitForTimeout(2_000);
    }
  }

  return [
    {
      name: 'hover on base64 data of a Kubernetes Secret (tls.crt) shows the certificate and its fingerprint',
      shot: 'e2e-scale-k8s-base64-hover.png',
      async run(page) {
        await h.closeAllEditors(page);
        mkdirSync(join(workspace, 'k8s'), { recursive: true });
        const b64 = (f) => readFileSync(f).toString('base64');
        writeFileSync(join(workspace, 'k8s', 'broker-tls-secret.yaml'), [
          'apiVersion: v1', 'kind: Secret', 'metadata:', '  name: broker-tls', 'type: kubernetes.io/tls', 'data:',
          `  tls.crt: ${b64(pki('broker.crt'))}`, `  tls.key: ${b64(pki('broker.key'))}`, '',
        ].join('\n'));
        await h.quickOpen(page, 'broker-tls-secret.yaml');
        const line = page.locator('.editor-group-container.active .view-lines .view-line', { hasText: 'tls.crt' }).first();
        await line.waitFor({ state: 'visible', timeout: T });
        const hover = page.locator('.monaco-hover', { hasText: 'SHA-256' }).first();
        for (let i = 0; i < 10 && !(await hover.isVisible()); i++) {
          const box = await line.boundingBox();
          if (!box) { await page.waitForTimeout(300); continue; }
          await page.mouse.move(box.x + 160 + i * 15, box.y + box.height / 2);
          await hover.waitFor({ state: 'visible', timeout: 4_000 }).catch(() => {});
        }
        const text = h.plain(await hover.innerText({ timeout: T })).replace(/\s+/g, ' ');
        const fp = fingerprint(pki('broker.crt'));
        if (!text.replace(/ /g, '').includes(fp)) throw new Error(`the hover does not show the SHA-256 ${fp}. It shows:\n${text.slice(0, 800)}`);
        await page.waitForTimeout(300);
      },
    },
    {
      name: 'a CA with 5,000 leaves expands into status groups with counts, then expiry months',
      shot: 'e2e-scale-5000-leaf-ca.png',
      async run(page) {
        await page.mouse.move(0, 0);
        await h.closeAllEditors(page);
        const dir = join(workspace, 'fleet');
        // The fleet generator is TypeScript (test/support/fleet.ts): run it through tsx.
        execFileSync(process.execPath, ['--import', 'tsx', '-e', `require(${JSON.stringify(join(repoRoot, 'test', 'support', 'fleet.ts'))}).makeFleet(${JSON.stringify(dir)}, 5000)`],
          { cwd: repoRoot, timeout: 120_000 });
        await freshTree(page, async (p) => {
          await expand(p, 'Trust chains');
          return row(p, 'Fleet Root CA').isVisible();
        });
        await expand(page, 'Fleet Root CA');
        const ca = row(page, 'Fleet Devices CA');
        await ca.waitFor({ state: 'visible', timeout: T });
        // A CA with thousands of leaves opens into status groups with counts.
        const group = (name) => page.locator('.part.sidebar .monaco-list-row', { hasText: new RegExp(`^\\s*${name}\\s*\\d+\\s*$`) }).first();
        const t0 = Date.now();
        await expand(page, 'Fleet Devices CA');
        const valid = group('Valid');
        await valid.waitFor({ state: 'visible', timeout: T });
        await group('Expired').waitFor({ state: 'visible', timeout: T });
        await valid.locator('.monaco-tl-twistie').click();
        await page.locator('.part.sidebar .monaco-list-row', { hasText: /Expires \d{4}-\d\d/ }).first().waitFor({ state: 'visible', timeout: T });
        console.log(`    (5,000-leaf CA: groups shown ${Date.now() - t0} ms after the click)`);
        const rows = await page.locator('.part.sidebar .monaco-list-row').count();
        if (rows > 400) throw new Error(`the tree renders ${rows} rows: the leaves were not grouped`);
        await page.waitForTimeout(300);
      },
    },
    {
      name: 'a vendor CA bundle of unrelated roots is one node with a count, not chains',
      shot: 'e2e-scale-ca-bundle.png',
      async run(page) {
        rmSync(join(workspace, 'fleet'), { recursive: true, force: true });
        const dir = join(workspace, 'vendor');
        mkdirSync(dir, { recursive: true });
        const roots = [];
        for (let i = 0; i < 12; i++) {
          const k = join(dir, 'k.pem');
          const c = join(dir, 'c.pem');
          openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', k, '-subj', `/O=Vendor/CN=Vendor Root ${i}`, '-days', '90', '-out', c]);
          roots.push(readFileSync(c, 'utf8'));
        }
        rmSync(join(dir, 'k.pem'));
        rmSync(join(dir, 'c.pem'));
        writeFileSync(join(dir, 'ca-certificates.crt'), roots.join(''));
        await freshTree(page, (p) => row(p, 'CA bundles').isVisible());
        await expand(page, 'CA bundles');
        const bundle = row(page, 'vendor/ca-certificates.crt');
        await bundle.waitFor({ state: 'visible', timeout: T });
        const text = h.plain(await bundle.innerText());
        if (!/12 certificates/.test(text)) throw new Error(`the bundle row says: ${text}`);
        if (await row(page, 'Vendor Root 3').isVisible()) throw new Error('a vendor root is shown outside its (collapsed) bundle');
      },
    },
    {
      name: 'Connection Test from the Local Broker view title and from the Explorer menu of a certificate with its key',
      shot: 'e2e-scale-connection-test-entry-points.png',
      async run(page) {
        await h.closeAllEditors(page);
        await h.showCertscope(page);
        const header = page.locator('.pane-header', { hasText: 'Local Broker' }).first();
        // Title actions show only on an open pane (the tree steps before this one fold it).
        if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
        const button = header.locator('.action-item a[aria-label="Open Connection Test"]').first();
        await header.hover();
        await button.waitFor({ state: 'visible', timeout: T });
        await button.click();
        await page.locator('.tab', { hasText: 'Connection Test' }).first().waitFor({ state: 'visible', timeout: T });
        await h.closeAllEditors(page);
        await page.locator('.activitybar .action-item a[aria-label^="Explorer"]').first().click();
        // Quick Open reveals the file in the Explorer.
        await h.quickOpen(page, 'broker.crt');
        const cert = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'broker.crt' }).first();
        await cert.waitFor({ state: 'visible', timeout: T });
        await cert.click({ button: 'right' });
        const item = page.locator('.context-view .monaco-menu .action-item', { hasText: 'Test Connection with This Certificate' }).first();
        await item.waitFor({ state: 'visible', timeout: T });
        await page.screenshot({ path: join(repoRoot, 'test-results', 'e2e-scale-explorer-test-connection.png') });
        await item.click();
        await page.locator('.tab', { hasText: 'Connection Test' }).first().waitFor({ state: 'visible', timeout: T });
      },
    },
  ];
}
