// Broker configuration export: EMQX 4.x lines are read back by the broker's own emqx.conf reader
// (the same reader EMQX users' existing files go through) and must give back every setting;
// EMQX 5.x HOCON and mosquitto text are checked line by line; bad input gets specific messages.
import { strict as assert } from 'node:assert';
import { exportBrokerConfig, emqxDuration, type ExportInput } from '../../../src/core/export';
import { parseEmqxConf } from '../../../src/core/broker/emqxConf';
import { resolveBrokerConfig } from '../../../src/core/broker/config';

const base: ExportInput = {
  certfile: '/pki/issued/broker/fullchain.pem',
  keyfile: '/pki/issued/broker/key.pem',
  cacertfile: '/pki/ca.crt',
  bind: '127.0.0.1',
  port: 8883,
  verifyPeer: true,
  failIfNoPeerCert: true,
  tlsVersions: ['tlsv1.3', 'tlsv1.2'],
  crl: { files: ['/pki/crl.pem'], urls: ['http://127.0.0.1:8090/ca.crl'], refreshIntervalMs: 15 * 60_000, httpTimeoutMs: 15_000 },
  ocsp: { responderUrl: 'http://127.0.0.1:8091/', issuerPem: '/pki/ca.crt', refreshIntervalMs: 5 * 60_000, httpTimeoutMs: 15_000 },
};

