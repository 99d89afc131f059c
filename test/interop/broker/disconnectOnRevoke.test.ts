// disconnect_on_revoke: a CRL that arrives while a client is connected. On: MQTT 5 clients get
// DISCONNECT 0x98 (administrative action), 3.1.1 clients a close, both logged. Off (EMQX and
// mosquitto behaviour): the client stays and is listed as "revoked, still connected".
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import mqtt, { type IDisconnectPacket } from 'mqtt';
import { initCa, CrlServer, type CertificateAuthority, type IssuedCertificate } from '../../../src/core/ca';
import { TlsMqttBroker } from '../../../src/core/broker/broker';
import { resolveBrokerConfig } from '../../../src/core/broker/config';
import type { BrokerEvent } from '../../../src/core/broker/types';
import { makeTempDir } from '../../support/tmp';

async function until(pred: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('broker: disconnect_on_revoke', function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let ca: CertificateAuthority;
  let crlServer: CrlServer;
  let url: string;
  let server: IssuedCertificate;

  before(async () => {
    tmp = makeTempDir();
    ca = await initCa(join(tmp.dir, 'ca'), { subject: '/CN=Revoke While Connected CA', key: 'p256' });
    crlServer = new CrlServer({ derPath: ca.paths.crlDer, pemPath: ca.paths.crlPem });
    url = (await crlServer.start()).derUrl;
    server = await ca.issue({ profile: 'server', name: 'broker', dns: ['localhost'], ip: ['127.0.0.1'] });
  });
  after(async () => {
    await crlServer?.close();
    tmp?.cleanup();
  });

  async function scenario(profile: 'emqx5' | 'emqx4', disconnect: boolean, version: 4 | 5) {
    const dev = await ca.issue({ profile: 'client', name: `dev-${profile}-${disconnect}-${version}`, crlUrls: [url] });
    const crl = profile === 'emqx5' ? {} : { crl_files: [ca.paths.crlPem], crl_file_poll_interval: '200ms' };
    const broker = new TlsMqttBroker(resolveBrokerConfig({
      profile, port: 0, wssPort: null, certfile: server.paths.cert, keyfile: server.paths.key, cacertfile: ca.paths.certificate,
      enable_crl_check: true, crl_cache_refresh_interval: '300ms', disconnect_on_revoke: disconnect, ...crl,
    }));
    const events: BrokerEvent[] = [];
    broker.onEvent((e) => events.push(e));
    const port = (await broker.start())[0].port;
    const client = mqtt.connect(`mqtts://127.0.0.1:${port}`, { ca: ca.certPem, cert: dev.certPem, key: dev.keyPem, reconnectPeriod: 0, protocolVersion: version, clientId: `c-${profile}-${disconnect}-${version}` });
    let disconnectPacket: IDisconnectPacket | undefined;
    let closed = false;
    client.on('disconnect', (p) => { disconnectPacket = p; });
    client.on('close', () => { closed = true; });
    client.on('error', () => undefined);
    await new Promise<void>((r, j) => { client.once('connect', () => r()); client.once('error', j); });
    await ca.revoke(dev.paths.cert, 'keyCompromise');
    await until(() => events.some((e) => e.type === 'mqtt' && e.action === 'revoked'));
    return { broker, client, events, closed: () => closed, disconnectPacket: () => disconnectPacket, dev };
  }

  it('on, MQTT 5 (emqx5 refresh): DISCONNECT with reason 0x98 and a log line', async () => {
    const s = await scenario('emqx5', true, 5);
    try {
      await until(() => s.closed());
      assert.equal(s.disconnectPacket()?.reasonCode, 0x98);
      const ev = s.events.find((e) => e.type === 'mqtt' && e.action === 'revoked');
      assert.match((ev as { detail?: string }).detail ?? '', /revoked .*keyCompromise by the CRL from http:\/\/127\.0\.0\.1:\d+\/ca\.crl: disconnected \(disconnect_on_revoke, DISCONNECT 0x98 administrative action\)/);
      assert.equal(s.broker.clients().length, 0);
    } finally {
      s.client.end(true);
      await s.broker.stop();
    }
  });

  it('on, MQTT 3.1.1 (emqx4 file reload): the connection is closed without a DISCONNECT', async () => {
    const s = await scenario('emqx4', true, 4);
    try {
      await until(() => s.closed());
      assert.equal(s.disconnectPacket(), undefined);
      const ev = s.events.find((e) => e.type === 'mqtt' && e.action === 'revoked');
      assert.match((ev as { detail?: string }).detail ?? '', /connection closed: MQTT 3\.1\.1 has no server DISCONNECT/);
    } finally {
      s.client.end(true);
      await s.broker.stop();
    }
  });

  it('off (EMQX 5 default): the client stays connected and is listed as revoked, still connected', async () => {
    const s = await scenario('emqx5', false, 5);
    try {
      await new Promise((r) => setTimeout(r, 700));
      assert.equal(s.closed(), false);
      const listed = s.broker.clients().find((c) => c.clientId === 'c-emqx5-false-5');
      assert.match(listed?.revokedWhileConnected ?? '', /^certificate CN=dev-emqx5-false-5 .*revoked/);
      await s.client.publishAsync('still/here', 'yes', { qos: 1 });
    } finally {
      s.client.end(true);
      await s.broker.stop();
    }
  });
});
