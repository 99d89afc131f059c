// CRL discovery from a CA folder: openssl.cnf's `crl_dir` with openssl's hashed file names
// (<hash>.r0), which no include glob matches, still reaches the revocation service.
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBytes } from '../../../src/core/decode/index';
import type { CrlModel } from '../../../src/core/model';
import { RevocationService } from '../../../src/core/revocation/status';
import type { CertificateModel } from '../../../src/core/model';
import { caCrlFiles } from '../../../src/core/revocation/discovery';
import { indexDirectory } from '../../../src/core/workspace/directory';
import { issueWithOpenssl, issueWithOpensslCa } from '../../support/openssl-pki';
import { CA_EXT, gencrl, LEAF_SECTION, opensslCaDir, revoke } from '../../support/revocation-states';
import { openssl } from '../../support/run';
import { makeTempDir } from '../../support/tmp';

describe('CRL discovery from a CA folder (openssl.cnf crl_dir)', function () {
  this.timeout(60_000);
  const tmp = makeTempDir('certscope-discovery-');
  after(() => tmp.cleanup());

  it('a CRL in crl_dir under its hashed name revokes the certificate, and openssl agrees', async () => {
    const dir = join(tmp.dir, 'ca');
    mkdirSync(dir, { recursive: true });
    const ca = await issueWithOpenssl(dir, 'ca', { subject: '/CN=Hashed CRL CA', extensions: CA_EXT, days: 30 });
    const cnf = opensslCaDir(dir, ca);
    // crl_dir in the [CA_default] section, under $dir, like openssl's sample config.
    writeFileSync(cnf, readFileSync(cnf, 'utf8').replace(/^(dir = .*)$/m, '$1\ncrl_dir = $dir/crls'));
    const leaf = await issueWithOpensslCa(cnf, tmp.dir, 'hashed-leaf', { section: LEAF_SECTION });
    await revoke(cnf, leaf.certPath);
    mkdirSync(join(dir, 'crls'));
    const hash = (await openssl(['x509', '-in', ca.certPath, '-noout', '-hash'])).trim();
    const crl = join(dir, 'crls', `${hash}.r0`);
    await gencrl(cnf, crl);
    assert.ok(caCrlFiles(dir).includes(crl), `discovery lists ${crl}: ${JSON.stringify(caCrlFiles(dir))}`);
    // The peer: openssl finds the CRL by its hashed name in a CApath-style directory.
    const peer = await openssl(['verify', '-crl_check', '-CAfile', ca.certPath, '-CRLfile', crl, leaf.certPath]).catch((e: Error) => e.message);
    assert.match(peer, /certificate revoked/);
    const a = await indexDirectory(tmp.dir, { now: new Date(), expiringDays: 30 });
    const cert = decodeBytes(readFileSync(leaf.certPath), { fileName: 'hashed-leaf.crt' })[0].result as CertificateModel;
    const answer = a.status(cert).revocation;
    assert.equal(answer.verdict, 'revoked');
    assert.equal(answer.source?.loc.file, crl);
  });

  it('the same CRL in crl.der and crl.pem: every order of indexing names crl.pem (one answer on every surface and run)', async () => {
    const dir = join(tmp.dir, 'twin-files');
    mkdirSync(dir, { recursive: true });
    const ca = await issueWithOpenssl(dir, 'ca', { subject: '/CN=Twin Files CA', extensions: CA_EXT, days: 30 });
    const cnf = opensslCaDir(dir, ca);
    const pem = join(dir, 'crl.pem');
    await gencrl(cnf, pem);
    const der = join(dir, 'crl.der');
    await openssl(['crl', '-in', pem, '-outform', 'DER', '-out', der]);
    const caModel = decodeBytes(readFileSync(ca.certPath), { fileName: 'ca.crt' })[0].result as CertificateModel;
    const crlRef = (file: string) => ({ loc: { file, item: 0 }, crl: decodeBytes(readFileSync(file), { fileName: file })[0].result as CrlModel });
    const certs = [{ loc: { file: ca.certPath, item: 0 }, cert: caModel }];
    for (const order of [[pem, der], [der, pem]]) {
      const service = new RevocationService({ certs, crls: order.map(crlRef), ocsp: [] } as unknown as ConstructorParameters<typeof RevocationService>[0], new Date());
      assert.deepEqual(service.crlsIssuedBy(caModel).map((r) => r.loc.file), [pem, der], `indexed as ${order.join(', ')}`);
    }
  });
});
