// Broker profiles: the revocation model of EMQX 5 (CRL distribution points, global cache, leaf
// only, fail closed), EMQX 4 (CRL files/URLs, whole chain) and mosquitto 2 (one crlfile, leaf
// only, no CRL check on websockets). Clients are real TLS peers (mqtt.js, mosquitto_pub); the CRLs
// are served by Certscope's CRL HTTP server on 127.0.0.1, as the Development CA publishes them.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as net from 'node:net';
import mqtt, { type IClientOptions } from 'mqtt';
import { initCa, CrlServer, type CertificateAuthority, type IssuedCertificate } from '../../../src/core/ca';
import { TlsMqttBroker } from '../../../src/core/broker/broker';
import { resolveBrokerConfig } from '../../../src/core/broker/config';
import { formatBrokerState } from '../../../src/core/broker/format';
import type { BrokerEvent, ConnectionEvent } from '../../../src/core/broker/types';
import { run } from '../../support/run';
import { makeTempDir } from '../../support/tmp';

interface Running {
  broker: TlsMqttBroker;
  port: number;
  wssPort: number;
  events: BrokerEvent[];
  logs(): string[];
}

async function start(options: Record<string, unknown>, now?: () => number): Promise<Running> {
  const broker = new TlsMqttBroker(resolveBrokerConfig({ port: 0, wssPort: 0, ...options }), { now });
  const events: BrokerEvent[] = [];
  broker.onEvent((e) => events.push(e));
  const l = await broker.start();
  return {
    broker, events,
    port: l.find((x) => x.transport === 'mqtts')!.port,
    wssPort: l.find((x) => x.transport === 'wss')?.port ?? 0,
    logs: () => events.flatMap((e) => (e.type === 'log' ? [e.message] : [])),
  };
}

/** Connects with mqtt.js (MQTT 5) and resolves with the broker's connection event for it. */
async function attempt(b: Running, url: string, ca: CertificateAuthority, cert: IssuedCertificate, opts: IClientOptions = {}): Promise<{ ev: ConnectionEvent; error?: Error; client?: mqtt.MqttClient }> {
  const from = b.events.length;
  const r = await new Promise<{ error?: Error; client?: mqtt.MqttClient }>((resolve) => {
    const c = mqtt.connect(url, { ca: ca.certPem, cert: cert.certPem, key: cert.keyPem, reconnectPeriod: 0, protocolVersion: 5, connectTimeout: 20_000, ...opts });
    c.once('connect', () => resolve({ client: c }));
    c.once('error', (error) => { c.end(true); resolve({ error }); });
    c.once('close', () => resolve({ error: new Error('closed') }));
  });
  for (let i = 0; i < 400; i++) {
    const ev = b.events.slice(from).find((e): e is ConnectionEvent => e.type === 'connection');
    if (ev) return { ev, ...r };
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error('no connection event');
}

function freePortUrl(): Promise<string> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(`http://127.0.0.1:${port}/gone.crl`));
    });
  });
}

