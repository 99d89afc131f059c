// Listener options: one-way TLS, optional client certificates, TLS version selection.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import mqtt from 'mqtt';
import { run } from '../../support/run';
import { makeTempDir } from '../../support/tmp';
import { makeBrokerPki, type BrokerPki } from '../../unit/broker/brokerPki';
import { startBroker, type RunningBroker } from '../../unit/broker/harness';

function mqttConnect(port: number, pki: BrokerPki, withCert: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(`mqtts://127.0.0.1:${port}`, {
      ca: readFileSync(pki.root.certPath), reconnectPeriod: 0, protocolVersion: 4, connectTimeout: 10_000,
      ...(withCert ? { cert: readFileSync(pki.good.certPath), key: readFileSync(pki.good.keyPath) } : {}),
    });
    c.once('connect', () => c.end(false, {}, () => resolve()));
    c.once('error', (e) => { c.end(true); reject(e); });
  });
}

describe('broker listener options', function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let pki: BrokerPki;
  let b: RunningBroker | undefined;
  before(async () => {
    tmp = makeTempDir();
    pki = await makeBrokerPki(tmp.dir);
  });
  afterEach(async () => {
    await b?.stop();
    b = undefined;
  });
  after(() => tmp?.cleanup());

  it('one-way TLS (verify_none): clients connect without a certificate', async () => {
    b = await startBroker(pki, { verify: 'verify_none', enable_crl_check: false, cacertfile: undefined, wssPort: null });
    await mqttConnect(b.port, pki, false);
    const ev = await b.waitFor((e) => e.type === 'connection');
    assert.equal(ev.type === 'connection' && ev.clientCert, undefined);
  });

  it('fail_if_no_peer_cert = false: no certificate is accepted, a given one is still checked', async () => {
    b = await startBroker(pki, { fail_if_no_peer_cert: false, wssPort: null });
    await mqttConnect(b.port, pki, false);
    await mqttConnect(b.port, pki, true);
    const r = await run('openssl', ['s_client', '-connect', `127.0.0.1:${b.port}`, '-CAfile', pki.root.certPath, '-cert', pki.revoked.certPath, '-key', pki.revoked.keyPath, '-ign_eof'], { input: '' });
    assert.match(r.stderr, /alert certificate revoked/);
  });

  it('tls_versions = tlsv1.2 only: a TLS 1.3-only client is refused with protocol_version, TLS 1.2 works', async () => {
    b = await startBroker(pki, { tls_versions: ['tlsv1.2'], wssPort: null });
    const r13 = await run('openssl', ['s_client', '-connect', `127.0.0.1:${b.port}`, '-tls1_3', '-CAfile', pki.root.certPath, '-cert', pki.good.certPath, '-key', pki.good.keyPath], { input: '' });
    assert.match(r13.stderr, /alert protocol version/);
    const r12 = await run('openssl', ['s_client', '-connect', `127.0.0.1:${b.port}`, '-tls1_2', '-CAfile', pki.root.certPath, '-cert', pki.good.certPath, '-key', pki.good.keyPath], { input: '' });
    assert.match(r12.stdout, /Protocol *: TLSv1\.2/);
  });

  it('a port in use is a clear start error, and the failed broker leaves nothing listening', async () => {
    b = await startBroker(pki, { wssPort: null });
    await assert.rejects(startBroker(pki, { port: b.port, wssPort: null }), (e: Error) => {
      assert.equal(e.name, 'BrokerStartError');
      assert.equal(e.message, `cannot listen on 127.0.0.1:${b?.port} (mqtts): port already in use`);
      return true;
    });
    await assert.rejects(startBroker(pki, { wssPort: null, certfile: '/nonexistent/server.crt' }), /certfile \/nonexistent\/server\.crt: file not found/);
    await assert.rejects(startBroker(pki, { wssPort: null, keyfile: pki.good.keyPath }), /TLS configuration rejected by OpenSSL: .*key values mismatch/);
  });

  it('tls_versions = tlsv1.3 only: a TLS 1.2-only client is refused', async () => {
    b = await startBroker(pki, { tls_versions: ['tlsv1.3'], wssPort: null });
    const r12 = await run('openssl', ['s_client', '-connect', `127.0.0.1:${b.port}`, '-tls1_2', '-CAfile', pki.root.certPath], { input: '' });
    assert.match(r12.stderr, /alert protocol version/);
    assert.ok(b.events.some((e) => e.type === 'handshakeFailed'));
  });
});
