// issuedBy is the one answer to "did this CA sign this certificate" for the probe's chain checks
// and the CA's revoke; checked against certificates made by the openssl CLI.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { issuedBy } from '../../src/core/issuedBy';
import { issueWithOpenssl } from '../support/openssl-pki';
import { makeTempDir } from '../support/tmp';

const der = (path: string): Uint8Array => new Uint8Array(Buffer.from(readFileSync(path, 'latin1').replace(/-----[^-]+-----|\s/g, ''), 'base64'));

describe('issuedBy (one answer for the probe and the CA)', () => {
  it('is true for the issuer and false for a CA with the same name but another key, for the leaf itself and for garbage', async () => {
    const { dir, cleanup } = makeTempDir('certscope-issued-by-');
    try {
      // No key identifiers: only the signature tells the twins apart, as in the twins revocation state.
      const ext = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign';
      const ca = await issueWithOpenssl(dir, 'ca', { subject: '/CN=Twin CA', extensions: ext });
      const twin = await issueWithOpenssl(dir, 'twin', { subject: '/CN=Twin CA', extensions: ext });
      const leaf = await issueWithOpenssl(dir, 'leaf', { subject: '/CN=device', extensions: 'basicConstraints=CA:FALSE', issuer: ca });
      assert.equal(issuedBy(der(leaf.certPath), der(ca.certPath)), true);
      assert.equal(issuedBy(der(leaf.certPath), der(twin.certPath)), false, 'same issuer name, different key');
      assert.equal(issuedBy(der(ca.certPath), der(leaf.certPath)), false, 'names do not chain');
      assert.equal(issuedBy(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]), der(ca.certPath)), false);
    } finally {
      cleanup();
    }
  });
});
