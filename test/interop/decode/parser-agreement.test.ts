// Where the certificate parsers used to differ, decided against openssl (issue 11 §1): the
// decoder (decode/), path validation's parser (verify/parse.ts) and OCSP's certFacts (now a view
// over verify/parse) read the same certificate the same way.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBytes } from '../../../src/core/decode/index';
import type { CertificateModel } from '../../../src/core/model';
import { certFacts } from '../../../src/core/ocsp/asn1';
import { parseCertificate } from '../../../src/core/verify/parse';
import { issueWithOpenssl, type OpensslCert } from '../../support/openssl-pki';
import { openssl } from '../../support/run';
import { makeTempDir } from '../../support/tmp';

describe('certificate parsers agree where they used to differ (decided with openssl)', function () {
  this.timeout(60_000);
  const tmp = makeTempDir('certscope-parsers-');
  after(() => tmp.cleanup());
  let ca: OpensslCert;
  let leaf: OpensslCert;

  before(async () => {
    ca = await issueWithOpenssl(tmp.dir, 'ca', { subject: '/CN=Parser CA', extensions: 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign', days: 30 });
    leaf = await issueWithOpenssl(tmp.dir, 'leaf', {
      subject: '/CN=parser-leaf', issuer: ca, days: 30,
      // Two OCSP URIs, a caIssuers URI, an OCSP location that is not a URI and an unknown access method.
      extensions: 'basicConstraints=critical,CA:FALSE\nextendedKeyUsage=clientAuth\nauthorityInfoAccess=OCSP;URI:http://ocsp-a.example,OCSP;URI:http://ocsp-b.example,caIssuers;URI:http://ca.example/ca.crt,OCSP;email:ocsp@example.com,1.2.3.4;URI:http://other.example',
    });
  });

  it('trailing bytes after a DER certificate are ignored by every parser, as `openssl x509 -inform DER` does', async () => {
    const derPath = join(tmp.dir, 'trailing.der');
    await openssl(['x509', '-in', leaf.certPath, '-outform', 'DER', '-out', derPath]);
    writeFileSync(derPath, Buffer.concat([readFileSync(derPath), Buffer.from('junk')]));
    const peer = (await openssl(['x509', '-inform', 'DER', '-in', derPath, '-noout', '-serial'])).trim().replace(/^serial=/, '').toLowerCase().replace(/^0+/, '');
    const bytes = new Uint8Array(readFileSync(derPath));
    const decoded = decodeBytes(bytes, { fileName: 'trailing.der' }).map((i) => i.result);
    assert.equal(decoded[0]?.kind, 'certificate');
    assert.equal((decoded[0] as CertificateModel).serialHex.replace(/^0+/, ''), peer);
    assert.equal(parseCertificate(bytes).serial, peer);
    assert.equal(certFacts(bytes).serialHex, peer);
  });

  it('authorityInfoAccess: only URI locations of the OCSP method are OCSP responders, in order, as openssl lists them', async () => {
    const peer = (await openssl(['x509', '-in', leaf.certPath, '-noout', '-ocsp_uri'])).trim().split('\n');
    assert.deepEqual(peer, ['http://ocsp-a.example', 'http://ocsp-b.example']);
    const model = decodeBytes(readFileSync(leaf.certPath), { fileName: 'leaf.crt' })[0].result as CertificateModel;
    assert.deepEqual(model.extensions.authorityInfoAccess?.ocsp, peer);
    assert.deepEqual(model.extensions.authorityInfoAccess?.caIssuers, ['http://ca.example/ca.crt']);
    const der = new Uint8Array(model.der);
    assert.deepEqual(parseCertificate(der).ocspUrls, peer);
    assert.deepEqual(parseCertificate(der).caIssuerUrls, ['http://ca.example/ca.crt']);
    assert.deepEqual(certFacts(der).ocspUrls, peer);
  });

  it('a CRL distribution point named relative to the CRL issuer is shown, as `openssl x509 -text` shows it', async () => {
    // openssl's config syntax for a relative name: a section with "relativename" (OpenSSL 1.1+).
    const extFile = join(tmp.dir, 'rel.ext');
    writeFileSync(extFile, '[ext]\nbasicConstraints=critical,CA:FALSE\ncrlDistributionPoints=dp_sect\n[dp_sect]\nrelativename=dp_rdn\n[dp_rdn]\nCN=Partition 7\n');
    const csr = join(tmp.dir, 'rel.csr');
    const key = join(tmp.dir, 'rel.key');
    await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-subj', '/CN=rel', '-out', csr]);
    const crt = join(tmp.dir, 'rel.crt');
    await openssl(['x509', '-req', '-in', csr, '-CA', ca.certPath, '-CAkey', ca.keyPath, '-days', '30', '-extfile', extFile, '-extensions', 'ext', '-out', crt]);
    const text = await openssl(['x509', '-in', crt, '-noout', '-text']);
    assert.match(text, /Relative Name:\s+CN\s*=\s*Partition 7/);
    const model = decodeBytes(readFileSync(crt), { fileName: 'rel.crt' })[0].result as CertificateModel;
    const names = model.extensions.crlDistributionPoints?.[0]?.names ?? [];
    assert.equal(names.length, 1);
    assert.equal(names[0].type, 'dirName');
    assert.match(names[0].value, /relative to the CRL issuer: CN=Partition 7/);
    // Path validation resolves it against the issuer: issuer name + the RDN.
    const dp = parseCertificate(new Uint8Array(model.der)).crlDistributionPoints?.[0];
    assert.ok(dp?.relativeName, 'verify/parse keeps the relative name for CRL scope matching');
  });
});

