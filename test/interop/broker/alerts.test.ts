// Real TLS alerts for refused client certificates, as real clients report them:
// openssl s_client (TLS 1.2 and 1.3) and Node's TLS client (what mqtt.js uses).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { run } from '../../support/run';
import { makeTempDir } from '../../support/tmp';
import { makeBrokerPki, type BrokerPki } from '../../unit/broker/brokerPki';
import { startBroker, type RunningBroker } from '../../unit/broker/harness';
import type { OpensslCert } from '../../support/openssl-pki';

const cases: Array<{ name: string; pick: (p: BrokerPki) => OpensslCert | undefined; text: Record<string, string>; alert: Record<string, number>; nodeCode: Record<string, string>; reason: RegExp }> = [
  {
    name: 'revoked', pick: (p) => p.revoked,
    text: { tls1_2: 'alert certificate revoked', tls1_3: 'alert certificate revoked' }, alert: { tls1_2: 44, tls1_3: 44 },
    nodeCode: { tls1_2: 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED', tls1_3: 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED' },
    reason: /^certificate revoked: serial [0-9a-f:]+, revoked \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, keyCompromise, CRL #\S+ from .*intermediate\.crl\.pem$/,
  },
  {
    name: 'expired', pick: (p) => p.expired,
    text: { tls1_2: 'alert certificate expired', tls1_3: 'alert certificate expired' }, alert: { tls1_2: 45, tls1_3: 45 },
    nodeCode: { tls1_2: 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', tls1_3: 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED' },
    reason: /^certificate expired 2021-01-01 00:00:00 UTC/,
  },
  {
    name: 'unknown CA', pick: (p) => p.foreign,
    text: { tls1_2: 'alert unknown ca', tls1_3: 'alert unknown ca' }, alert: { tls1_2: 48, tls1_3: 48 },
    nodeCode: { tls1_2: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', tls1_3: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA' },
    reason: /^unknown CA: issuer "CN=Foreign Root CA"/,
  },
  {
    name: 'no certificate', pick: () => undefined,
    text: { tls1_2: 'alert handshake failure', tls1_3: 'alert certificate required' }, alert: { tls1_2: 40, tls1_3: 116 },
    nodeCode: { tls1_2: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', tls1_3: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' },
    reason: /^no client certificate/,
  },
];

function sClient(port: number, version: string, pki: BrokerPki, cert?: OpensslCert, accept = false) {
  const args = ['s_client', '-connect', `127.0.0.1:${port}`, `-${version}`, '-CAfile', pki.root.certPath];
  if (cert) args.push('-cert', cert.certPath, '-key', cert.keyPath);
  // -ign_eof keeps s_client reading until the server closes, so a TLS 1.3 alert sent after the
  // handshake is read; an accepted client would wait for the broker's MQTT idle timeout instead.
  if (!accept) args.push('-ign_eof');
  return run('openssl', args, { input: '', timeout: 20_000 });
}

function nodeClient(port: number, version: 'TLSv1.2' | 'TLSv1.3', pki: BrokerPki, cert?: OpensslCert): Promise<{ secure: boolean; error?: NodeJS.ErrnoException }> {
  return new Promise((resolve) => {
    let secure = false;
    const s = tls.connect({
      host: '127.0.0.1', port, servername: 'localhost', ca: readFileSync(pki.root.certPath), minVersion: version, maxVersion: version,
      ...(cert ? { cert: readFileSync(cert.certPath), key: readFileSync(cert.keyPath) } : {}),
    });
    s.on('secureConnect', () => { secure = true; });
    s.on('data', () => undefined);
    s.on('error', (error: NodeJS.ErrnoException) => resolve({ secure, error }));
    s.on('close', () => resolve({ secure }));
  });
}

describe('broker: real TLS alerts for refused client certificates', function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let pki: BrokerPki;
  let b: RunningBroker;

  before(async () => {
    tmp = makeTempDir();
    pki = await makeBrokerPki(tmp.dir);
    b = await startBroker(pki, { wssPort: null });
  });
  after(async () => {
    await b?.stop();
    tmp?.cleanup();
  });

  for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
    it(`${version}: a client offering a saved session still gets a full handshake (revocation cannot be skipped)`, async () => {
      const connectOnce = (session?: Buffer): Promise<{ reused: boolean; session?: Buffer }> => new Promise((resolve, reject) => {
        let saved: Buffer | undefined;
        const s = tls.connect({
          host: '127.0.0.1', port: b.port, servername: 'localhost', ca: readFileSync(pki.root.certPath), minVersion: version, maxVersion: version,
          cert: readFileSync(pki.good.certPath), key: readFileSync(pki.good.keyPath), session,
        });
        s.on('session', (x: Buffer) => { saved = x; });
        s.on('error', reject);
        s.on('secureConnect', () => {
          // Give TLS 1.3 session tickets a moment to arrive before closing.
          setTimeout(() => { resolve({ reused: s.isSessionReused(), session: saved }); s.destroy(); }, 200);
        });
      });
      const first = await connectOnce();
      const second = await connectOnce(first.session);
      assert.ok(first.session, 'the server handed out a session the client can offer');
      assert.equal(first.reused, false);
      assert.equal(second.reused, false);
    });
  }

  for (const version of ['tls1_2', 'tls1_3']) {
    it(`openssl s_client -${version} with a good certificate completes the handshake without alert`, async () => {
      const from = b.events.length;
      const r = await sClient(b.port, version, pki, pki.good, true);
      const ev = await b.nextConnection(from);
      assert.equal(ev.outcome, 'accepted');
      assert.equal(ev.clientCert?.subject, 'CN=good-device');
      assert.doesNotMatch(r.stderr, /alert/);
      assert.match(r.stdout, /Verify return code: 0 \(ok\)/);
    });
    for (const c of cases) {
      it(`openssl s_client -${version}: ${c.name} -> "${c.text[version]}" (alert ${c.alert[version]})`, async () => {
        const from = b.events.length;
        const r = await sClient(b.port, version, pki, c.pick(pki));
        assert.match(r.stderr, new RegExp(`${c.text[version]}.*SSL alert number ${c.alert[version]}`));
        const ev = await b.nextConnection(from);
        assert.equal(ev.outcome, 'rejected');
        assert.equal(ev.tlsVersion, version === 'tls1_2' ? 'TLSv1.2' : 'TLSv1.3');
        assert.deepEqual(ev.alert && { code: ev.alert.code, sent: ev.alert.sent }, { code: c.alert[version], sent: true });
        assert.match(ev.reason ?? '', c.reason);
      });
      it(`Node TLS client ${version}: ${c.name} -> ${c.nodeCode[version]}`, async () => {
        const r = await nodeClient(b.port, version === 'tls1_2' ? 'TLSv1.2' : 'TLSv1.3', pki, c.pick(pki));
        assert.equal(r.error?.code, c.nodeCode[version]);
      });
    }
  }
});
