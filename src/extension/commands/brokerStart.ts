// "Certscope: Start Local TLS Broker" (certscope.broker.start): the EMQX-like MQTT-over-TLS broker
// inside the extension host, configured from `certscope.broker.*` and the workspace CA (see
// broker/plan.ts). With stapling on and no responder URL set, Certscope's OCSP responder for the
// CA starts with the broker (and stops with it). Args (optional): { caDir, serverCert, port,
// wssPort }. Resolves to { port, url, listeners } once it listens (and the first staple is in).
// While a broker runs it asks nothing: it says so (URL, Restart / Open Connection Test / Stop) and
// resolves to the running broker with alreadyRunning set.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { requireLoop } from '../broker/loop';
import { planBroker, resolvePlan, type BrokerPlan } from '../broker/plan';
import type { BrokerController } from '../broker/controller';
import { readBrokerSettings } from '../config';
import { argsOf, num, str } from './ca/args';
import { requireTrust } from './ca/workspaceCas';
import { sayAlreadyRunning } from './brokerActions';

export interface StartedBroker {
  port: number;
  url: string;
  listeners: Array<{ transport: string; address: string; port: number }>;
  stapling: boolean;
  crlCheck: boolean;
  /** The broker profile actually used (emqx5 falls back to emqx4 for a CA without distribution points). */
  profile: string;
  /** Nothing was started: this broker was already running. */
  alreadyRunning?: boolean;
}

export async function startBroker(services: Services, raw?: unknown): Promise<StartedBroker> {
  requireTrust('Starting the local broker');
  const loop = requireLoop(services);
  const running = sayAlreadyRunning(loop.controller);
  if (running) return running;
  const a = argsOf(raw);
  const wssPort = a.wssPort === null ? null : num(a, 'wssPort');
  const plan = await planBroker(readBrokerSettings(), { caDir: str(a, 'caDir'), serverCert: str(a, 'serverCert'), serverKey: str(a, 'serverKey'), port: num(a, 'port'), wssPort }, services.pki);
  const c = loop.controller;
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Starting the local TLS broker' }, async () => {
    let startedOcsp = false;
    // Logged after the start line, so the log reads in order.
    const { lines: cdpLines, started: cdpStarted } = plan.localCdps ? await serveLocalCdps(c, plan.localCdps) : { lines: [], started: [] };
    if (plan.ocspCa) {
      startedOcsp = !c.snapshot().ocsp;
      const ocsp = await c.startOcsp(plan.ocspCa.ca, plan.ocspCa.name);
      plan.raw.ocsp_responder_url = ocsp.url;
    }
    try {
      const config = resolvePlan(plan);
      const listeners = await c.startBroker(config, { caDir: plan.ca?.ca.paths.dir });
      c.ocspOwnedByBroker = startedOcsp;
      const port = listeners.find((l) => l.transport === 'mqtts')?.port ?? config.port;
      const stapled = config.enable_ocsp_stapling ? await c.waitForStaple(5000) : false;
      const url = `mqtts://localhost:${port}`;
      // The full reason goes to the log; the start message names the profile actually used.
      if (plan.notice) loop.brokerLog.warn(plan.notice);
      const features = [`profile ${config.profile}${plan.notice ? ' (see the log: no CRL distribution points for emqx5)' : ''}`, config.enable_crl_check ? 'CRL check on' : 'CRL check off', config.enable_ocsp_stapling ? (stapled ? 'OCSP staple ready' : 'OCSP staple not ready yet') : 'stapling off'];
      loop.brokerLog.info(`started on ${listeners.map((l) => `${l.transport}://${l.address}:${l.port}`).join(', ')} (${features.join(', ')}) with ${config.certfile}`);
      for (const l of cdpLines) loop.brokerLog[l.level](l.text);
      void vscode.window.showInformationMessage(`Certscope: local broker on ${url} (${features.join(', ')}).`, 'Show Log').then((x) => {
        if (x) loop.brokerLog.show(true);
      });
      return { port, url, listeners, stapling: stapled, crlCheck: config.enable_crl_check, profile: config.profile };
    } catch (err) {
      if (startedOcsp) await c.stopOcsp();
      for (const port of cdpStarted) await c.stopDistributionPointServer(port);
      throw err;
    }
  });
}

/**
 * emqx5: the CA's client certificates name CRL distribution points on this machine (Create
 * Development CA writes http://127.0.0.1:<certscope.ca.crlServerPort>/<folder>.crl). Certscope's
 * CRL server serves the CA's CRL there unless another program holds the port; it stops with the
 * broker. Returns the lines for the broker log and the ports of the servers it started.
 */
async function serveLocalCdps(c: BrokerController, cdps: NonNullable<BrokerPlan['localCdps']>): Promise<{ lines: Array<{ level: 'info' | 'warn'; text: string }>; started: number[] }> {
  const lines: Array<{ level: 'info' | 'warn'; text: string }> = [];
  const started: number[] = [];
  for (const url of cdps.urls) {
    const r = await c.serveDistributionPoint(cdps.ca, cdps.name, url, 'broker');
    if ('error' in r) {
      lines.push({ level: 'warn', text: `CRL distribution point ${url}: Certscope's CRL server could not serve it (${r.error})${r.outcome === 'inUse' ? '; the broker fetches from whatever holds that port' : ''}. EMQX 5 refuses clients whose CRL cannot be fetched.` });
    } else if (r.outcome === 'served') {
      lines.push({ level: 'info', text: `CRL distribution point ${url}: served by Certscope's CRL server (CRL of ${cdps.name})` });
    } else {
      if (r.outcome === 'started') started.push(r.port);
      lines.push({ level: 'info', text: `CRL distribution point ${url}: nothing served it, so Certscope's CRL server serves the CRL of ${cdps.name} there (stops with the broker)` });
    }
  }
  if (cdps.urls.length) {
    lines.push({ level: 'info', text: `when ${cdps.name} revokes a certificate (Revoke Certificate, Release Hold, Publish CRL), the local broker refetches its CRL at once; a real EMQX 5 keeps the cached CRL until crl_cache.refresh_interval (15m by default)` });
  }
  return { lines, started };
}
