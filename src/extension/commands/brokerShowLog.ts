// "Certscope: Show Broker Log" (certscope.broker.showLog): the "Certscope Broker" output channel.
import type { Services } from '../services';
import { requireLoop } from '../broker/loop';

export async function showBrokerLog(services: Services): Promise<void> {
  requireLoop(services).brokerLog.show(true);
}
