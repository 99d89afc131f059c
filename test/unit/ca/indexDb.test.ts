import assert from 'node:assert/strict';
import { normalizeSerialHex } from '../../../src/core/ca';
import { formatIndex, readIndex, IndexFormatError, formatAsn1Time, parseAsn1Time } from '../../../src/core/ca/indexDb';

// Lines written by `openssl ca` 3.0 (-revoke with -crl_reason, -crl_hold, -crl_compromise) plus a valid one.
const OPENSSL_INDEX = [
  'R\t261222084542Z\t261122084542Z,keyCompromise\t1000\tunknown\t/CN=a',
  'R\t261222084542Z\t261122084542Z,holdInstruction,1.2.840.10040.2.2\t1001\tunknown\t/CN=b',
  'R\t261222084542Z\t261122084542Z,keyTime,20240101000000Z\t1002\tunknown\t/CN=c',
  'V\t20510101000000Z\t\t7FA3C0\tunknown\t/C=DE/O=Certscope Test/CN=device 1',
  'E\t200101000000Z\t\t01\tunknown\t/CN=old',
].join('\n') + '\n';

describe('ca/indexDb', () => {
  it('reads every field of openssl-written lines', () => {
    const e = readIndex(OPENSSL_INDEX);
    assert.equal(e.length, 5);
    assert.equal(e[0].status, 'R');
    assert.equal(e[0].expires.toISOString(), '2026-12-22T08:45:42.000Z');
    assert.equal(e[0].revoked?.date.toISOString(), '2026-11-22T08:45:42.000Z');
    assert.equal(e[0].revoked?.reason, 'keyCompromise');
    assert.equal(e[1].revoked?.reason, 'certificateHold');
    assert.equal(e[1].revoked?.holdInstruction, '1.2.840.10040.2.2');
    assert.equal(e[2].revoked?.reason, 'keyCompromise');
    assert.equal(e[2].revoked?.compromiseTime?.toISOString(), '2024-01-01T00:00:00.000Z');
    assert.equal(e[3].status, 'V');
    assert.equal(e[3].expires.toISOString(), '2051-01-01T00:00:00.000Z');
    assert.equal(e[3].serialHex, '7FA3C0');
    assert.equal(e[3].subject, '/C=DE/O=Certscope Test/CN=device 1');
    assert.equal(e[4].status, 'E');
  });

  it('formats back to the identical text', () => {
    assert.equal(formatIndex(readIndex(OPENSSL_INDEX)), OPENSSL_INDEX);
  });

  it('writes reasons with openssl spelling', () => {
    const text = formatIndex([{ status: 'R', expires: new Date('2030-01-01T00:00:00Z'), revoked: { date: new Date('2026-01-02T03:04:05Z'), reason: 'cACompromise' }, serialHex: 'abc', file: 'unknown', subject: '/CN=x' }]);
    assert.equal(text, 'R\t300101000000Z\t260102030405Z,CACompromise\t0ABC\tunknown\t/CN=x\n');
  });

  it('rejects malformed lines with the line number', () => {
    assert.throws(() => readIndex('V\t300101000000Z\t\t01\tunknown\t/CN=a\nX\tbad'), (e: unknown) => e instanceof IndexFormatError && e.line === 2);
    assert.throws(() => readIndex('Q\t300101000000Z\t\t01\tunknown\t/CN=a'), /unknown status "Q"/);
    assert.throws(() => readIndex('R\t300101000000Z\t\t01\tunknown\t/CN=a'), /without a revocation time/);
    assert.throws(() => readIndex('V\t3001010000Z\t\t01\tunknown\t/CN=a'), /bad expiry time/);
  });

  it('normalizes serials and times like openssl', () => {
    assert.equal(normalizeSerialHex('0x00ff'), 'FF');
    assert.equal(normalizeSerialHex('1'), '01');
    assert.equal(normalizeSerialHex('00:80:01'), '8001');
    assert.equal(formatAsn1Time(new Date('2049-12-31T23:59:59Z')), '491231235959Z');
    assert.equal(formatAsn1Time(new Date('2050-01-01T00:00:00Z')), '20500101000000Z');
    assert.equal(parseAsn1Time('500101000000Z')?.getUTCFullYear(), 1950);
  });
});
