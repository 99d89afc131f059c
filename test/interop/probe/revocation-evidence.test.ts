// What the probe learns about the client certificate from the CRLs at hand (openssl-made CA):
// the issuer's CRL that lists it, staleness judged on the newest CRL only (an old stale copy next
// to a fresh one says nothing), other inputs reported, never thrown.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { certificatesFromPem } from '../../../src/core/probe/certs';
import { revocationEvidence, type RevocationInputs } from '../../../src/core/probe/revocation';
import { loadCrlFile } from '../../../src/core/verify/index';
import { openssl } from '../../support/run';
import { makeTempDir } from '../../support/tmp';
import { makeProbePki, type ProbePki } from './fixtures';

const DAY = 86_400_000;

describe('probe revocation evidence from CRL files', function () {
  this.timeout(60_000);
  const tmp = makeTempDir('certscope-probe-rev-');
  let pki: ProbePki;
  let shortCrl: string;
  let longCrl: string;

  before(async function () {
    this.timeout(120_000);
    pki = await makeProbePki(tmp.dir);
    shortCrl = join(tmp.dir, 'short.crl.pem');
    await openssl(['ca', '-config', pki.ca.cnf, '-gencrl', '-crldays', '1', '-out', shortCrl]);
    // A later thisUpdate (whole seconds) for the newer CRL.
    await new Promise((r) => setTimeout(r, 1100));
    longCrl = join(tmp.dir, 'long.crl.pem');
    await openssl(['ca', '-config', pki.ca.cnf, '-gencrl', '-crldays', '30', '-out', longCrl]);
  });
  after(() => tmp.cleanup());

  const leaf = (path: string): Buffer => certificatesFromPem(readFileSync(path, 'utf8'))[0];
  const crl = (path: string, source: string) => ({ der: loadCrlFile(path)[0], source });
  const inputs = (o: Partial<RevocationInputs>): RevocationInputs => ({
    leaf: leaf(pki.clientRevoked.certPath), issuers: certificatesFromPem(readFileSync(pki.chainFile, 'utf8')), crls: [], ocspResponses: [], known: [], fetch: false, now: new Date(), ...o,
  });

  it('the issuer\'s CRL that lists the certificate: revoked, with the file, the date and the reason', async () => {
    const e = await revocationEvidence(inputs({ crls: [crl(longCrl, 'long.crl.pem')] }));
    assert.equal(e.status, 'revoked');
    assert.match(e.source ?? '', /^CRL (#\d+ )?of OCSP Test Issuing CA \(long\.crl\.pem\)$/);
    assert.equal(e.reason, 'keyCompromise');
    assert.deepEqual(e.staleCrls, []);
  });

  it('a good certificate on a current CRL: good', async () => {
    const e = await revocationEvidence(inputs({ leaf: leaf(pki.client.certPath), crls: [crl(longCrl, 'long.crl.pem')] }));
    assert.equal(e.status, 'good');
  });

  it('staleness is judged on the newest CRL: an old stale copy beside a fresh one is not reported', async () => {
    const later = new Date(Date.now() + 5 * DAY);
    const both = await revocationEvidence(inputs({ leaf: leaf(pki.client.certPath), crls: [crl(shortCrl, 'short.crl.pem'), crl(longCrl, 'long.crl.pem')], now: later }));
    assert.deepEqual(both.staleCrls, []);
    assert.equal(both.status, 'good');
    const onlyOld = await revocationEvidence(inputs({ leaf: leaf(pki.client.certPath), crls: [crl(shortCrl, 'short.crl.pem')], now: later }));
    assert.equal(onlyOld.staleCrls.length, 1);
    assert.match(onlyOld.staleCrls[0].source, /short\.crl\.pem/);
    // A stale CRL says nothing about "good".
    assert.equal(onlyOld.status, 'unknown');
  });

  it('a CRL of another CA says nothing about the certificate; unreadable input is a note, not an exception', async () => {
    const e = await revocationEvidence(inputs({ leaf: leaf(pki.clientOtherCa.certPath), crls: [crl(longCrl, 'long.crl.pem'), { der: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]), source: 'junk.crl' }] }));
    assert.equal(e.status, 'unknown');
    assert.deepEqual(e.staleCrls, []);
    assert.ok(e.checked.some((c) => /^junk\.crl: not a CRL/.test(c)), e.checked.join('|'));
  });
});
