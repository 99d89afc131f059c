// e2e steps for the inspection side (added to the e2e runner's list): the Workspace PKI tree in the
// Certscope activity-bar view and a hover on a PEM block inside a YAML file. Screenshots go to
// test-results/ (e2e-inspect-tree.png, e2e-inspect-hover.png). Expected names come from openssl.
import { join } from 'node:path';

/** @param {string} workspace @param {Record<string, any>} h helpers of run.mjs */
export function inspectTests(workspace, h) {
  const pki = (f) => join(workspace, 'pki', f);
  const rootCn = h.opensslCommonName(pki('root.crt'));
  const interCn = h.opensslCommonName(pki('intermediate.crt'));
  const brokerCn = h.opensslCommonName(pki('broker.crt'));
  return [
    {
      name: 'Workspace PKI tree: chain root -> intermediate -> leaves with revoked and expired status',
      shot: 'e2e-inspect-tree.png',
      async run(page) {
        await h.closeAllEditors(page);
        await h.showCertscope(page);
        const row = (text) => h.sidebarRow(page, text);
        for (const cn of [rootCn, interCn, brokerCn, 'device-revoked', 'device-expired']) {
          await row(cn).waitFor({ state: 'visible', timeout: h.STEP_TIMEOUT_MS });
        }
        const revoked = h.plain(await row('device-revoked').innerText());
        if (!/revoked 2024-01-01/.test(revoked)) throw new Error(`the revoked certificate row says: ${revoked}`);
        const expired = h.plain(await row('device-expired').innerText());
        if (!/expired \d+ days ago/.test(expired)) throw new Error(`the expired certificate row says: ${expired}`);
        await row(brokerCn).hover();
        await page.locator('.monaco-hover, .workbench-hover', { hasText: 'SHA-256' }).first()
          .waitFor({ state: 'visible', timeout: 5_000 }).catch(() => {}); // tooltip in the shot when it shows
        await page.waitForTimeout(500);
      },
    },
    {
      name: 'hover on a PEM block inside a YAML file shows the certificate summary',
      shot: 'e2e-inspect-hover.png',
      async run(page) {
        await page.mouse.move(0, 0);
        await h.quickOpen(page, 'k8s-secret.yaml');
        const line = page.locator('.editor-group-container.active .view-lines .view-line', { hasText: 'MII' }).first();
        await line.waitFor({ state: 'visible', timeout: h.STEP_TIMEOUT_MS });
        const hover = page.locator('.monaco-hover', { hasText: 'Certificate' }).first();
        // The editor shows hovers after a short delay; move within the line until it appears.
        for (let i = 0; i < 10 && !(await hover.isVisible()); i++) {
          const box = await line.boundingBox(); // null while the editor re-renders the line
          if (!box) { await page.waitForTimeout(300); continue; }
          await page.mouse.move(box.x + 40 + i * 15, box.y + box.height / 2);
          await hover.waitFor({ state: 'visible', timeout: 4_000 }).catch(() => {});
        }
        const text = h.plain(await hover.innerText({ timeout: h.STEP_TIMEOUT_MS }));
        for (const needle of [brokerCn, 'SHA-256', 'not revoked per CRL']) {
          if (!text.includes(needle)) throw new Error(`the hover does not contain "${needle}". It shows:\n${text.slice(0, 800)}`);
        }
        await page.waitForTimeout(300);
      },
    },
  ];
}
