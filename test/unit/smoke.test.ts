import { strict as assert } from 'node:assert';
import * as pkijs from 'pkijs';
import * as asn1js from 'asn1js';

describe('toolchain', () => {
  it('loads pkijs and asn1js (ESM-only) under tsx', () => {
    assert.equal(typeof pkijs.Certificate, 'function');
    assert.equal(typeof asn1js.fromBER, 'function');
  });
});
