import assert from 'node:assert/strict';
import { OcspConfigError, parseDurationMs, staplerOptionsFromEmqx } from '../../../src/core/ocsp/emqxConfig';

describe('EMQX OCSP stapling settings', () => {
  const files: Record<string, string> = { '/etc/emqx/certs/ca.pem': '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n' };
  const readFile = (p: string) => {
    if (!(p in files)) throw new Error(`ENOENT: no such file, open '${p}'`);
    return files[p];
  };

  it('is off unless enable_ocsp_stapling is true', () => {
    assert.equal(staplerOptionsFromEmqx({}, readFile), undefined);
    assert.equal(staplerOptionsFromEmqx({ enable_ocsp_stapling: false, ocsp_issuer_pem: 'x' }, readFile), undefined);
  });

  it('applies the EMQX defaults (5m refresh, 15s timeout) and reads the issuer file', () => {
    const o = staplerOptionsFromEmqx({ enable_ocsp_stapling: 'true', ocsp_issuer_pem: '/etc/emqx/certs/ca.pem', ocsp_responder_url: 'http://127.0.0.1:9877' }, readFile);
    assert.deepEqual(o, { responderUrl: 'http://127.0.0.1:9877', issuer: files['/etc/emqx/certs/ca.pem'], refreshIntervalMs: 300_000, httpTimeoutMs: 15_000 });
    const p = staplerOptionsFromEmqx({ enable_ocsp_stapling: true, ocsp_issuer_pem: '/etc/emqx/certs/ca.pem', ocsp_refresh_interval: '1h', ocsp_refresh_http_timeout: 2500 }, readFile);
    assert.equal(p?.refreshIntervalMs, 3_600_000);
    assert.equal(p?.httpTimeoutMs, 2500);
  });

  it('names the setting that is wrong', () => {
    const on = { enable_ocsp_stapling: true, ocsp_issuer_pem: '/etc/emqx/certs/ca.pem' };
    assert.throws(() => staplerOptionsFromEmqx({ enable_ocsp_stapling: true }, readFile), /ocsp_issuer_pem .* is not set/);
    assert.throws(() => staplerOptionsFromEmqx({ ...on, ocsp_issuer_pem: '/nope.pem' }, readFile), /ocsp_issuer_pem: cannot read \/nope\.pem: ENOENT/);
    assert.throws(() => staplerOptionsFromEmqx({ ...on, ocsp_responder_url: 'not a url' }, readFile), /ocsp_responder_url: "not a url" is not a URL/);
    assert.throws(() => staplerOptionsFromEmqx({ ...on, ocsp_responder_url: 'ftp://x/' }, readFile), /use http:\/\//);
    assert.throws(() => staplerOptionsFromEmqx({ ...on, ocsp_refresh_interval: 'often' }, readFile), (e: Error) => e instanceof OcspConfigError && /ocsp_refresh_interval: "often"/.test(e.message));
    assert.throws(() => staplerOptionsFromEmqx({ ...on, ocsp_refresh_http_timeout: 0 }, readFile), /ocsp_refresh_http_timeout: 0 is not a positive duration/);
  });

  it('parses durations', () => {
    assert.equal(parseDurationMs('500ms', 'x'), 500);
    assert.equal(parseDurationMs('15s', 'x'), 15_000);
    assert.equal(parseDurationMs('5m', 'x'), 300_000);
    assert.equal(parseDurationMs('2d', 'x'), 172_800_000);
    assert.equal(parseDurationMs('250', 'x'), 250);
    assert.throws(() => parseDurationMs('-1s', 'x'), /not a duration/);
  });
});
