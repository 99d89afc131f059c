import { strict as assert } from 'node:assert';
import { resolveBrokerConfig, BrokerConfigError } from '../../../src/core/broker/config';
import { parseEmqxConf } from '../../../src/core/broker/emqxConf';
import { parseDuration } from '../../../src/core/duration';

const base = { certfile: 'server.crt', keyfile: 'server.key', cacertfile: 'ca.pem' };

describe('broker configuration', () => {
  it('applies EMQX defaults and binds 127.0.0.1', () => {
    const c = resolveBrokerConfig(base, '/etc/certscope');
    assert.equal(c.bind, '127.0.0.1');
    assert.equal(c.port, 8883);
    assert.equal(c.wssPort, 8084);
    assert.equal(c.wssPath, '/mqtt');
    assert.equal(c.verify, 'verify_peer');
    assert.equal(c.fail_if_no_peer_cert, true);
    assert.equal(c.crl_cache_refresh_interval, 15 * 60_000);
    assert.equal(c.crl_cache_http_timeout, 15_000);
    assert.equal(c.ocsp_refresh_interval, 5 * 60_000);
    assert.equal(c.certfile, '/etc/certscope/server.crt');
    assert.deepEqual(c.tls_versions, ['tlsv1.3', 'tlsv1.2']);
    assert.equal(c.crl_missing, 'reject');
    assert.equal(c.crl_stale, 'reject');
    assert.equal(c.max_packet_size, 1024 * 1024);
    assert.equal(c.profile, 'emqx5');
    assert.equal(c.crl_cache_capacity, 100);
  });

  it('without a profile: emqx5, or emqx4 when CRL files or URLs are given (only EMQX 4 has them)', () => {
    assert.equal(resolveBrokerConfig({ ...base, enable_crl_check: true }).profile, 'emqx5');
    assert.equal(resolveBrokerConfig({ ...base, enable_crl_check: true, crl_files: ['a.crl'] }).profile, 'emqx4');
    assert.equal(resolveBrokerConfig({ ...base, enable_crl_check: true, crl_cache_urls: ['http://x/a.crl'] }).profile, 'emqx4');
    assert.equal(resolveBrokerConfig({ ...base, profile: 'mosquitto', enable_crl_check: true, crl_files: ['a.crl'] }).profile, 'mosquitto');
  });

  it('reads max_packet_size in EMQX units', () => {
    assert.equal(resolveBrokerConfig({ ...base, max_packet_size: '256KB' }).max_packet_size, 256 * 1024);
    assert.equal(resolveBrokerConfig({ ...base, max_packet_size: '2MB' }).max_packet_size, 2 * 1024 * 1024);
    assert.equal(resolveBrokerConfig({ ...base, max_packet_size: 4096 }).max_packet_size, 4096);
  });

  it('parses durations like EMQX', () => {
    assert.equal(parseDuration('15m', 'x'), 900_000);
    assert.equal(parseDuration('15s', 'x'), 15_000);
    assert.equal(parseDuration('250ms', 'x'), 250);
    assert.equal(parseDuration(42, 'x'), 42);
    assert.throws(() => parseDuration('soon', 'crl_cache_refresh_interval'), /crl_cache_refresh_interval: "soon" is not a duration/);
  });

  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['unknown keys', { ...base, crl_cach_urls: 'x' }, /unknown option: crl_cach_urls/],
    ['no certfile', { keyfile: 'k' }, /certfile is required/],
    ['verify_peer without a CA', { certfile: 'c', keyfile: 'k' }, /verify_peer needs cacertfile/],
    ['emqx4: CRL check without CRLs', { ...base, profile: 'emqx4', enable_crl_check: true }, /no CRL is configured/],
    ['emqx5 with CRL files (EMQX 5 has none)', { ...base, profile: 'emqx5', enable_crl_check: true, crl_files: ['a.crl'] }, /profile emqx5: EMQX 5 has no crl_files or crl_cache_urls/],
    ['mosquitto with two crl files', { ...base, profile: 'mosquitto', enable_crl_check: true, crl_files: ['a.crl', 'b.crl'] }, /profile mosquitto: crlfile is one file/],
    ['mosquitto with CRL URLs', { ...base, profile: 'mosquitto', enable_crl_check: true, crl_cache_urls: ['http://x/y.crl'] }, /not from URLs/],
    ['mosquitto with stapling', { ...base, profile: 'mosquitto', enable_ocsp_stapling: true }, /do not staple/],
    ['an unknown profile', { ...base, profile: 'hivemq' }, /profile: expected one of emqx5, emqx4, mosquitto/],
    ['CRL check with verify_none', { ...base, verify: 'verify_none', enable_crl_check: true, crl_files: ['a.crl'] }, /needs verify = verify_peer/],
    ['a TLS version we do not offer', { ...base, tls_versions: 'tlsv1.1' }, /tls_versions: "tlsv1.1" is not supported/],
    ['a bad port', { ...base, port: 70000 }, /port: expected a port/],
    ['a non-http CRL URL', { ...base, enable_crl_check: true, crl_cache_urls: ['ftp://x/y.crl'] }, /not an http\(s\) URL/],
    ['a bad policy', { ...base, crl_missing: 'maybe' }, /crl_missing: expected one of reject, allow/],
    ['a size that is not one', { ...base, max_packet_size: 'huge' }, /max_packet_size: expected a size like "1MB"/],
    ['a packet size past MQTT\'s 256 MB', { ...base, max_packet_size: '1GB' }, /max_packet_size: expected 64 bytes to 256MB/],
    ['not an object', [] as unknown as Record<string, unknown>, /must be a JSON object/],
  ];
  for (const [what, input, message] of bad) {
    it(`refuses ${what} with a specific message`, () => {
      assert.throws(() => resolveBrokerConfig(input, '/x'), (e: Error) => e instanceof BrokerConfigError && message.test(e.message));
    });
  }

  it('wssPort null turns the WebSocket listener off', () => {
    assert.equal(resolveBrokerConfig({ ...base, wssPort: null }).wssPort, null);
  });
});