describe('export: broker configuration', () => {
  it('formats durations the way EMQX writes them', () => {
    assert.equal(emqxDuration(15 * 60_000), '15m');
    assert.equal(emqxDuration(15_000), '15s');
    assert.equal(emqxDuration(2 * 3_600_000), '2h');
    assert.equal(emqxDuration(1500), '1500ms');
    assert.throws(() => emqxDuration(0), /positive/);
  });

  it('EMQX 4.x lines read back through the emqx.conf reader give the same settings', () => {
    const out = exportBrokerConfig(base, 'emqx4');
    assert.equal(out.fileName, 'emqx.conf');
    assert.deepEqual(out.warnings, []);
    const parsed = parseEmqxConf(out.text);
    assert.deepEqual(parsed.errors, []);
    assert.deepEqual(parsed.ignored, []);
    const cfg = resolveBrokerConfig(parsed.options, '/');
    assert.equal(cfg.port, 8883);
    assert.equal(cfg.bind, '127.0.0.1');
    assert.equal(cfg.certfile, base.certfile);
    assert.equal(cfg.keyfile, base.keyfile);
    assert.equal(cfg.cacertfile, base.cacertfile);
    assert.equal(cfg.verify, 'verify_peer');
    assert.equal(cfg.fail_if_no_peer_cert, true);
    assert.deepEqual(cfg.tls_versions, ['tlsv1.3', 'tlsv1.2']);
    assert.equal(cfg.enable_crl_check, true);
    assert.deepEqual(cfg.crl_cache_urls, base.crl!.urls);
    assert.equal(cfg.crl_cache_refresh_interval, base.crl!.refreshIntervalMs);
    assert.equal(cfg.crl_cache_http_timeout, base.crl!.httpTimeoutMs);
    assert.equal(cfg.enable_ocsp_stapling, true);
    assert.equal(cfg.ocsp_responder_url, base.ocsp!.responderUrl);
    assert.equal(cfg.ocsp_issuer_pem, base.ocsp!.issuerPem);
    assert.equal(cfg.ocsp_refresh_interval, base.ocsp!.refreshIntervalMs);
    assert.equal(cfg.ocsp_refresh_http_timeout, base.ocsp!.httpTimeoutMs);
  });

  it('EMQX 4.x with local CRL files only warns that EMQX needs a URL', () => {
    const out = exportBrokerConfig({ ...base, crl: { ...base.crl!, urls: [] } }, 'emqx4');
    assert.equal(out.warnings.length, 1);
    assert.match(out.warnings[0], /crl_cache_urls/);
    assert.match(out.text, /^## WARNING: EMQX fetches CRLs from URLs only/m);
    assert.doesNotMatch(out.text, /crl_cache_urls =/);
  });

  it('EMQX 5.x HOCON: listener block with ssl_options, ocsp and crl_cache, strings quoted', () => {
    const out = exportBrokerConfig({ ...base, certfile: '/my "pki"/cert.pem' }, 'emqx5');
    const lines = out.text.split('\n').map((l) => l.trim());
    for (const want of [
      'listeners.ssl.default {', 'bind = "127.0.0.1:8883"', 'ssl_options {', 'certfile = "/my \\"pki\\"/cert.pem"',
      'keyfile = "/pki/issued/broker/key.pem"', 'cacertfile = "/pki/ca.crt"', 'verify = verify_peer', 'fail_if_no_peer_cert = true',
      'versions = ["tlsv1.3", "tlsv1.2"]', 'enable_crl_check = true', 'ocsp {', 'enable_ocsp_stapling = true',
      'responder_url = "http://127.0.0.1:8091/"', 'issuer_pem = "/pki/ca.crt"', 'refresh_interval = 5m', 'refresh_http_timeout = 15s',
      'crl_cache {', 'refresh_interval = 15m', 'http_timeout = 15s', 'capacity = 100',
    ]) assert.ok(lines.includes(want), `missing line ${want}:\n${out.text}`);
    const opens = (out.text.match(/\{/g) ?? []).length;
    const closes = (out.text.match(/\}/g) ?? []).length;
    assert.equal(opens, closes);
    assert.match(out.warnings.join(' '), /CRL distribution point/);
  });

  it('EMQX 5.x with client certificates that carry distribution points: no CRL file or URL needed, no warning, the cache capacity', () => {
    const out = exportBrokerConfig({ ...base, ocsp: undefined, crl: { ...base.crl!, files: [], urls: [], distributionPoints: true, capacity: 250 } }, 'emqx5');
    assert.deepEqual(out.warnings, []);
    assert.ok(out.text.split('\n').map((l) => l.trim()).includes('capacity = 250'));
    const e4 = exportBrokerConfig({ ...base, ocsp: undefined, crl: { ...base.crl!, files: [], urls: [], distributionPoints: true } }, 'emqx4');
    assert.match(e4.warnings.join(' '), /EMQX 4 does not read CRL distribution points/);
  });

  it('mosquitto: crlfile, minimum TLS version, certificate identity; warns about OCSP and CRL URLs', () => {
    const out = exportBrokerConfig(base, 'mosquitto');
    const lines = out.text.split('\n');
    for (const want of ['listener 8883 127.0.0.1', 'cafile /pki/ca.crt', `certfile ${base.certfile}`, `keyfile ${base.keyfile}`,
      'tls_version tlsv1.2', 'require_certificate true', 'use_identity_as_username true', 'crlfile /pki/crl.pem',
      '# crlfile: leaf only; reload with SIGHUP after publishing a new CRL; a CRL past nextUpdate refuses every client',
      '# a websockets listener (protocol websockets) does no CRL check in mosquitto 2: keep device traffic on this listener']) {
      assert.ok(lines.includes(want), `missing line ${want}:\n${out.text}`);
    }
    assert.match(out.warnings.join(' '), /no OCSP stapling/);
    const urlsOnly = exportBrokerConfig({ ...base, ocsp: undefined, crl: { ...base.crl!, files: [] } }, 'mosquitto');
    assert.match(urlsOnly.warnings.join(' '), /local file only/);
    assert.doesNotMatch(urlsOnly.text, /^crlfile/m);
    assert.ok(exportBrokerConfig({ ...base, tlsVersions: ['tlsv1.3'] }, 'mosquitto').text.includes('tls_version tlsv1.3\n'));
  });

  it('refuses input that would produce a broken or unsafe file', () => {
    assert.throws(() => exportBrokerConfig({ ...base, keyfile: '/a\nlistener 1883' }, 'mosquitto'), /keyfile: the path contains a line break/);
    assert.throws(() => exportBrokerConfig({ ...base, port: 0 }, 'emqx4'), /port must be 1-65535/);
    assert.throws(() => exportBrokerConfig({ ...base, tlsVersions: [] }, 'emqx5'), /at least one TLS version/);
    assert.throws(() => exportBrokerConfig({ ...base, crl: { ...base.crl!, files: [], urls: [] } }, 'emqx4'), /no CRL file, URL or distribution point/);
    assert.throws(() => exportBrokerConfig({ ...base, verifyPeer: false }, 'emqx4'), /needs verify_peer/);
    assert.throws(() => exportBrokerConfig({ ...base, ocsp: { ...base.ocsp!, responderUrl: 'ftp://x' } }, 'emqx5'), /not an http\(s\) URL/);
    assert.throws(() => exportBrokerConfig(base, 'hivemq' as never), /unknown flavour "hivemq"/);
  });
});
