// Responder logic without HTTP: requests built by our client, responses checked by our verifier
// (openssl's view of the same responses is covered in test/interop/ocsp).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatIndex, type IndexEntry } from '../../../src/core/ca/indexDb';
import { buildOcspRequest, verifyOcspResponse } from '../../../src/core/ocsp/client';
import { IndexStatusSource } from '../../../src/core/ocsp/indexStatus';
import { decodeOcspRequest, decodeOcspResponse } from '../../../src/core/decode/ocsp';
import { errorResponseDer, OcspResponder } from '../../../src/core/ocsp/responder';
import { decodeGetPath } from '../../../src/core/ocsp/server';
import { nullValue, octetString, oid, seq, tlv } from '../../../src/core/der/writer';
import { OID } from '../../../src/core/oids';
import { issueWithOpenssl, makeOpensslPki, type OpensslPki } from '../../support/openssl-pki';
import { makeTempDir } from '../../support/tmp';

describe('OcspResponder', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let pki: OpensslPki;
  let indexPath: string;
  const now = new Date(Date.UTC(2026, 10, 22, 9, 30, 15, 789)); // fractional on purpose
  const read = (p: string) => readFileSync(p);
  const entry = (serialHex: string, revoked?: IndexEntry['revoked']): IndexEntry => ({
    status: revoked ? 'R' : 'V', expires: new Date(Date.UTC(2030, 0, 1)), serialHex, file: 'unknown', subject: '/CN=x', ...(revoked ? { revoked } : {}),
  });
  const responderFor = (extra: Partial<ConstructorParameters<typeof OcspResponder>[0]> = {}) => new OcspResponder({
    issuer: read(pki.intermediate.certPath), signerKey: read(pki.intermediate.keyPath),
    source: new IndexStatusSource(indexPath), validitySeconds: 900, now: () => now, ...extra,
  });
  const verify = (der: Uint8Array, cert = pki.server.certPath, nonce?: Uint8Array) =>
    verifyOcspResponse(der, { cert: read(cert), issuer: read(pki.intermediate.certPath), nonce, now });

  before(async () => {
    tmp = makeTempDir();
    pki = await makeOpensslPki(tmp.dir);
    indexPath = join(tmp.dir, 'index.txt');
  });
  after(() => tmp.cleanup());
  beforeEach(() => writeFileSync(indexPath, formatIndex([entry(pki.server.serialHex)])));

  it('answers good with whole-second thisUpdate/producedAt and nextUpdate = thisUpdate + validity', () => {
    const a = responderFor().respond(buildOcspRequest(read(pki.server.certPath), read(pki.intermediate.certPath)).der);
    assert.equal(a.responseStatus, 'successful');
    const v = verify(a.der);
    assert.deepEqual(v.problems, []);
    assert.equal(v.status, 'good');
    assert.equal(v.thisUpdate?.toISOString(), '2026-11-22T09:30:15.000Z');
    assert.equal(v.producedAt?.toISOString(), '2026-11-22T09:30:15.000Z');
    assert.equal(v.nextUpdate?.toISOString(), '2026-11-22T09:45:15.000Z');
  });

  it('echoes the request nonce byte for byte; none when none was sent', () => {
    const req = buildOcspRequest(read(pki.server.certPath), read(pki.intermediate.certPath), { nonce: true });
    const a = responderFor().respond(req.der);
    assert.equal(a.nonce, true);
    assert.deepEqual(verify(a.der, pki.server.certPath, req.nonce).problems, []);
    const plain = responderFor().respond(buildOcspRequest(read(pki.server.certPath), read(pki.intermediate.certPath)).der);
    assert.match(verify(plain.der, pki.server.certPath, req.nonce).problems.join(), /does not echo the nonce/);
  });

  it('reads index.txt again only when it changed, and shows a revocation at the next request', () => {
    const source = new IndexStatusSource(indexPath);
    const r = responderFor({ source });
    const req = buildOcspRequest(read(pki.server.certPath), read(pki.intermediate.certPath)).der;
    assert.equal(verify(r.respond(req).der).status, 'good');
    verify(r.respond(req).der);
    assert.equal(source.reads, 1, 'unchanged file: not re-read');
    writeFileSync(indexPath, formatIndex([entry(pki.server.serialHex, { date: new Date(Date.UTC(2026, 10, 22, 9, 0, 0)), reason: 'affiliationChanged' })]));
    const v = verify(r.respond(req).der);
    assert.equal(v.status, 'revoked');
    assert.equal(v.reason, 'affiliationChanged');
    assert.equal(v.revocationTime?.toISOString(), '2026-11-22T09:00:00.000Z');
    assert.equal(source.reads, 2);
  });

  it('keeps the last good database while index.txt is half written, and reports a missing one as internalError', () => {
    const source = new IndexStatusSource(indexPath);
    const r = responderFor({ source });
    const req = buildOcspRequest(read(pki.server.certPath), read(pki.intermediate.certPath)).der;
    assert.equal(verify(r.respond(req).der).status, 'good');
    writeFileSync(indexPath, 'V\t3001');
    assert.equal(verify(r.respond(req).der).status, 'good');
    assert.match(source.lastError ?? '', /index\.txt line 1/);
    const missing = responderFor({ source: new IndexStatusSource(join(tmp.dir, 'nope.txt')) }).respond(req);
    assert.equal(missing.responseStatus, 'internalError');
    assert.match(missing.error ?? '', /cannot read the CA database/);
  });

  it('answers unknown for a serial not in the database, and unauthorized for another CA', async () => {
    const a = responderFor().respond(buildOcspRequest(read(pki.client.certPath), read(pki.intermediate.certPath)).der);
    assert.equal(verify(a.der, pki.client.certPath).status, 'unknown');
    const b = responderFor().respond(buildOcspRequest(read(pki.intermediate.certPath), read(pki.root.certPath)).der);
    assert.equal(b.responseStatus, 'unauthorized');
  });

  it('turns garbage, trailing bytes and non-requests into malformedRequest', () => {
    const good = buildOcspRequest(read(pki.server.certPath), read(pki.intermediate.certPath)).der;
    const cases: Array<[Uint8Array, RegExp]> = [
      [new Uint8Array(0), /not valid DER/],
      [Buffer.from('hello'), /not valid DER/],
      [Buffer.concat([good, Buffer.from([0, 0])]), /2 trailing bytes/],
      [new Uint8Array(Buffer.from(readFileSync(pki.server.certPath, 'utf8').split('-----')[2], 'base64')), /OCSPRequest|TBSRequest|schema/i],
    ];
    for (const [der, re] of cases) {
      const a = responderFor().respond(der);
      assert.equal(a.responseStatus, 'malformedRequest', `${Buffer.from(der).toString('hex').slice(0, 20)}`);
      assert.match(a.error ?? '', re);
      assert.equal(verify(a.der).responseStatus, 'malformedRequest');
    }
  });

  it('bounds hostile requests: too many CertIDs, a negative serial, misplaced fields or deep nesting give malformedRequest with the cause', () => {
    const certId = (serial: Uint8Array) => seq(seq(oid(OID.sha1), nullValue()), octetString(Buffer.alloc(20)), octetString(Buffer.alloc(20)), tlv(0x02, serial));
    const request = (ids: Uint8Array[]) => seq(seq(seq(...ids.map((id) => seq(id)))));
    let deep: Uint8Array = Buffer.from([0x05, 0x00]);
    for (let i = 0; i < 200; i++) deep = seq(deep);
    const cases: Array<[Uint8Array, RegExp]> = [
      [request(Array.from({ length: 101 }, () => certId(Buffer.from([1])))), /lists 101 certificates \(at most 100/],
      [request([certId(Buffer.from([0xff, 0x01]))]), /negative serial number -ff/],
      [request([]), /lists no certificates/],
      [seq(seq(seq(certId(Buffer.from([1]))), octetString(Buffer.from('x')))), /TBSRequest must be/],
      [deep, /CertID is incomplete/],
    ];
    for (const [der, re] of cases) {
      const a = responderFor().respond(der);
      assert.equal(a.responseStatus, 'malformedRequest', String(re));
      assert.match(a.error ?? '', re);
    }
    // 100 CertIDs of other CAs are answered (unknown) and then refused as not ours, not crashed on.
    const many = responderFor().respond(request(Array.from({ length: 100 }, (_, i) => certId(Buffer.from([i + 1])))));
    assert.equal(many.responseStatus, 'unauthorized');
    assert.equal(many.answers.length, 100);
  });

  it('produces responses the Certscope decoder reads back field by field', () => {
    writeFileSync(indexPath, formatIndex([entry(pki.server.serialHex, { date: new Date(Date.UTC(2026, 10, 1)), reason: 'keyCompromise' })]));
    const req = buildOcspRequest(read(pki.server.certPath), read(pki.intermediate.certPath), { nonce: true });
    assert.equal(decodeOcspRequest(req.der).certIds[0].serialHex.replace(/^0+/, ''), pki.server.serialHex.replace(/^0+/, ''));
    const m = decodeOcspResponse(responderFor().respond(req.der).der);
    assert.equal(m.responseStatus, 'successful');
    const single = m.basic!.responses[0];
    assert.deepEqual(single.certStatus, { status: 'revoked', revocationTime: new Date(Date.UTC(2026, 10, 1)), reason: 'keyCompromise' });
    assert.equal(single.nextUpdate?.toISOString(), '2026-11-22T09:45:15.000Z');
    assert.equal(m.basic!.nonceHex, Buffer.from(req.nonce!).toString('hex').slice(4)); // the decoder shows the Nonce's content
    assert.equal(m.basic!.certificates[0].subject.commonName, 'Test Intermediate CA');
    assert.equal(decodeOcspResponse(errorResponseDer('tryLater')).responseStatus, 'tryLater');
  });

  it('signs with RSA keys (sha256WithRSAEncryption)', async () => {
    const rsaCa = await issueWithOpenssl(tmp.dir, 'rsa-ca', { subject: '/CN=RSA CA', extensions: 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign', key: 'rsa2048' });
    const leaf = await issueWithOpenssl(tmp.dir, 'rsa-leaf', { subject: '/CN=rsa-leaf', extensions: 'basicConstraints=CA:FALSE', issuer: rsaCa });
    const r = new OcspResponder({ issuer: read(rsaCa.certPath), signerKey: read(rsaCa.keyPath), source: { status: () => ({ status: 'good' }) }, now: () => now });
    const v = verifyOcspResponse(r.respond(buildOcspRequest(read(leaf.certPath), read(rsaCa.certPath)).der).der, { cert: read(leaf.certPath), issuer: read(rsaCa.certPath), now });
    assert.deepEqual(v.problems, []);
    assert.equal(v.status, 'good');
  });
});

describe('decodeGetPath (RFC 6960 Appendix A.1 GET)', () => {
  const der = Buffer.from([0x30, 0x03, 0xfb, 0xff, 0xfe]); // base64 "MAP7//4=": slashes and padding
  it('accepts URL-encoded base64, raw base64 with slashes, and base64url', () => {
    const b64 = der.toString('base64');
    assert.ok(b64.includes('/'));
    assert.deepEqual(Buffer.from(decodeGetPath('/' + encodeURIComponent(b64))), der);
    assert.deepEqual(Buffer.from(decodeGetPath('/' + b64)), der);
    assert.deepEqual(Buffer.from(decodeGetPath('/' + der.toString('base64url'))), der);
  });
  it('finds the request after a path prefix (responder URL http://host/ocsp)', () => {
    const b64 = der.toString('base64');
    assert.deepEqual(Buffer.from(decodeGetPath('/ocsp/' + encodeURIComponent(b64))), der);
    assert.deepEqual(Buffer.from(decodeGetPath('/a/b/' + b64)), der);
  });
  it('rejects an empty path, broken URL encoding and non-base64', () => {
    assert.throws(() => decodeGetPath('/'), /GET without a request/);
    assert.throws(() => decodeGetPath('/%E0%A4%A'), /not valid URL encoding/);
    assert.throws(() => decodeGetPath('/hello world!'), /not base64/);
  });
});
