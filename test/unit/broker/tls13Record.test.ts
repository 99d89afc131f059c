import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { hkdfExpandLabel, nextSequence, openRecord, plaintextAlertRecord, sealRecord, tls13AlertRecord, tls13Suite, trafficKeys } from '../../../src/core/tls/tls13Record';
import { alertForMissingCertificate, alertForVerifyError, alertName } from '../../../src/core/tls/alerts';
import { parseKeylogLine } from '../../../src/core/tls/keylog';

describe('TLS 1.3 record protection for alerts', () => {
  it('HKDF-Expand-Label matches RFC 8448 §3 (server application traffic key and iv)', () => {
    const secret = Buffer.from('a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643', 'hex');
    assert.equal(hkdfExpandLabel('sha256', secret, 'key', 16).toString('hex'), '9f02283b6c9c07efc26bb9f2ac92e356');
    assert.equal(hkdfExpandLabel('sha256', secret, 'iv', 12).toString('hex'), 'cf782b88dd83549aadf1e984');
  });

  for (const name of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
    it(`${name}: an alert record opens with the same keys and sequence number only`, () => {
      const suite = tls13Suite(name);
      assert.ok(suite);
      const keys = trafficKeys(suite, randomBytes(suite.hash === 'sha384' ? 48 : 32));
      const rec = tls13AlertRecord(keys, 3, 44);
      assert.deepEqual([...rec.subarray(0, 5)], [0x17, 0x03, 0x03, 0x00, 19]);
      assert.deepEqual([...(openRecord(keys, 3, rec) ?? [])], [2, 44, 21]);
      assert.equal(openRecord(keys, 2, rec), undefined);
    });
  }

  it('counts the records already sent under the application key, skipping handshake-key records', () => {
    const suite = tls13Suite('TLS_AES_128_GCM_SHA256');
    assert.ok(suite);
    const hs = trafficKeys(suite, randomBytes(32));
    const app = trafficKeys(suite, randomBytes(32));
    const sent = [sealRecord(hs, 0, 22, Buffer.from('EE')), sealRecord(hs, 1, 22, Buffer.from('Fin')), sealRecord(app, 0, 22, Buffer.from('NST1')), sealRecord(app, 1, 22, Buffer.from('NST2'))];
    assert.equal(nextSequence(app, sent), 2);
    assert.equal(nextSequence(app, sent.slice(0, 2)), 0);
  });

  it('plaintext alert record for TLS 1.2', () => {
    assert.deepEqual([...plaintextAlertRecord(45)], [21, 3, 3, 0, 2, 2, 45]);
  });

  it('maps verification errors to the alerts OpenSSL servers send', () => {
    assert.equal(alertForVerifyError('CERT_REVOKED'), 44);
    assert.equal(alertForVerifyError('CERT_HAS_EXPIRED'), 45);
    assert.equal(alertForVerifyError('CRL_HAS_EXPIRED'), 45);
    assert.equal(alertForVerifyError('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 48);
    assert.equal(alertForVerifyError('UNABLE_TO_GET_CRL'), 48);
    assert.equal(alertForVerifyError('CERT_SIGNATURE_FAILURE'), 42);
    assert.equal(alertForVerifyError('SOMETHING_NEW'), 46);
    assert.equal(alertForMissingCertificate('TLSv1.3'), 116);
    assert.equal(alertForMissingCertificate('TLSv1.2'), 40);
    assert.equal(alertName(44), 'certificate_revoked');
  });

  it('parses NSS key-log lines and rejects junk', () => {
    const e = parseKeylogLine(Buffer.from('SERVER_TRAFFIC_SECRET_0 0a0b 0c0d\n'));
    assert.deepEqual(e && { label: e.label, cr: e.clientRandom.toString('hex'), s: e.secret.toString('hex') }, { label: 'SERVER_TRAFFIC_SECRET_0', cr: '0a0b', s: '0c0d' });
    assert.equal(parseKeylogLine('garbage'), undefined);
    assert.equal(parseKeylogLine('A zz 00'), undefined);
  });
});
