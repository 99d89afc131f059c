// The diagnosis, recomputed on probe results captured from real peers (openssl s_server,
// mosquitto, aedes, raw sockets: see fixtures/capture.ts). No invented errors.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diagnose } from '../../../src/core/probe/diagnose';
import type { Diagnosis, ProbeContext, ProbeResult } from '../../../src/core/probe/types';

interface Captured {
  result: ProbeResult;
  preflight: Diagnosis[];
  context?: ProbeContext;
}

const dir = join(__dirname, 'fixtures', 'results');

function load(name: string): Diagnosis[] {
  const c = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Captured;
  return diagnose(c.result, c.preflight, c.context);
}

const errorsOf = (ds: Diagnosis[]): Diagnosis[] => ds.filter((d) => d.severity === 'error');

/** fixture -> the one error kind expected, and phrases the cause must contain. */
const EXPECTED: Record<string, { kind: string; cause: RegExp[]; fix?: RegExp; preflight?: string }> = {
  'tls12-no-client-cert': { kind: 'certificate_required', cause: [/handshake_failure \(40\)/, /asked for a client certificate and none was sent/], fix: /--cert and --key/ },
  'tls13-no-client-cert': { kind: 'certificate_required', cause: [/certificate_required \(116\)/] },
  'tls12-revoked': { kind: 'revoked', cause: [/certificate_revoked \(44\)/, /CN=device-revoked \(serial [0-9A-F:]+\) as revoked/, /CRL #1 of OCSP Test Issuing CA \(issuing\.crl\.pem\) lists it as revoked since 2026-11-22 08:00:00 UTC, reason keyCompromise/] },
  'tls13-revoked': { kind: 'revoked', cause: [/certificate_revoked \(44\)/, /With TLS 1\.3 the handshake looked finished/] },
  'mosquitto-revoked-tls13': { kind: 'revoked', cause: [/as revoked/, /reason keyCompromise/] },
  'unknown-ca': { kind: 'unknown_ca', cause: [/unknown_ca \(48\)/, /\(CN=Some Other CA\)/, /accepts client certificates from: CN=OCSP Test Issuing CA/] },
  'client-expired': { kind: 'client_cert_expired', cause: [/certificate_expired \(45\)/, /Your client certificate CN=device-expired .* expired on 2021-01-01/] },
  'server-crl-expired': { kind: 'server_crl_stale', cause: [/certificate_expired \(45\)/, /is valid until/, /the server's CRL for your CA is past its nextUpdate/, /OpenSSL-based servers \(mosquitto, HAProxy\) report a CRL past its nextUpdate as certificate_expired \(45\)/], fix: /fresh CRL/ },
  'key-mismatch': { kind: 'key_mismatch', cause: [/does not belong to/] },
  'server-expired': { kind: 'server_cert_expired', cause: [/CN=expired-server expired on 2021-01-01/] },
  'hostname-mismatch': { kind: 'hostname_mismatch', cause: [/not valid for "localhost"/, /DNS:broker\.example\.com/] },
  'missing-intermediate': { kind: 'incomplete_server_chain', cause: [/incomplete/, /OCSP Test Issuing CA/] },
  'must-staple-missing': { kind: 'staple_missing', cause: [/must-staple/] },
  'staple-revoked': { kind: 'staple_revoked', cause: [/revoked/] },
  'protocol-version': { kind: 'protocol_version', cause: [/protocol_version \(70\)/] },
  'refused': { kind: 'refused', cause: [/Nothing listens on 127\.0\.0\.1:\d+/] },
  'not-tls-http': { kind: 'not_tls', cause: [/does not speak TLS/] },
  'silent-timeout': { kind: 'timeout', cause: [/never answered the TLS handshake/], fix: /Is this a TLS port/ },
  'tls-not-mqtt': { kind: 'not_mqtt', cause: [/no CONNACK/] },
  'mqtt5-refused-by-311-broker': { kind: 'mqtt_protocol_version', cause: [/refused MQTT 5/, /does not speak MQTT 5/], fix: /--mqtt 3\.1\.1/ },
};

describe('probe diagnosis on captured real results', () => {
  for (const [name, exp] of Object.entries(EXPECTED)) {
    it(`${name} -> ${exp.kind}`, () => {
      const errors = errorsOf(load(name));
      assert.deepEqual(errors.map((e) => e.kind), [...(exp.preflight ? [exp.preflight] : []), exp.kind], JSON.stringify(errors, null, 1));
      const main = errors[errors.length - 1];
      for (const re of exp.cause) assert.match(main.cause, re);
      if (exp.fix) assert.match(main.fix, exp.fix);
    });
  }

  it('every captured result is covered by an expectation or is a success', () => {
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
      const name = f.replace(/\.json$/, '');
      const c = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Captured;
      if (!(name in EXPECTED)) assert.ok(c.result.ok || ['untrusted-no-ca', 'self-signed'].includes(name), `${name} has no expectation`);
    }
  });

  it('a working connection gets no error, only the pre-flight warning it had', () => {
    const ds = load('mosquitto-good-mqtt5');
    assert.deepEqual(errorsOf(ds), []);
    assert.deepEqual(ds.map((d) => d.kind), ['client_intermediate_not_sent']);
  });

  it('a self-signed server certificate is named as such (and the host name mismatch too)', () => {
    const kinds = errorsOf(load('self-signed')).map((d) => d.kind);
    assert.deepEqual(kinds, ['self_signed_server', 'hostname_mismatch']);
  });

  it('the revocation source is only claimed when the workspace knows the serial', () => {
    const c = JSON.parse(readFileSync(join(dir, 'tls12-revoked.json'), 'utf8')) as Captured;
    const d = errorsOf(diagnose(c.result, c.preflight, { revocations: [{ serialHex: 'abcdef', source: 'some other CRL' }] }))[0];
    assert.doesNotMatch(d.cause, /some other CRL/);
    assert.match(d.cause, /found its serial on the CRL/);
  });
});
