// Cost of a full probe (pre-flight, TLS with the handshake read from the wire and decrypted,
// chain decoding + RFC 5280 validation, hostname check, MQTT CONNECT/CONNACK) against the peer
// mqtt.js doing just TLS + CONNECT/CONNACK, on the same local broker with client certificates.
// Rounds are interleaved so machine load hits both alike.
import { join } from 'node:path';
import mqtt from 'mqtt';
import { initCa } from '../src/core/ca/index';
import { TlsMqttBroker } from '../src/core/broker/broker';
import { resolveBrokerConfig } from '../src/core/broker/config';
import { probe } from '../src/core/probe/probe';
import { makeTempDir } from '../test/support/tmp';
import type { Bench, BenchRow } from './types';

const PER_ROUND = 10;
const ROUNDS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const bench: Bench = {
  name: 'probe',
  async run(): Promise<BenchRow[]> {
    const tmp = makeTempDir('certscope-bench-probe-');
    const ca = await initCa(join(tmp.dir, 'ca'), { subject: '/CN=Bench CA' });
    const server = await ca.issue({ profile: 'server', name: 'broker', subject: '/CN=localhost', dns: ['localhost'], ip: ['127.0.0.1'] });
    const client = await ca.issue({ profile: 'client', name: 'device', subject: '/CN=device' });
    const broker = new TlsMqttBroker(resolveBrokerConfig({ port: 0, wssPort: null, certfile: server.paths.cert, keyfile: server.paths.key, cacertfile: ca.paths.certificate }, tmp.dir));
    const port = (await broker.start())[0].port;
    const url = `mqtts://localhost:${port}`;
    const ours: number[] = [];
    const peer: number[] = [];
    try {
      const viaMqttJs = (): Promise<void> => new Promise((resolve, reject) => {
        const c = mqtt.connect(url, { ca: ca.certPem, cert: client.certPem, key: client.keyPem, reconnectPeriod: 0, connectTimeout: 10_000, protocolVersion: 4 });
        c.once('connect', () => { c.end(true, () => resolve()); });
        c.once('error', (e) => { c.end(true); reject(e); });
      });
      const viaProbe = async (): Promise<void> => {
        const r = await probe({ url, ca: { pem: ca.certPem }, cert: { pem: client.certPem }, key: { pem: client.keyPem! }, skipRoundTrip: true, timeoutMs: 10_000 });
        if (!r.ok) throw new Error(`probe failed: ${JSON.stringify(r.diagnosis)}`);
      };
      await viaMqttJs();
      await viaProbe();
      for (let round = 0; round < ROUNDS; round++) {
        for (const [fn, out] of [[viaMqttJs, peer], [viaProbe, ours]] as const) {
          for (let i = 0; i < PER_ROUND; i++) {
            const t0 = performance.now();
            await fn();
            out.push(performance.now() - t0);
          }
        }
      }
    } finally {
      await broker.stop();
      tmp.cleanup();
    }
    return [{
      group: 'probe',
      name: 'full probe to CONNACK (TLS 1.3, client certificate), median',
      value: Math.round(median(ours) * 10) / 10,
      unit: 'ms',
      peer: { name: 'mqtt.js connect to CONNACK', value: Math.round(median(peer) * 10) / 10 },
      better: 'lower',
      target: 3,
      note: `${ROUNDS * PER_ROUND} connections each, interleaved; the probe also decodes and validates the chain and reads the handshake from the wire`,
    }];
  },
};

export default bench;
