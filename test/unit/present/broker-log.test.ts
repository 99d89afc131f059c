// A real MQTT client (mqtt.js) connects to the local broker with a client id holding a newline and
// an ANSI sequence, and subscribes to a topic with a bidi override: the broker's log lines (CLI and
// the extension's output channel use formatBrokerEvent) stay one line each, with visible escapes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import mqtt from 'mqtt';
import { formatBrokerEvent, ocspRequestLine } from '../../../src/core/broker/format';
import type { BrokerEvent } from '../../../src/core/broker/types';
import { makeTempDir } from '../../support/tmp';
import { makeBrokerPki, type BrokerPki } from '../broker/brokerPki';
import { startBroker, type RunningBroker } from '../broker/harness';

const FORGED = 'dev\n08:00:00 ACCEPTED   mqtts 10.0.0.1:1 TLSv1.3 CN=admin\x1b[2J\u009b1m';
const TOPIC = 'sensors/\u202eevil';

describe('broker log lines from hostile MQTT clients', function () {
  this.timeout(60_000);
  const tmp = makeTempDir();
  let pki: BrokerPki;
  let b: RunningBroker;
  before(async () => {
    pki = await makeBrokerPki(tmp.dir);
    b = await startBroker(pki);
  });
  after(async () => {
    await b?.stop();
    tmp.cleanup();
  });

  it('a client id with a newline and escapes, and a topic with a bidi override, stay one visible line', async () => {
    const c = mqtt.connect(`mqtts://127.0.0.1:${b.port}`, {
      ca: readFileSync(pki.root.certPath), cert: readFileSync(pki.good.certPath), key: readFileSync(pki.good.keyPath),
      reconnectPeriod: 0, protocolVersion: 4, clientId: FORGED, servername: 'localhost',
    });
    try {
      await new Promise<void>((resolve, reject) => { c.once('connect', () => resolve()); c.once('error', reject); });
      await c.subscribeAsync(TOPIC);
      const isMqtt = (action: string) => (e: BrokerEvent): boolean => e.type === 'mqtt' && e.action === action && e.clientId === FORGED;
      const connect = await b.waitFor(isMqtt('connect'));
      const subscribe = await b.waitFor(isMqtt('subscribe'));
      const line = formatBrokerEvent(connect);
      assert.match(line, /^\d\d:\d\d:\d\d mqtt {7}connect /);
      assert.equal(line.slice(28), String.raw`dev\n08:00:00 ACCEPTED   mqtts 10.0.0.1:1 TLSv1.3 CN=admin\x1b[2J\x9b1m MQTT 3.1.1, mqtts 127.0.0.1:${(c.stream as unknown as TLSSocket).localPort}`);
      const sub = formatBrokerEvent(subscribe);
      assert.ok(sub.includes(String.raw`sensors/\u202eevil`), sub);
      for (const l of [line, sub]) for (const raw of ['\n', '\r', '\x1b', '\u009b', '\u202e']) assert.ok(!l.includes(raw), `raw ${JSON.stringify(raw)} in ${l}`);
    } finally {
      await c.endAsync();
    }
  });

  it('an OCSP responder request is one line with colon serials; a peer-made error cannot add a line', () => {
    const line = ocspRequestLine({
      method: 'POST', remote: '127.0.0.1:5000', httpStatus: 200, responseStatus: 'successful',
      answers: [{ serialHex: '0a1b', status: 'good' }, { serialHex: 'ff00', status: 'revoked' }] as never,
    });
    assert.equal(line, 'POST from 127.0.0.1:5000 -> 200 successful (0a:1b good, ff:00 revoked)');
    const bad = ocspRequestLine({ method: 'GET', remote: '127.0.0.1:5001', httpStatus: 400, error: 'bad path "x\n08:00 POST from 10.0.0.1 -> 200\x1b[2J"' });
    assert.equal(bad.split('\n').length, 1);
    assert.ok(!bad.includes("\x1b"), bad);
  });
});
