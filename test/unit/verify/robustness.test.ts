// verifyCertificate never throws and never hangs on damaged input: seeded byte mutations of a
// real certificate path and CRL always yield a result (valid or with a failure reason).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../support/tmp';
import { initCa } from '../../../src/core/ca/index';
import { verifyCertificate } from '../../../src/core/verify/index';
import { derBlocks } from '../../../src/core/verify/parse';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('verify: damaged input', function () {
  this.timeout(120_000);
  const tmp = makeTempDir();
  after(() => tmp.cleanup());

  it('returns a result for 1,500 mutated leaves, intermediates and CRLs', async () => {
    const root = await initCa(join(tmp.dir, 'r'), { subject: '/CN=Fuzz Root' });
    const sub = await initCa(join(tmp.dir, 's'), { subject: '/CN=Fuzz Sub', parent: root });
    const leaf = await sub.issue({ profile: 'server', name: 'l', dns: ['a.example'], crlUrls: ['http://127.0.0.1:1/x.crl'] });
    await sub.revoke((await sub.issue({ profile: 'client', name: 'r' })).serialHex, 'keyCompromise');
    const der = (pem: string): Buffer => Buffer.from(derBlocks(pem, ['CERTIFICATE'])[0]);
    const inputs = { leaf: der(leaf.certPem), sub: der(sub.certPem), crl: readFileSync(sub.paths.crlDer) };
    const rnd = prng(20261122);
    let invalid = 0;
    for (let i = 0; i < 1500; i++) {
      const which = (['leaf', 'sub', 'crl'] as const)[i % 3];
      const m = Buffer.from(inputs[which]);
      const flips = 1 + Math.floor(rnd() * 3);
      for (let f = 0; f < flips; f++) {
        const pos = Math.floor(rnd() * m.length);
        const mode = rnd();
        if (mode < 0.6) m[pos] = Math.floor(rnd() * 256);
        else if (mode < 0.8) m[pos] ^= 0x80;
        else m[pos] = m[pos] < 0x80 ? 0x84 : 0x00; // length-field havoc
      }
      const bytes = { ...inputs, [which]: which === 'crl' && rnd() < 0.2 ? m.subarray(0, Math.floor(m.length * rnd())) : m };
      const r = await verifyCertificate(bytes.leaf, { anchors: [der(root.certPem)], pool: [bytes.sub], crls: [bytes.crl], revocation: 'leaf' });
      assert.equal(typeof r.valid, 'boolean');
      if (!r.valid) {
        invalid++;
        assert.ok(r.failure && r.failure.message.length > 0);
      }
    }
    // Most random damage must be caught (signatures cover every byte but the outer signature field).
    assert.ok(invalid > 1200, `only ${invalid} of 1500 mutations were rejected`);
  });
});
