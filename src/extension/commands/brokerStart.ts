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
import { planBroker, resolvePlan } from '../broker/plan';
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
      void vscode.window.showInformationMessage(`Certscope: local broker on ${url} (${features.join(', ')}).`, 'Show Log').then((x) => {
        if (x) loop.brokerLog.show(true);
      });
      return { port, url, listeners, stapling: stapled, crlCheck: config.enable_crl_check, profile: config.profile };
    } catch (err) {
      if (startedOcsp) await c.stopOcsp();
      throw err;
    }
  });
}
