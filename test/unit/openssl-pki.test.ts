import { strict as assert } from 'node:assert';
import { makeOpensslPki } from '../support/openssl-pki';
import { openssl } from '../support/run';
import { makeTempDir } from '../support/tmp';

describe('test support: openssl PKI', () => {
  const tmp = makeTempDir();
  after(() => tmp.cleanup());

  it('builds a chain that openssl itself verifies', async () => {
    const pki = await makeOpensslPki(tmp.dir);
    const out = await openssl(['verify', '-CAfile', pki.root.certPath, '-untrusted', pki.intermediate.certPath, pki.server.certPath]);
    assert.match(out, /: OK/);
    assert.match(pki.client.serialHex, /^[0-9a-f]+$/);
  });
});
