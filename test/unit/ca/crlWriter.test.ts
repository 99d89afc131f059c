import assert from 'node:assert/strict';
import { encodeCrlEntry, encodeIndexRevocations } from '../../../src/core/ca/crlWriter';
import { readIndex } from '../../../src/core/ca/indexDb';

// The fast path (encoding from index.txt characters) must produce exactly the bytes of the
// generic entry encoder fed with the parsed entries.
const INDEX = [
  'R\t300101000000Z\t260102030405Z,keyCompromise\t1000\tunknown\t/CN=a',
  'V\t300101000000Z\t\t1001\tunknown\t/CN=valid',
  'R\t300101000000Z\t260102030405Z\t80FF\tunknown\t/CN=high-bit',
  'R\t300101000000Z\t260102030405Z,holdInstruction,1.2.840.10040.2.2\t1002\tunknown\t/CN=hold',
  'R\t300101000000Z\t260102030405Z,keyTime,20240101000000Z\t1003\tunknown\t/CN=keytime',
  'R\t20600101000000Z\t20550101000000Z,superseded\t1004\tunknown\t/CN=far',
  'R\t300101000000Z\t20260102030405Z,CACompromise\t1005\tunknown\t/CN=gen-before-2050',
  'R\t300101000000Z\t260102030405Z,unspecified\t00AB\tunknown\t/CN=unspecified',
  'E\t200101000000Z\t\t1006\tunknown\t/CN=expired',
].join('\r\n') + '\r\n';

describe('ca/crlWriter', () => {
  it('encodes index.txt revocations exactly like the generic encoder', () => {
    const text = INDEX.replace(/\r\n/g, '\n');
    const fast = encodeIndexRevocations(text);
    const expected = Buffer.concat(readIndex(text).filter((e) => e.status === 'R').map((e) => encodeCrlEntry({
      serialHex: e.serialHex, date: e.revoked!.date, reason: e.revoked!.reason, invalidityDate: e.revoked!.compromiseTime, holdInstruction: e.revoked!.holdInstruction,
    })));
    assert.equal(fast.count, 7);
    assert.equal(Buffer.concat(fast.parts).toString('hex'), expected.toString('hex'));
  });

  it('reports a malformed revoked line with its number', () => {
    assert.throws(() => encodeIndexRevocations('R\t300101000000Z\t260102030405Z,keyCompromise\t1000\tunknown\t/CN=a\nR\tbroken\n'), /line 2/);
  });
});
