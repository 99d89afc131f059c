import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { toPem } from '../../../src/core/der/writer';
import { certificatesFromPem, summarizeSafe } from '../../../src/core/probe/certs';
import { makeOpensslPki } from '../../support/openssl-pki';
import { openssl } from '../../support/run';
import { makeTempDir } from '../../support/tmp';

describe('probe certificate helpers', () => {
  const tmp = makeTempDir();
  after(() => tmp.cleanup());

  it('PEM <-> DER round trip agrees with openssl, several blocks in one file', async () => {
    const pki = await makeOpensslPki(tmp.dir);
    const ders = certificatesFromPem(readFileSync(pki.chainPath, 'utf8'));
    assert.equal(ders.length, 2);
    // openssl re-encodes the certificate as PEM: the same text as ours.
    assert.equal(toPem(ders[0], 'CERTIFICATE'), await openssl(['x509', '-in', pki.intermediate.certPath]));
    assert.deepEqual(certificatesFromPem(toPem(ders[1], 'CERTIFICATE')), [ders[1]]);
    const s = summarizeSafe(ders[0], new Date());
    assert.equal(s.subject, 'CN=Test Intermediate CA,O=Certscope Test,C=DE');
    assert.equal(s.isCA, true);
  });

  it('never throws on bytes that are not a certificate', () => {
    const s = summarizeSafe(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]), new Date());
    assert.match(s.subject, /^\(undecodable certificate: /);
  });
});