describe('EMQX 4.x emqx.conf lines', () => {
  const conf = `
## EMQX 4.4 SSL listener
listener.ssl.external = 127.0.0.1:8883
listener.ssl.external.acceptors = 16
listener.ssl.external.max_connections = 102400
listener.ssl.external.keyfile = etc/certs/key.pem
listener.ssl.external.certfile = etc/certs/cert.pem
listener.ssl.external.cacertfile = etc/certs/cacert.pem
listener.ssl.external.verify = verify_peer
listener.ssl.external.fail_if_no_peer_cert = true
listener.ssl.external.tls_versions = tlsv1.3,tlsv1.2
listener.ssl.external.handshake_timeout = 15s
listener.ssl.external.enable_crl_check = true
listener.ssl.external.crl_cache_urls = http://127.0.0.1:8080/intermediate.crl.pem, http://127.0.0.1:8080/root.crl.pem
listener.ssl.external.crl_cache_refresh_interval = 15m
listener.ssl.external.crl_cache_http_timeout = 15s
listener.ssl.external.enable_ocsp_stapling = true
listener.ssl.external.ocsp_responder_url = http://127.0.0.1:9877
listener.ssl.external.ocsp_refresh_interval = 5m
listener.wss.external = 8084
listener.wss.external.mqtt_path = /mqtt
mqtt.max_packet_size = 512KB
node.name = emqx@127.0.0.1
`;

  it('maps listener.ssl.external.* and crl_cache_* to broker options', () => {
    const r = parseEmqxConf(conf);
    assert.deepEqual(r.errors, []);
    const c = resolveBrokerConfig(r.options, '/opt/emqx');
    assert.equal(c.bind, '127.0.0.1');
    assert.equal(c.port, 8883);
    assert.equal(c.wssPort, 8084);
    assert.equal(c.keyfile, '/opt/emqx/etc/certs/key.pem');
    assert.equal(c.max_connections, 102400);
    assert.equal(c.max_packet_size, 512 * 1024);
    assert.equal(c.enable_crl_check, true);
    assert.deepEqual(c.crl_cache_urls, ['http://127.0.0.1:8080/intermediate.crl.pem', 'http://127.0.0.1:8080/root.crl.pem']);
    assert.equal(c.crl_cache_refresh_interval, 900_000);
    assert.equal(c.enable_ocsp_stapling, true);
    assert.equal(c.ocsp_responder_url, 'http://127.0.0.1:9877');
    assert.deepEqual(r.ignored.map((i) => i.key), ['listener.ssl.external.acceptors', 'node.name']);
  });

  it('reports lines that are not key = value, with their line number', () => {
    const r = parseEmqxConf('listener.ssl.external = 8883\nthis is not a setting\nlistener.ssl.external = nowhere:x\n');
    assert.deepEqual(r.errors.map((e) => e.line), [2, 3]);
    assert.equal(r.options.port, 8883);
    assert.equal(r.options.bind, undefined);
  });
});
