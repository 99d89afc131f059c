// Alert recognition from Node's real TLS errors (captured by fixtures/capture.ts from openssl
// s_server), and the alert table.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alertFromError, alertName, alertNumber } from '../../../src/core/tls/alerts';
import { errorMessage } from '../../../src/core/probe/errors';

const captured = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'node-tls-errors.json'), 'utf8')) as Record<string, { code?: string; message: string }>;

describe('probe alerts', () => {
  const expected: Record<string, [string, number]> = {
    'alert-40-tls12': ['handshake_failure', 40],
    'alert-116-tls13': ['certificate_required', 116],
    'alert-44-tls12': ['certificate_revoked', 44],
    'alert-44-tls13': ['certificate_revoked', 44],
    'alert-48-tls12': ['unknown_ca', 48],
    'alert-45-tls12': ['certificate_expired', 45],
    'alert-70-tls13-to-tls12-server': ['protocol_version', 70],
  };
  for (const [name, [alert, n]] of Object.entries(expected)) {
    it(`${name}: ${captured[name].code} -> ${alert} (${n})`, () => {
      assert.deepEqual(alertFromError(captured[name]), { name: alert, number: n });
      // The code alone (no "SSL alert number" in the message) is enough too.
      assert.deepEqual(alertFromError({ code: captured[name].code, message: 'x' }), { name: alert, number: n });
    });
  }

  it('a non-alert TLS error is not an alert', () => {
    assert.equal(alertFromError(captured['wrong-version-http']), undefined);
    assert.equal(alertFromError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }), undefined);
    assert.equal(alertFromError(undefined), undefined);
  });

  it('mqtt.js-style EPROTO message carrying the alert (DESIGN.md §3)', () => {
    // The same OpenSSL text, surfaced under code EPROTO by a socket that wrote early.
    const msg = captured['alert-44-tls12'].message;
    assert.deepEqual(alertFromError({ code: 'EPROTO', message: msg }), { name: 'certificate_revoked', number: 44 });
  });

  it('OpenSSL messages are shortened for display', () => {
    assert.equal(errorMessage(new Error(captured['alert-44-tls13'].message)), 'sslv3 alert certificate revoked (SSL alert number 44)');
    assert.equal(errorMessage(new Error(captured['wrong-version-http'].message)), 'wrong version number');
  });

  it('the table round-trips names and numbers', () => {
    for (const n of [0, 40, 42, 44, 45, 48, 70, 112, 116]) assert.equal(alertNumber(alertName(n)), n);
    assert.equal(alertName(200), 'alert_200');
  });
});