describe('broker profiles', function () {
  this.timeout(180_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let ca: CertificateAuthority;
  let crlServer: CrlServer;
  let cdpUrl: string;
  let server: IssuedCertificate;
  let good: IssuedCertificate;
  let revoked: IssuedCertificate;
  let noCdp: IssuedCertificate;
  let httpsCdp: IssuedCertificate;
  let deadCdp: IssuedCertificate;

  before(async () => {
    tmp = makeTempDir();
    ca = await initCa(join(tmp.dir, 'ca'), { subject: '/CN=Profiles Dev CA', key: 'p256' });
    crlServer = new CrlServer({ derPath: ca.paths.crlDer, pemPath: ca.paths.crlPem });
    cdpUrl = (await crlServer.start()).derUrl;
    server = await ca.issue({ profile: 'server', name: 'broker', subject: '/CN=localhost', dns: ['localhost'], ip: ['127.0.0.1'] });
    good = await ca.issue({ profile: 'client', name: 'good', crlUrls: [cdpUrl] });
    revoked = await ca.issue({ profile: 'client', name: 'revoked', crlUrls: [cdpUrl] });
    noCdp = await ca.issue({ profile: 'client', name: 'no-cdp', crlUrls: [] });
    httpsCdp = await ca.issue({ profile: 'client', name: 'https-cdp', crlUrls: [cdpUrl.replace('http:', 'https:')] });
    deadCdp = await ca.issue({ profile: 'client', name: 'dead-cdp', crlUrls: [await freePortUrl()] });
    await ca.revoke(revoked.paths.cert, 'keyCompromise');
  });
  after(async () => {
    await crlServer?.close();
    tmp?.cleanup();
  });

  const base = (): Record<string, unknown> => ({ certfile: server.paths.cert, keyfile: server.paths.key, cacertfile: ca.paths.certificate, enable_crl_check: true });

  describe('emqx5', () => {
    it('fetches the CRL from the distribution point on first sight, then serves it from the cache; a revoked client gets certificate_revoked', async () => {
      const b = await start({ ...base(), profile: 'emqx5' });
      try {
        const first = await attempt(b, `mqtts://127.0.0.1:${b.port}`, ca, good);
        assert.equal(first.ev.outcome, 'accepted', first.ev.reason);
        assert.ok(b.logs().some((l) => l === `CRL distribution point ${cdpUrl} not in the cache: fetching it during the handshake (client "CN=good" (serial ${first.ev.clientCert?.serial}))`), b.logs().join('\n'));
        await first.client?.endAsync();
        const bad = await attempt(b, `mqtts://127.0.0.1:${b.port}`, ca, revoked);
        assert.deepEqual([bad.ev.outcome, bad.ev.alert?.code, bad.ev.alert?.sent], ['rejected', 44, true]);
        assert.match(bad.ev.reason ?? '', new RegExp(`^certificate revoked: serial .*keyCompromise, CRL #\\S+ from ${cdpUrl}$`));
        assert.ok(b.logs().some((l) => l.startsWith(`CRL cache hit for ${cdpUrl} (client "CN=revoked"`)));
        const dp = b.broker.state().crl.distributionPoints;
        assert.deepEqual(dp.map((d) => [d.url, d.fetches, d.ok]), [[cdpUrl, 1, true]]);
        const status = formatBrokerState(b.broker.state());
        assert.match(status, /^profile: emqx5$/m);
        assert.match(status, new RegExp(`^crl distribution point ${cdpUrl}: ok, 1 fetch\\(es\\), 1 cache hit\\(s\\); CN=Profiles Dev CA #\\S+, 1 revoked`, 'm'));
        // wss: the same check
        const wss = await attempt(b, `wss://127.0.0.1:${b.wssPort}/mqtt`, ca, revoked);
        assert.deepEqual([wss.ev.transport, wss.ev.outcome, wss.ev.alert?.code], ['wss', 'rejected', 44]);
      } finally {
        await b.broker.stop();
      }
    });

    it('fails closed: no distribution point and nothing cached, an https one, an unreachable one -> bad_certificate with the reason', async () => {
      const b = await start({ ...base(), profile: 'emqx5', crl_cache_http_timeout: '3s' });
      try {
        const none = await attempt(b, `mqtts://127.0.0.1:${b.port}`, ca, noCdp);
        assert.deepEqual([none.ev.outcome, none.ev.alert?.code], ['rejected', 42]);
        assert.match(none.ev.reason ?? '', /revocation status undetermined for "CN=no-cdp" .*: the certificate has no CRL distribution point and no CRL of its issuer is in the cache; EMQX 5 refuses the client \(fail closed\)/);
        const https = await attempt(b, `mqtts://127.0.0.1:${b.port}`, ca, httpsCdp);
        assert.deepEqual([https.ev.outcome, https.ev.alert?.code], ['rejected', 42]);
        assert.match(https.ev.reason ?? '', /https:\/\/127\.0\.0\.1:\d+\/ca\.crl: not fetched \(EMQX 5 fetches CRLs over http only\)/);
        // Decided after an asynchronous fetch: the alert still reaches the client (TLS 1.3 and 1.2).
        const dead = await attempt(b, `mqtts://127.0.0.1:${b.port}`, ca, deadCdp);
        assert.deepEqual([dead.ev.outcome, dead.ev.alert?.code, dead.ev.alert?.sent], ['rejected', 42, true]);
        assert.match(String(dead.error?.message), /bad certificate|BAD_CERTIFICATE/i);
        const dead12 = await attempt(b, `mqtts://127.0.0.1:${b.port}`, ca, deadCdp, { maxVersion: 'TLSv1.2' } as IClientOptions);
        assert.deepEqual([dead12.ev.tlsVersion, dead12.ev.alert?.code, dead12.ev.alert?.sent], ['TLSv1.2', 42, true]);
        assert.match(String(dead12.error?.message), /bad certificate|BAD_CERTIFICATE/i);
        assert.match(dead.ev.reason ?? '', /no CRL could be had \(http:\/\/127\.0\.0\.1:\d+\/gone\.crl: .*\)/);
        // Once the issuer's CRL is cached (from another client's distribution point), a certificate
        // without one is checked against it (Erlang's same-issuer lookup).
        const g = await attempt(b, `mqtts://127.0.0.1:${b.port}`, ca, good);
        assert.equal(g.ev.outcome, 'accepted');
        await g.client?.endAsync();
        const again = await attempt(b, `mqtts://127.0.0.1:${b.port}`, ca, noCdp);
        assert.equal(again.ev.outcome, 'accepted', again.ev.reason);
        await again.client?.endAsync();
      } finally {
        await b.broker.stop();
      }
    });

    it('connected clients are not re-checked; the refreshed CRL refuses the next connection', async () => {
      const victim = await ca.issue({ profile: 'client', name: 'victim', crlUrls: [cdpUrl] });
      const b = await start({ ...base(), profile: 'emqx5', crl_cache_refresh_interval: '500ms' });
      try {
        const c = await attempt(b, `mqtts://127.0.0.1:${b.port}`, ca, victim, { clientId: 'victim' });
        assert.equal(c.ev.outcome, 'accepted');
        await ca.revoke(victim.paths.cert, 'keyCompromise');
        const refreshed = b.events.length;
        for (let i = 0; i < 200 && !b.events.slice(refreshed).some((e) => e.type === 'log' && e.message.startsWith(`CRL fetched from ${cdpUrl}`)); i++) await new Promise((r) => setTimeout(r, 25));
        assert.ok(b.broker.clients().some((x) => x.clientId === 'victim'), 'EMQX 5 keeps a connected client whose certificate was revoked');
        const next = await attempt(b, `mqtts://127.0.0.1:${b.port}`, ca, victim);
        assert.deepEqual([next.ev.outcome, next.ev.alert?.code], ['rejected', 44]);
        await c.client?.endAsync();
      } finally {
        await b.broker.stop();
      }
    });

    it('mosquitto_pub -V mqttv5 gets through with a good certificate and is refused with the revoked one', async () => {
      const b = await start({ ...base(), profile: 'emqx5' });
      try {
        const args = (c: IssuedCertificate): string[] => ['-h', '127.0.0.1', '-p', String(b.port), '--cafile', ca.paths.certificate, '--cert', c.paths.cert, '--key', c.paths.key!, '-V', 'mqttv5', '-t', 't', '-m', 'x'];
        const ok = await run('mosquitto_pub', args(good));
        assert.equal(ok.code, 0, ok.stderr);
        const no = await run('mosquitto_pub', args(revoked));
        assert.notEqual(no.code, 0);
        const ev = b.events.filter((e): e is ConnectionEvent => e.type === 'connection').at(-1);
        assert.deepEqual([ev?.outcome, ev?.alert?.code], ['rejected', 44]);
      } finally {
        await b.broker.stop();
      }
    });
  });

  describe('mosquitto and emqx4 with a revoked intermediate', () => {
    let sub: CertificateAuthority;
    let leaf: IssuedCertificate;
    let crlfile: string;
    let chainFile: string;
    before(async () => {
      sub = await initCa(join(tmp.dir, 'sub'), { subject: '/CN=Profiles Sub CA', key: 'p256', parent: ca });
      leaf = await sub.issue({ profile: 'client', name: 'sub-leaf', crlUrls: [] });
      await ca.revoke(sub.paths.certificate, 'cACompromise');
      crlfile = join(tmp.dir, 'crlfile.pem');
      writeFileSync(crlfile, readFileSync(ca.paths.crlPem, 'utf8') + readFileSync(sub.paths.crlPem, 'utf8'));
      chainFile = join(tmp.dir, 'cas.pem');
      writeFileSync(chainFile, ca.certPem + sub.certPem);
    });

    it('mosquitto checks the leaf only: the client of a revoked intermediate is accepted; emqx4 refuses it', async () => {
      const opts = { certfile: server.paths.cert, keyfile: server.paths.key, cacertfile: chainFile, enable_crl_check: true, crl_files: [crlfile], wssPort: null };
      const m = await start({ ...opts, profile: 'mosquitto' });
      try {
        const r = await attempt(m, `mqtts://127.0.0.1:${m.port}`, ca, leaf);
        assert.equal(r.ev.outcome, 'accepted', r.ev.reason);
        await r.client?.endAsync();
      } finally {
        await m.broker.stop();
      }
      const e = await start({ ...opts, profile: 'emqx4' });
      try {
        const r = await attempt(e, `mqtts://127.0.0.1:${e.port}`, ca, leaf);
        assert.deepEqual([r.ev.outcome, r.ev.alert?.code], ['rejected', 44]);
        assert.match(r.ev.reason ?? '', /^issuing CA certificate "CN=Profiles Sub CA" revoked/);
      } finally {
        await e.broker.stop();
      }
    });

    it('mosquitto: a revoked leaf is refused on the TLS listener but accepted on websockets (no CRL check there)', async () => {
      const m = await start({ certfile: server.paths.cert, keyfile: server.paths.key, cacertfile: ca.paths.certificate, enable_crl_check: true, crl_files: [ca.paths.crlPem], profile: 'mosquitto' });
      try {
        const tlsTry = await attempt(m, `mqtts://127.0.0.1:${m.port}`, ca, revoked);
        assert.deepEqual([tlsTry.ev.outcome, tlsTry.ev.alert?.code], ['rejected', 44]);
        const wss = await attempt(m, `wss://127.0.0.1:${m.wssPort}/mqtt`, ca, revoked);
        assert.equal(wss.ev.outcome, 'accepted');
        assert.equal(wss.ev.note, 'no CRL check: mosquitto does not check CRLs on its websockets listener');
        await wss.client?.endAsync();
      } finally {
        await m.broker.stop();
      }
    });

    it('mosquitto: a CRL past its nextUpdate refuses every client, the good one included (certificate_expired)', async () => {
      const later = Date.now() + 30 * 86_400_000;
      const m = await start({ certfile: server.paths.cert, keyfile: server.paths.key, cacertfile: ca.paths.certificate, enable_crl_check: true, crl_files: [ca.paths.crlPem], profile: 'mosquitto', wssPort: null }, () => later);
      try {
        const r = await attempt(m, `mqtts://127.0.0.1:${m.port}`, ca, good);
        assert.deepEqual([r.ev.outcome, r.ev.alert?.code], ['rejected', 45]);
        assert.match(r.ev.reason ?? '', /expired .*every client of that CA is refused/);
      } finally {
        await m.broker.stop();
      }
    });
  });
});
