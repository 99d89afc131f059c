// ocsp_check_clients: the broker asks an OCSP responder (Certscope's, fed by the CA's index.txt)
// about each client certificate, caches the answer, and soft- or hard-fails when the responder
// does not answer in time, never holding a handshake past the timeout.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as net from 'node:net';
import mqtt from 'mqtt';
import { initCa, type CertificateAuthority, type IssuedCertificate } from '../../../src/core/ca';
import { OcspResponder } from '../../../src/core/ocsp/responder';
import { OcspHttpServer } from '../../../src/core/ocsp/server';
import { IndexStatusSource } from '../../../src/core/ocsp/indexStatus';
import { TlsMqttBroker } from '../../../src/core/broker/broker';
import { resolveBrokerConfig } from '../../../src/core/broker/config';
import type { BrokerEvent, ConnectionEvent } from '../../../src/core/broker/types';
import { makeTempDir } from '../../support/tmp';

describe('broker: OCSP checking of client certificates (ocsp_check_clients)', function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let ca: CertificateAuthority;
  let ocsp: OcspHttpServer;
  let ocspUrl: string;
  let silent: net.Server;
  let silentUrl: string;
  const held: net.Socket[] = [];
  let server: IssuedCertificate;
  let good: IssuedCertificate;
  let revoked: IssuedCertificate;
  let slow: IssuedCertificate;

  before(async () => {
    tmp = makeTempDir();
    ca = await initCa(join(tmp.dir, 'ca'), { subject: '/CN=Client OCSP CA', key: 'p256' });
    ocsp = new OcspHttpServer(new OcspResponder({ issuer: ca.certPem, signerKey: readFileSync(ca.paths.privateKey), source: new IndexStatusSource(ca.paths.database), validitySeconds: 3600 }), { host: '127.0.0.1', port: 0 });
    ocspUrl = (await ocsp.start()).url;
    // A responder that accepts and never answers.
    silent = net.createServer((s) => { held.push(s); s.on('error', () => undefined); });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    silentUrl = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}/`;
    server = await ca.issue({ profile: 'server', name: 'broker', dns: ['localhost'], ip: ['127.0.0.1'], ocspUrls: [] });
    good = await ca.issue({ profile: 'client', name: 'good', ocspUrls: [ocspUrl] });
    revoked = await ca.issue({ profile: 'client', name: 'revoked', ocspUrls: [ocspUrl] });
    slow = await ca.issue({ profile: 'client', name: 'slow', ocspUrls: [silentUrl] });
    await ca.revoke(revoked.paths.cert, 'keyCompromise');
  });
  after(async () => {
    for (const s of held) s.destroy();
    silent?.close();
    await ocsp?.close();
    tmp?.cleanup();
  });

  async function broker(extra: Record<string, unknown>) {
    const b = new TlsMqttBroker(resolveBrokerConfig({
      port: 0, wssPort: null, certfile: server.paths.cert, keyfile: server.paths.key, cacertfile: ca.paths.certificate, ocsp_check_clients: true, ...extra,
    }));
    const events: BrokerEvent[] = [];
    b.onEvent((e) => events.push(e));
    const port = (await b.start())[0].port;
    const attempt = async (cert: IssuedCertificate): Promise<ConnectionEvent> => {
      const from = events.length;
      const c = mqtt.connect(`mqtts://127.0.0.1:${port}`, { ca: ca.certPem, cert: cert.certPem, key: cert.keyPem, reconnectPeriod: 0, protocolVersion: 5, connectTimeout: 20_000 });
      await new Promise<void>((r) => { c.once('connect', () => r()); c.once('error', () => r()); c.once('close', () => r()); });
      c.end(true);
      for (let i = 0; i < 400; i++) {
        const ev = events.slice(from).find((e): e is ConnectionEvent => e.type === 'connection');
        if (ev) return ev;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error('no connection event');
    };
    return { b, attempt };
  }

  it('asks the responder from the AIA once per certificate (cached), accepts good, refuses revoked with certificate_revoked', async () => {
    const { b, attempt } = await broker({});
    try {
      const before = ocsp.counts.GET + ocsp.counts.POST;
      const first = await attempt(good);
      assert.equal(first.outcome, 'accepted');
      assert.match(first.note ?? '', new RegExp(`^OCSP: good \\(OCSP responder ${ocspUrl.replace(/[/.]/g, '\\$&')}`));
      const second = await attempt(good);
      assert.match(second.note ?? '', /\(cached\)$/);
      assert.equal(ocsp.counts.GET + ocsp.counts.POST - before, 1);
      const bad = await attempt(revoked);
      assert.deepEqual([bad.outcome, bad.alert?.code], ['rejected', 44]);
      assert.match(bad.reason ?? '', /^certificate revoked: revoked .*keyCompromise \(OCSP responder /);
    } finally {
      await b.stop();
    }
  });

  it('a responder that never answers: soft fail accepts after the timeout with a note; hard fail refuses with certificate_unknown', async () => {
    const soft = await broker({ ocsp_clients_timeout: '1s' });
    try {
      const ev = await soft.attempt(slow);
      assert.equal(ev.outcome, 'accepted');
      assert.match(ev.note ?? '', /^no OCSP answer: .*within 1s; accepted \(ocsp_clients_fail = soft\)$/);
    } finally {
      await soft.b.stop();
    }
    const hard = await broker({ ocsp_clients_timeout: '1s', ocsp_clients_fail: 'hard' });
    try {
      const ev = await hard.attempt(slow);
      assert.deepEqual([ev.outcome, ev.alert?.code, ev.alert?.sent], ['rejected', 46, true]);
      assert.match(ev.reason ?? '', /refused \(ocsp_clients_fail = hard\)$/);
    } finally {
      await hard.b.stop();
    }
  });

  it('the wait is bounded by handshake_timeout even when ocsp_clients_timeout is longer', async () => {
    const { b, attempt } = await broker({ ocsp_clients_timeout: '60s', handshake_timeout: '1500ms' });
    try {
      const ev = await attempt(slow);
      assert.match(ev.note ?? '', /^no OCSP answer: .*within 1500ms; accepted \(ocsp_clients_fail = soft\)$/);
    } finally {
      await b.stop();
    }
  });

  it('a configured responder URL overrides the certificate', async () => {
    const { b, attempt } = await broker({ ocsp_clients_responder_url: ocspUrl });
    try {
      const ev = await attempt(slow);
      assert.equal(ev.outcome, 'accepted');
      assert.match(ev.note ?? '', /^OCSP: good/);
    } finally {
      await b.stop();
    }
  });
});
