// Where the certificate parsers used to differ, decided against openssl (issue 11 §1). There is one
// parse layer now (src/core/x509/); the display (decode/), path validation (verify/parse.ts) and
// OCSP's certFacts are views over it and must read the same certificate the same way, as openssl.
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBytes } from '../../../src/core/decode/index';
import type { CertificateModel } from '../../../src/core/model';
import { certFacts } from '../../../src/core/ocsp/asn1';
import { verifyCertificate } from '../../../src/core/verify/engine';
import { parseCertificate } from '../../../src/core/verify/parse';
import { splitCertificate } from '../../../src/core/x509/certificate';
import { authorityInfoAccess } from '../../../src/core/x509/extensions/authorityInfoAccess';
import { findPemBlocks } from '../../../src/core/pem';
import { issueWithOpenssl, type OpensslCert } from '../../support/openssl-pki';
import { openssl, run } from '../../support/run';
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
    // The registry keeps every location (the display and validation both skip the non-URIs).
    const aia = splitCertificate(der).extensions.find((e) => e.oid === authorityInfoAccess.oid)!;
    assert.deepEqual(authorityInfoAccess.decode(aia.value).map((ad) => ad.location.type), ['uri', 'uri', 'uri', 'email', 'uri']);
  });

  it('bytes after an extension value are ignored, as openssl 3 does in `x509 -text` and `verify`', async () => {
    // keyUsage BIT STRING 03 02 05 a0 followed by a stray 00; basicConstraints SEQUENCE {} followed by a stray ff.
    const odd = await issueWithOpenssl(tmp.dir, 'trailing-ext', {
      subject: '/CN=trailing-ext', issuer: ca, days: 30, extensions: 'keyUsage=critical,DER:030205a000\nbasicConstraints=critical,DER:3000ff',
    });
    const text = await openssl(['x509', '-in', odd.certPath, '-noout', '-text']);
    assert.match(text, /Key Usage: critical\s+Digital Signature, Key Encipherment/);
    assert.match(text, /Basic Constraints: critical\s+CA:FALSE/);
    const peer = await run('openssl', ['verify', '-CAfile', ca.certPath, odd.certPath]);
    assert.equal(peer.code, 0, peer.stdout + peer.stderr);
    const model = decodeBytes(readFileSync(odd.certPath), { fileName: 'odd.crt' })[0].result as CertificateModel;
    assert.deepEqual(model.extensions.all.filter((e) => e.error), [], 'no extension is marked broken');
    assert.deepEqual(model.extensions.keyUsage?.usages, ['digitalSignature', 'keyEncipherment']);
    assert.equal(model.extensions.basicConstraints?.ca, false);
    const der = new Uint8Array(model.der);
    assert.equal(parseCertificate(der).keyUsage, 0b101);
    const ours = await verifyCertificate(der, { anchors: [findPemBlocks(readFileSync(ca.certPath, 'latin1'))[0].der!] });
    assert.equal(ours.valid, true, ours.failure?.message);
  });

  it('an undecodable extension: the display marks that entry; validation rejects the certificate only when it relies on it, as `openssl verify` does', async () => {
    const anchors = [findPemBlocks(readFileSync(ca.certPath, 'latin1'))[0].der!];
    const cases = [
      // An OCTET STRING where keyUsage needs a BIT STRING: openssl verify fails ("invalid certificate").
      { name: 'bad-ku', ext: 'keyUsage=critical,DER:0401ff', broken: 'keyUsage', opensslOk: false },
      // An AccessDescription that is an INTEGER: openssl prints it as bytes and verify does not read AIA.
      { name: 'bad-aia', ext: 'authorityInfoAccess=DER:3003020101', broken: 'authorityInfoAccess', opensslOk: true },
    ];
    for (const c of cases) {
      const cert = await issueWithOpenssl(tmp.dir, c.name, { subject: `/CN=${c.name}`, issuer: ca, days: 30, extensions: c.ext });
      const peer = await run('openssl', ['verify', '-CAfile', ca.certPath, cert.certPath]);
      assert.equal(peer.code === 0, c.opensslOk, peer.stdout + peer.stderr);
      const model = decodeBytes(readFileSync(cert.certPath), { fileName: `${c.name}.crt` })[0].result as CertificateModel;
      assert.deepEqual(model.extensions.all.filter((e) => e.error).map((e) => e.name), [c.broken], 'only the broken entry is marked');
      assert.ok(model.extensions.subjectKeyIdHex, 'the other extensions still decode');
      const ours = await verifyCertificate(new Uint8Array(model.der), { anchors });
      assert.equal(ours.valid, c.opensslOk, ours.failure?.message);
      if (!c.opensslOk) assert.match(ours.failure?.message ?? '', new RegExp(`${c.broken}:`));
    }
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
    assert.equal(dp?.relativeName?.key, '2.5.4.3=partition 7', 'verify/parse keeps the relative name for CRL scope matching');
  });

  it('nameRelativeToCRLIssuer is resolved against the CRL issuer when matching a CRL\'s scope, as `openssl verify` does', async () => {
    const d = join(tmp.dir, 'relative');
    mkdirSync(d, { recursive: true });
    const leafRel = await issueWithOpenssl(d, 'leaf', {
      subject: '/CN=relative-leaf', issuer: ca, days: 30,
      extensions: 'basicConstraints=critical,CA:FALSE\ncrlDistributionPoints=dp_sect\n[dp_sect]\nrelativename=dp_rdn\n[dp_rdn]\nCN=Partition 7',
    });
    /** A CRL of the CA whose IDP names partition `cn` relative to the CA, listing the leaf when `revoked`. */
    const crlFor = async (name: string, cn: string, revoked: boolean): Promise<string> => {
      const serial = leafRel.serialHex.toUpperCase();
      writeFileSync(join(d, `${name}.idx`), revoked ? `R\t351231235959Z\t250101000000Z,keyCompromise\t${serial.length % 2 ? '0' + serial : serial}\tunknown\t/CN=relative-leaf\n` : '');
      writeFileSync(join(d, `${name}.num`), '01\n');
      writeFileSync(join(d, `${name}.cnf`), `[ca]\ndefault_ca=c\n[c]\ndatabase=${d}/${name}.idx\ncrlnumber=${d}/${name}.num\ndefault_md=sha256\ndefault_crl_days=30\ncrl_extensions=e\n[e]\nissuingDistributionPoint=critical,@idp\n[idp]\nrelativename=r\n[r]\nCN=${cn}\n`);
      const out = join(d, `${name}.crl`);
      await openssl(['ca', '-config', join(d, `${name}.cnf`), '-gencrl', '-cert', ca.certPath, '-keyfile', ca.keyPath, '-out', out, '-batch']);
      return out;
    };
    const der = (p: string): Uint8Array => findPemBlocks(readFileSync(p, 'latin1'))[0].der!;
    const cases = [
      { crl: await crlFor('same', 'Partition 7', false), opensslOk: true, status: 'good' },
      { crl: await crlFor('other', 'Partition 8', false), opensslOk: false, status: 'unknown' },
      { crl: await crlFor('revoked', 'Partition 7', true), opensslOk: false, status: 'revoked' },
    ];
    for (const c of cases) {
      const peer = await run('openssl', ['verify', '-crl_check', '-CAfile', ca.certPath, '-CRLfile', c.crl, leafRel.certPath]);
      assert.equal(peer.code === 0, c.opensslOk, `${c.crl}: ${peer.stdout}${peer.stderr}`);
      if (c.status === 'unknown') assert.match(peer.stdout + peer.stderr, /different CRL scope/);
      const ours = await verifyCertificate(der(leafRel.certPath), { anchors: [der(ca.certPath)], crls: [der(c.crl)], revocation: 'leaf' });
      assert.equal(ours.valid, c.opensslOk, `${c.crl}: ${ours.failure?.message}`);
      assert.equal(ours.path[0].revocation.status, c.status, ours.path[0].revocation.detail);
    }
  });
});

