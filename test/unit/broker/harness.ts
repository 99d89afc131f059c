// Starts a broker on port 0 for a test and records its events.
import { TlsMqttBroker } from '../../../src/core/broker/broker';
import { resolveBrokerConfig } from '../../../src/core/broker/config';
import type { BrokerEvent, ConnectionEvent } from '../../../src/core/broker/types';
import { makeBrokerPki, type BrokerPki } from './brokerPki';
import { makeTempDir } from '../../support/tmp';

export interface RunningBroker {
  broker: TlsMqttBroker;
  port: number;
  wssPort: number;
  events: BrokerEvent[];
  /** Resolves with the first event (already seen or future) that matches; rejects after `ms`. */
  waitFor<T extends BrokerEvent>(pred: (e: BrokerEvent) => e is T, ms?: number): Promise<T>;
  waitFor(pred: (e: BrokerEvent) => boolean, ms?: number): Promise<BrokerEvent>;
  /** The next connection event after `from` events. */
  nextConnection(from: number, ms?: number): Promise<ConnectionEvent>;
  stop(): Promise<void>;
}

export function baseOptions(pki: BrokerPki): Record<string, unknown> {
  return {
    profile: 'emqx4',
    port: 0,
    wssPort: 0,
    certfile: pki.server.certPath,
    keyfile: pki.server.keyPath,
    chainfile: pki.intermediate.certPath,
    cacertfile: pki.clientCaPath,
    enable_crl_check: true,
    crl_files: [pki.rootCrlPath, pki.intermediateCrlPath],
  };
}

export async function startBroker(pki: BrokerPki, overrides: Record<string, unknown> = {}): Promise<RunningBroker> {
  const broker = new TlsMqttBroker(resolveBrokerConfig({ ...baseOptions(pki), ...overrides }));
  const events: BrokerEvent[] = [];
  const waiters: Array<{ pred: (e: BrokerEvent) => boolean; resolve: (e: BrokerEvent) => void }> = [];
  broker.onEvent((e) => {
    events.push(e);
    for (const w of [...waiters]) {
      if (w.pred(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  });
  const listeners = await broker.start();
  const waitFor = (pred: (e: BrokerEvent) => boolean, ms = 10_000): Promise<BrokerEvent> => {
    const seen = events.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('broker event not seen in time')), ms);
      waiters.push({ pred, resolve: (e) => { clearTimeout(t); resolve(e); } });
    });
  };
  return {
    broker,
    port: listeners.find((l) => l.transport === 'mqtts')?.port ?? 0,
    wssPort: listeners.find((l) => l.transport === 'wss')?.port ?? 0,
    events,
    waitFor: waitFor as RunningBroker['waitFor'],
    nextConnection: (from, ms) => waitFor((e) => e.type === 'connection' && events.indexOf(e) >= from, ms) as Promise<ConnectionEvent>,
    stop: () => broker.stop(),
  };
}

/**
 * A suite's broker: a temporary folder, the test PKI and a broker started before the suite's
 * tests and stopped after them. Read `pki` and `b` inside tests (they are set by the before hook).
 */
export function brokerSuite(overrides: Record<string, unknown> = {}): { readonly pki: BrokerPki; readonly b: RunningBroker } {
  let tmp: ReturnType<typeof makeTempDir> | undefined;
  const s = {} as { pki: BrokerPki; b: RunningBroker };
  before(async () => {
    tmp = makeTempDir();
    s.pki = await makeBrokerPki(tmp.dir);
    s.b = await startBroker(s.pki, overrides);
  });
  after(async () => {
    await s.b?.stop();
    tmp?.cleanup();
  });
  return s;
}
