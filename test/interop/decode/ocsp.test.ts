// OCSP requests and responses made by the real `openssl ocsp` (file mode, no network) decode with
// the right statuses, reasons, nonce and certificate ids.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBytes, normalizeSerial } from '../../../src/core/decode/index';
import type { OcspRequestModel, OcspResponseModel } from '../../../src/core/model';
import { issueWithOpenssl, makeOpensslPki, type OpensslPki } from '../../support/openssl-pki';
import { openssl } from '../../support/run';
import { makeTempDir } from '../../support/tmp';

function indexLine(status: 'V' | 'R', serialHex: string, subject: string, revoked?: string): string {
  const serial = serialHex.toUpperCase().padStart(serialHex.length + (serialHex.length % 2), '0');
  return [status, '351231235959Z', revoked ?? '', serial, 'unknown', subject].join('\t');
}

describe('interop: OCSP messages from openssl ocsp', function () {
  this.timeout(120_000);
  const tmp = makeTempDir();
  let pki: OpensslPki;
  let reqPath: string;
  let respPath: string;
  let unknownSerial: string;

  before(async () => {
    pki = await makeOpensslPki(tmp.dir);
    const other = await issueWithOpenssl(tmp.dir, 'other', { subject: '/CN=not-in-index', extensions: 'basicConstraints=CA:FALSE', issuer: pki.intermediate });
    unknownSerial = other.serialHex;
    const index = join(tmp.dir, 'index.txt');
    writeFileSync(index, [
      indexLine('V', pki.server.serialHex, '/CN=localhost'),
      indexLine('R', pki.client.serialHex, '/CN=device-001', '250102030405Z,keyCompromise'),
    ].join('\n') + '\n');
    reqPath = join(tmp.dir, 'req.der');
    respPath = join(tmp.dir, 'resp.der');
    await openssl(['ocsp', '-issuer', pki.intermediate.certPath, '-cert', pki.server.certPath, '-cert', pki.client.certPath,
      '-cert', other.certPath, '-nonce', '-reqout', reqPath]);
    await openssl(['ocsp', '-index', index, '-rsigner', pki.intermediate.certPath, '-rkey', pki.intermediate.keyPath,
      '-CA', pki.intermediate.certPath, '-reqin', reqPath, '-respout', respPath, '-ndays', '1']);
  });
  after(() => tmp.cleanup());

  it('decodes the request: three cert ids with the serials and the nonce openssl printed', async () => {
    const items = decodeBytes(readFileSync(reqPath), { fileName: 'req.der' });
    assert.equal(items[0].result.kind, 'ocspRequest');
    const req = items[0].result as OcspRequestModel;
    assert.deepEqual(req.certIds.map((c) => c.serialHex), [pki.server.serialHex, pki.client.serialHex, unknownSerial].map(normalizeSerial));
    assert.equal(req.signed, false);
    const text = await openssl(['ocsp', '-reqin', reqPath, '-req_text', '-noverify']);
    // openssl prints the nonce extension value as hex of the wrapped OCTET STRING (04 len value).
    const printed = /OCSP Nonce:\s*\n\s*([0-9A-F]+)/.exec(text)![1].toLowerCase();
    assert.ok(req.nonceHex && printed.endsWith(req.nonceHex), `nonce ${req.nonceHex} vs openssl ${printed}`);
    const nameHash = /Issuer Name Hash: ([0-9A-F]+)/.exec(text)![1].toLowerCase();
    assert.equal(req.certIds[0].issuerNameHashHex, nameHash);
    assert.equal(req.certIds[0].hashAlgorithm, 'sha1');
  });

  it('decodes the response: good, revoked (time + keyCompromise), unknown, nonce echoed, responder by name', async () => {
    const items = decodeBytes(readFileSync(respPath), { fileName: 'resp.der' });
    assert.equal(items[0].result.kind, 'ocspResponse');
    const resp = items[0].result as OcspResponseModel;
    assert.equal(resp.responseStatus, 'successful');
    const basic = resp.basic!;
    const bySerial = new Map(basic.responses.map((r) => [r.certId.serialHex, r.certStatus]));
    assert.deepEqual(bySerial.get(normalizeSerial(pki.server.serialHex)), { status: 'good' });
    assert.deepEqual(bySerial.get(normalizeSerial(pki.client.serialHex)), { status: 'revoked', revocationTime: new Date('2025-01-02T03:04:05Z'), reason: 'keyCompromise' });
    assert.deepEqual(bySerial.get(normalizeSerial(unknownSerial)), { status: 'unknown' });
    const req = decodeBytes(readFileSync(reqPath))[0].result as OcspRequestModel;
    assert.equal(basic.nonceHex, req.nonceHex);
    assert.equal(basic.responderId.byName?.commonName, 'Test Intermediate CA');
    assert.ok(basic.responses.every((r) => r.nextUpdate && r.nextUpdate.getTime() > r.thisUpdate.getTime()));
    // openssl's own reading of the same response, for the statuses in order.
    const text = await openssl(['ocsp', '-respin', respPath, '-resp_text', '-noverify']);
    const statuses = [...text.matchAll(/Cert Status: (\w+)/g)].map((m) => m[1]);
    assert.deepEqual(basic.responses.map((r) => r.certStatus.status), statuses);
    assert.deepEqual(basic.certificates.map((c) => c.subject.commonName), [...text.matchAll(/Subject: .*CN ?= ?([^,\n]+)/g)].map((m) => m[1].trim()));
  });

  it('reads a responder id by key hash, a response without certificates and without nonce', async () => {
    const index = join(tmp.dir, 'index.txt');
    const req2 = join(tmp.dir, 'req2.der');
    const resp2 = join(tmp.dir, 'resp2.der');
    await openssl(['ocsp', '-issuer', pki.intermediate.certPath, '-cert', pki.server.certPath, '-no_nonce', '-reqout', req2]);
    await openssl(['ocsp', '-index', index, '-rsigner', pki.intermediate.certPath, '-rkey', pki.intermediate.keyPath, '-CA', pki.intermediate.certPath,
      '-reqin', req2, '-respout', resp2, '-resp_key_id', '-resp_no_certs']);
    const req = decodeBytes(readFileSync(req2))[0].result as OcspRequestModel;
    assert.equal(req.nonceHex, undefined);
    const resp = decodeBytes(readFileSync(resp2))[0].result as OcspResponseModel;
    const basic = resp.basic!;
    assert.equal(basic.responderId.byName, undefined);
    // The key hash is SHA-1 of the responder's public key (as openssl's -resp_text prints it).
    const text = await openssl(['ocsp', '-respin', resp2, '-resp_text', '-noverify']);
    assert.equal(basic.responderId.byKeyHashHex, /Responder Id: ([0-9A-F]+)/.exec(text)![1].toLowerCase());
    assert.equal(basic.responderId.byKeyHashHex, req.certIds[0].issuerKeyHashHex);
    assert.deepEqual(basic.certificates, []);
    assert.equal(basic.nonceHex, undefined);
  });

  it('decodes the same response given as PEM-less base64 and inside a text file with an OCSP RESPONSE label', () => {
    const b64 = readFileSync(respPath).toString('base64');
    const bare = decodeBytes(Buffer.from(b64 + '\n'));
    assert.equal(bare[0].result.kind, 'ocspResponse');
    const pem = `# stapled response\n-----BEGIN OCSP RESPONSE-----\n${b64.replace(/.{64}/g, '$&\n')}\n-----END OCSP RESPONSE-----\n`;
    const items = decodeBytes(Buffer.from(pem));
    assert.equal(items[0].result.kind, 'ocspResponse');
    assert.equal(items[0].range.startLine, 1);
  });
});
