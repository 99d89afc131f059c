// "Certscope: Restart Local TLS Broker" (certscope.broker.restart): stop, then start with the
// current settings (args as for Start).
import type { Services } from '../services';
import { startBroker, type StartedBroker } from './brokerStart';
import { requireLoop } from '../broker/loop';
import { requireTrust } from './ca/workspaceCas';

export async function restartBroker(services: Services, raw?: unknown): Promise<StartedBroker> {
  requireTrust('Restarting the local broker');
  const c = requireLoop(services).controller;
  await c.stopBroker();
  await c.stopBrokerHelpers();
  return startBroker(services, raw);
}
