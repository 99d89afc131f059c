import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { integer, encodeLength, namedBits, oid, time, seq, toPem, setOf, octetString } from '../../../src/core/der/writer';
import { readTlv, integerHex, oidString, timeValue } from '../../../src/core/der/reader';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('der/writer', () => {
  it('encodes INTEGERs in two\'s complement without redundant zeros', () => {
    assert.equal(hex(integer(0)), '020100');
    assert.equal(hex(integer(127)), '02017f');
    assert.equal(hex(integer(128)), '02020080');
    assert.equal(hex(integer(Buffer.from('0000ff', 'hex'))), '020200ff');
    assert.equal(hex(integer(Buffer.from('7f', 'hex'))), '02017f');
    assert.equal(hex(integer(2n ** 64n)), '0209010000000000000000');
    const big = integer(Buffer.from('8a'.repeat(20), 'hex'));
    assert.equal(integerHex(big, readTlv(big, 0)), '8a'.repeat(20));
  });

  it('uses the shortest length form', () => {
    assert.equal(hex(encodeLength(127)), '7f');
    assert.equal(hex(encodeLength(128)), '8180');
    assert.equal(hex(encodeLength(256)), '820100');
    assert.equal(hex(encodeLength(70000)), '83011170');
    const long = octetString(Buffer.alloc(300));
    assert.equal(readTlv(long, 0).end - readTlv(long, 0).start, 300);
  });

  it('writes OIDs with multi-byte arcs', () => {
    for (const o of ['2.5.29.19', '1.2.840.113549.1.1.11', '1.3.6.1.4.1.11129.2.4.2', '2.999.3']) {
      const e = oid(o);
      assert.equal(oidString(e, readTlv(e, 0)), o);
    }
  });

  it('writes named bit strings DER-minimally', () => {
    assert.equal(hex(namedBits([0, 5, 6])), '03020186'); // digitalSignature, keyCertSign, cRLSign
    assert.equal(hex(namedBits([0])), '03020780');
    assert.equal(hex(namedBits([8])), '0303070080');
  });

  it('switches to GeneralizedTime in 2050 and drops fractions of seconds', () => {
    assert.equal(Buffer.from(time(new Date('2049-12-31T23:59:59.900Z'))).toString('latin1').slice(2), '491231235959Z');
    const g = time(new Date('2050-01-01T00:00:00Z'));
    assert.equal(g[0], 0x18);
    assert.equal(timeValue(g, readTlv(g, 0)).toISOString(), '2050-01-01T00:00:00.000Z');
  });

  it('sorts SET OF by encoding and wraps PEM at 64 columns', () => {
    assert.equal(hex(setOf([Buffer.from('0401ff', 'hex'), Buffer.from('040100', 'hex')])), '3106040100' + '0401ff');
    const pem = toPem(Buffer.alloc(100, 1), 'X');
    assert.ok(pem.split('\n').slice(1, -2).every((l) => l.length <= 64));
    assert.equal(Buffer.from(pem.split('\n').slice(1, -2).join(''), 'base64').length, 100);
    assert.throws(() => new X509Certificate(toPem(seq(), 'CERTIFICATE')));
  });
});
