// Pre-flight checks on client certificates and keys made by the real openssl CLI.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { certificatesFromPem } from '../../../src/core/probe/certs';
import { preflight } from '../../../src/core/probe/preflight';
import { makeOpensslPki, type OpensslPki } from '../../support/openssl-pki';
import { openssl } from '../../support/run';
import { makeTempDir } from '../../support/tmp';

describe('probe pre-flight', function () {
  let now: Date;
  this.timeout(30_000);
  const tmp = makeTempDir();
  let pki: OpensslPki;
  before(async () => {
    pki = await makeOpensslPki(tmp.dir);
    now = new Date(Date.now() + 2000);
  });
  after(() => tmp.cleanup());

  const pem = (p: string) => ({ pem: readFileSync(p, 'utf8'), source: p });
  const ca = (...paths: string[]) => paths.flatMap((p) => certificatesFromPem(readFileSync(p, 'utf8')));
  const kinds = (r: ReturnType<typeof preflight>) => r.findings.map((f) => f.kind);

  it('a matching key and a clientAuth certificate whose chain is complete pass', () => {
    const full = join(tmp.dir, 'client-full.pem');
    writeFileSync(full, readFileSync(pki.client.certPath, 'utf8') + readFileSync(pki.intermediate.certPath, 'utf8'));
    const r = preflight(pem(full), pem(pki.client.keyPath), ca(pki.root.certPath), now);
    assert.deepEqual(r.findings, []);
    assert.equal(r.fatal, false);
    assert.equal(r.sentChain.length, 2);
    assert.equal(r.clientCert?.subject, 'CN=device-001');
  });

  it('a key of another certificate is fatal', () => {
    const r = preflight(pem(pki.client.certPath), pem(pki.server.keyPath), [], now);
    assert.equal(r.fatal, true);
    assert.deepEqual(kinds(r), ['key_mismatch']);
  });

  it('an encrypted key is reported as such, never printed', async () => {
    const enc = join(tmp.dir, 'enc.key');
    await openssl(['pkey', '-in', pki.client.keyPath, '-aes256', '-passout', 'pass:secret', '-out', enc]);
    const r = preflight(pem(pki.client.certPath), pem(enc), [], now);
    assert.equal(r.fatal, true);
    assert.match(r.findings[0].cause, /encrypted with a passphrase/);
    assert.doesNotMatch(JSON.stringify(r), /PRIVATE KEY/);
  });

  it('a server certificate used as a client certificate lacks clientAuth', () => {
    const r = preflight(pem(pki.server.certPath), pem(pki.server.keyPath), ca(pki.chainPath), now);
    assert.deepEqual(kinds(r), ['client_cert_no_clientauth', 'client_intermediate_not_sent']);
  });

  it('an intermediate only in the CA file, not sent: warned (unknown_ca risk)', () => {
    const r = preflight(pem(pki.client.certPath), pem(pki.client.keyPath), ca(pki.chainPath), now);
    assert.deepEqual(kinds(r), ['client_intermediate_not_sent']);
    assert.match(r.findings[0].fix, /Append the intermediate/);
  });

  it('a certificate from another CA than --ca: warned', () => {
    const r = preflight(pem(pki.client.certPath), pem(pki.client.keyPath), ca(pki.server.certPath), now);
    assert.deepEqual(kinds(r), ['client_chain_not_to_ca']);
  });

  it('validity is checked at the given time', () => {
    const r = preflight(pem(pki.client.certPath), pem(pki.client.keyPath), [], new Date('2099-01-01T00:00:00Z'));
    assert.deepEqual(kinds(r), ['client_cert_expired']);
    const early = preflight(pem(pki.client.certPath), pem(pki.client.keyPath), [], new Date('2000-01-01T00:00:00Z'));
    assert.deepEqual(kinds(early), ['client_cert_not_yet_valid']);
  });

  it('a certificate without a key, or a file without certificates, is bad input', () => {
    assert.deepEqual(kinds(preflight(pem(pki.client.certPath), undefined, [], now)), ['bad_input']);
    assert.deepEqual(kinds(preflight({ pem: 'hello', source: 'x.pem' }, pem(pki.client.keyPath), [], now)), ['bad_input']);
  });
});
