// e2e: the revocation loop in a real browser, driven like a user (command palette, QuickPick and
// InputBox steps, explorer context menu, modal dialog, the Connection Test webview, the status
// bar and the Local Broker view): create a CA, issue a server and a client certificate, start the
// broker (profile emqx5: the CA's certificates carry Certscope's CRL distribution point, which the
// broker serves and fetches), test the connection (works, good staple), revoke the client from the
// explorer, test again (certificate_revoked with the diagnosis), see the rejection in the Local
// Broker view, stop the broker. Screenshots: test-results/e2e-loop-*.png. Facts are checked with openssl.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { freePort, resultsDir } from '../integration/code-server.mjs';

/** The CA's CRL distribution point port (other runs may hold 8089): a free one. */
const crlServerPort = await freePort();
/** User settings the scenario needs: free ports (other runs may hold 8883), no WebSocket listener. */
export const loopSettings = { 'certscope.broker.port': 0, 'certscope.broker.wssPort': null, 'certscope.ca.crlServerPort': crlServerPort };

const CA_FOLDER = 'dev-ca';
const CLIENT_CN = 'device-42';

/** @param {string} workspace @param {Record<string, any>} h helpers of run.mjs */
export function loopTests(workspace, h) {
  const T = h.STEP_TIMEOUT_MS;
  const caDir = join(workspace, CA_FOLDER);
  const clientCert = join(caDir, 'issued', CLIENT_CN, 'cert.pem');
  const state = { port: 0 };

  const quickInput = (page) => page.locator('.quick-input-widget');
  /** Answers one InputBox/QuickPick step once its title shows `title`; `value` undefined keeps the default. */
  async function answer(page, title, value) {
    await quickInput(page).locator('.quick-input-title', { hasText: title }).first().waitFor({ state: 'visible', timeout: T });
    const input = quickInput(page).locator('.quick-input-box input');
    const prefilled = await input.inputValue();
    if (value !== undefined) {
      await input.fill(value);
      await page.waitForTimeout(150); // let a QuickPick filter its items before Enter
    }
    await page.keyboard.press('Enter');
    return prefilled;
  }
  async function toast(page, text) {
    const t = page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
    await t.waitFor({ state: 'visible', timeout: 60_000 });
    return h.plain(await t.innerText());
  }
  async function clearToasts(page) {
    await h.runPaletteCommand(page, 'Notifications: Clear All Notifications');
  }
  /** Quick Open by workspace-relative path (several files are called cert.pem). */
  async function quickOpenPath(page, file) {
    await h.quickInputClosed(page);
    await page.keyboard.press('Control+P');
    const input = quickInput(page).locator('.quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: T });
    await input.fill(relative(workspace, file));
    await quickInput(page).locator('.quick-input-list .monaco-list-row', { hasText: CLIENT_CN }).first().waitFor({ state: 'visible', timeout: T });
    await page.keyboard.press('Enter');
    await page.locator('.editor-group-container.active .tab.active', { hasText: 'cert.pem' }).first().waitFor({ state: 'visible', timeout: T });
  }
  function openssl(args) {
    return execFileSync('openssl', args, { encoding: 'utf8', timeout: 10_000 });
  }
  /** The Connection Test webview: code-server nests it in two iframes. */
  function panel(page) {
    return page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  }
  async function runConnectionTest(page) {
    const p = panel(page);
    await p.locator('#run').click();
    await p.locator('#verdict').waitFor({ state: 'visible', timeout: 30_000 });
    // A previous result may still be on screen: wait until the run finished (button enabled again).
    await p.locator('#run:not([disabled])').waitFor({ state: 'visible', timeout: 30_000 });
    return h.plain(await p.locator('#result').innerText());
  }

  return [
    {
      name: 'loop: "Create Development CA" through its InputBox/QuickPick steps; the CA view lists it',
      shot: 'e2e-loop-1-ca-created.png',
      async run(page) {
        await h.closeAllEditors(page);
        // The status bar item appears once the extension is active (and its context keys are set).
        await page.locator('.statusbar-item', { hasText: 'MQTT stopped' }).first().waitFor({ state: 'visible', timeout: 60_000 });
        await h.runPaletteCommand(page, 'Certscope: Create Development CA');
        await answer(page, '(1/3)', 'Certscope Dev CA');
        await answer(page, '(2/3)', 'p256');
        await answer(page, '(3/3)', CA_FOLDER);
        await toast(page, 'created in dev-ca');
        const subject = openssl(['x509', '-in', join(caDir, 'ca.crt'), '-noout', '-subject']);
        if (!/CN ?= ?Certscope Dev CA/.test(subject)) throw new Error(`openssl reads the CA subject as ${subject}`);
        await h.showCertscope(page);
        await h.sidebarRow(page, 'Certscope Dev CA').waitFor({ state: 'visible', timeout: T });
      },
    },
    {
      name: 'loop: issue a server certificate (SANs pre-filled) and a client certificate from the palette',
      shot: 'e2e-loop-2-issued.png',
      async run(page) {
        await clearToasts(page);
        await h.runPaletteCommand(page, 'Certscope: Issue Server Certificate');
        await answer(page, '(1/4)', 'localhost');
        const sans = await answer(page, '(2/4)');
        if (sans !== 'localhost, 127.0.0.1') throw new Error(`the SAN step was pre-filled with "${sans}"`);
        await answer(page, '(3/4)', 'p256');
        await answer(page, '(4/4)');
        await toast(page, 'issued /CN=localhost');
        await h.runPaletteCommand(page, 'Certscope: Issue Client Certificate');
        await answer(page, '(1/4)', CLIENT_CN);
        await answer(page, '(2/4)', '');
        await answer(page, '(3/4)', 'p256');
        await answer(page, '(4/4)', '90');
        await toast(page, `issued /CN=${CLIENT_CN}`);
        const v = openssl(['verify', '-CAfile', join(caDir, 'ca.crt'), clientCert]);
        if (!/: OK/.test(v)) throw new Error(`openssl verify: ${v}`);
        await h.showCertscope(page);
        await h.sidebarRow(page, CLIENT_CN).waitFor({ state: 'visible', timeout: T });
      },
    },
    {
      name: 'loop: "Start Local TLS Broker" from the palette; the status bar shows the port',
      shot: 'e2e-loop-3-broker-started.png',
      async run(page) {
        await clearToasts(page);
        await h.runPaletteCommand(page, 'Certscope: Start Local TLS Broker');
        const text = await toast(page, 'local broker on mqtts://localhost:');
        // The CA's certificates carry Certscope's CRL distribution point: EMQX 5's model, no fallback.
        if (!/profile emqx5, CRL check on, OCSP staple ready/.test(text)) throw new Error(`the start notification says: ${text}`);
        const item = page.locator('.statusbar-item', { hasText: 'MQTT :' }).first();
        await item.waitFor({ state: 'visible', timeout: T });
        const m = /MQTT :(\d+)/.exec(h.plain(await item.innerText()));
        if (!m) throw new Error('no port in the status bar');
        state.port = Number(m[1]);
      },
    },
    {
      name: 'loop: Connection Test with the client certificate works, with a good OCSP staple',
      shot: 'e2e-loop-4-test-works.png',
      async run(page) {
        if (!state.port) throw new Error('the broker did not start');
        await clearToasts(page);
        await h.runPaletteCommand(page, 'Certscope: Open Connection Test');
        const p = panel(page);
        await p.locator('#f-url').waitFor({ state: 'visible', timeout: T });
        await p.locator('#f-url').fill(`mqtts://localhost:${state.port}`);
        await p.locator('#f-caPath').fill(join(caDir, 'ca.crt'));
        await p.locator('#f-certPath').fill(clientCert);
        await p.locator('#f-keyPath').fill(join(caDir, 'issued', CLIENT_CN, 'key.pem'));
        if (!(await p.locator('#f-requestOcsp').isChecked())) await p.locator('#f-requestOcsp').check();
        // MQTT 3.1.1 until the local broker speaks MQTT 5 (the panel's default).
        await p.locator('#f-mqtt').selectOption('3.1.1');
        const text = await runConnectionTest(page);
        if (!text.includes('The connection works')) throw new Error(`the panel says:\n${text.slice(0, 1200)}`);
        const staple = h.plain(await p.locator('#staple').innerText());
        if (!/status\s+good/.test(staple)) throw new Error(`the staple section says:\n${staple}`);
        await p.locator('#result').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      },
    },
    {
      name: 'loop: right-click the client certificate in the explorer -> Revoke Certificate (reason, modal confirmation)',
      shot: 'e2e-loop-5-revoked.png',
      async run(page) {
        await quickOpenPath(page, clientCert);
        await h.runPaletteCommand(page, 'File: Reveal Active File in Explorer View');
        const row = page.locator('.explorer-folders-view .monaco-list-row.selected', { hasText: 'cert.pem' }).first();
        await row.waitFor({ state: 'visible', timeout: T });
        await row.click({ button: 'right' });
        const menu = page.locator('.context-view .monaco-menu').first();
        const item = menu.locator('.action-item', { hasText: 'Revoke Certificate' }).first();
        await item.waitFor({ state: 'visible', timeout: T });
        await item.hover();
        await item.click();
        await answer(page, 'Revoke Certificate', 'keyCompromise');
        const dialog = page.locator('.monaco-dialog-box').first();
        await dialog.waitFor({ state: 'visible', timeout: T });
        const dialogText = h.plain(await dialog.innerText());
        if (!dialogText.includes(CLIENT_CN) || !dialogText.includes('keyCompromise')) throw new Error(`the confirmation says: ${dialogText}`);
        await page.screenshot({ path: join(resultsDir, 'e2e-loop-5a-confirm.png') });
        await dialog.locator('.monaco-button', { hasText: 'Revoke' }).first().click();
        await toast(page, `revoked /CN=${CLIENT_CN}`);
        const v = execFileSync('sh', ['-c', `openssl verify -crl_check -CAfile "${join(caDir, 'ca.crt')}" -CRLfile "${join(caDir, 'crl.pem')}" "${clientCert}" 2>&1 || true`], { encoding: 'utf8' });
        if (!/certificate revoked/.test(v)) throw new Error(`openssl verify after revoking: ${v}`);
        await h.showCertscope(page);
        await page.locator('.part.sidebar .monaco-list-row', { hasText: CLIENT_CN }).filter({ hasText: 'revoked' }).first().waitFor({ state: 'visible', timeout: T });
      },
    },
    {
      name: 'loop: Connection Test again: certificate_revoked alert and the diagnosis',
      shot: 'e2e-loop-6-test-revoked.png',
      async run(page) {
        await clearToasts(page);
        await page.locator('.tab', { hasText: 'Connection Test' }).first().click();
        const text = await runConnectionTest(page);
        if (!text.includes('The connection fails')) throw new Error(`the panel says:\n${text.slice(0, 1200)}`);
        const alert = h.plain(await panel(page).locator('#alert').first().innerText());
        if (!alert.includes('certificate_revoked')) throw new Error(`the alert says: ${alert}`);
        const diagnosis = h.plain(await panel(page).locator('#diagnosis').innerText());
        if (!/revoked/i.test(diagnosis)) throw new Error(`the diagnosis says: ${diagnosis}`);
        await panel(page).locator('#result').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      },
    },
    {
      name: 'loop: the Local Broker view (opened from the status bar) lists the rejection with its reason',
      shot: 'e2e-loop-7-broker-view.png',
      async run(page) {
        // The status bar item offers the broker's actions; Show Broker Status reveals the view.
        await page.locator('.statusbar-item', { hasText: 'MQTT :' }).first().click();
        await answer(page, 'Local Broker Actions', 'Show Broker Status');
        // Room for the broker view: fold the Workspace PKI view above it.
        const pki = page.locator('.pane-header[aria-expanded="true"]', { hasText: 'Workspace PKI' }).first();
        if (await pki.isVisible()) await pki.click();
        const group = page.locator('.part.sidebar .monaco-list-row[aria-expanded="false"]', { hasText: 'Recent rejections' }).first();
        if (await group.isVisible()) await group.click();
        const row = page.locator('.part.sidebar .monaco-list-row', { hasText: CLIENT_CN }).filter({ hasText: 'certificate_revoked' }).first();
        await row.waitFor({ state: 'visible', timeout: T });
        const text = h.plain(await row.innerText());
        if (!/revoked/i.test(text)) throw new Error(`the rejection row says: ${text}`);
        await row.hover();
        await page.waitForTimeout(800);
      },
    },
    {
      name: 'loop: "Show Broker Log": the Certscope Broker output lists the accepted and the rejected client, no key material',
      shot: 'e2e-loop-7b-broker-log.png',
      async run(page) {
        await page.mouse.move(0, 0);
        await h.runPaletteCommand(page, 'Certscope: Show Broker Log');
        // Room for the whole run's log.
        await h.runPaletteCommand(page, 'View: Toggle Maximized Panel');
        const lines = page.locator('.part.panel .monaco-editor .view-lines').first();
        await lines.filter({ hasText: 'REJECTED' }).waitFor({ state: 'visible', timeout: T });
        const text = h.plain(await lines.innerText());
        // The output view wraps long lines at spaces: compare with runs of whitespace as one space.
        const flat = text.replace(/\s+/g, ' ');
        const cdp = `http://127.0.0.1:${crlServerPort}/${CA_FOLDER}.crl`;
        for (const needle of [
          `CRL fetched from ${cdp}`, `refetched the CRL from ${cdp}`,
          'certificate_revoked (44)',
        ]) {
          if (!flat.includes(needle)) throw new Error(`the broker log does not contain "${needle}". It shows:\n${text.slice(0, 1500)}`);
        }
        // The CLI's words (core/broker/format.ts): outcome, transport, peer, TLS version, cipher, client.
        for (const outcome of ['ACCEPTED', 'REJECTED']) {
          if (!new RegExp(`${outcome} mqtts 127\\.0\\.0\\.1:\\d+ TLSv1\\.[23] \\S+ CN=${CLIENT_CN} \\(serial [0-9a-f:]+\\)`).test(flat)) {
            throw new Error(`the broker log has no ${outcome} line for CN=${CLIENT_CN}. It shows:\n${text.slice(0, 1500)}`);
          }
        }
        if (/PRIVATE KEY|BEGIN /.test(text)) throw new Error('the broker log contains PEM material');
      },
    },
    {
      name: 'loop: "Stop Local TLS Broker": the status bar says stopped and the port is closed',
      shot: 'e2e-loop-8-broker-stopped.png',
      async run(page) {
        await page.mouse.move(0, 0);
        await h.runPaletteCommand(page, 'Certscope: Stop Local TLS Broker');
        await page.locator('.statusbar-item', { hasText: 'MQTT stopped' }).first().waitFor({ state: 'visible', timeout: T });
        const open = await new Promise((resolve) => {
          import('node:net').then(({ connect }) => {
            const s = connect(state.port, '127.0.0.1');
            s.once('connect', () => { s.destroy(); resolve(true); });
            s.once('error', () => resolve(false));
          });
        });
        if (open) throw new Error(`port ${state.port} still accepts connections`);
        if (!existsSync(join(caDir, 'index.txt'))) throw new Error('the CA database is gone');
      },
    },
  ];
}
