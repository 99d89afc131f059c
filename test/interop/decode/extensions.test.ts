// Extensions and CRL entry details written by openssl, decoded by Certscope: every extension of
// issue 2 §3 (name constraints, policies, TLS feature, SCT list, unknown critical extensions,
// otherName/dirName/IPv6 SANs, CDP reasons) and a 5,000-entry CRL with reasons and invalidity dates.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBytes, normalizeSerial } from '../../../src/core/decode/index';
import type { CertificateModel, CrlModel } from '../../../src/core/model';
import { renderText } from '../../../src/core/present/text';
import { openssl } from '../../support/run';
import { makeTempDir } from '../../support/tmp';

/** Two fake SCTs (RFC 6962 TLS encoding) inside the extension's OCTET STRING. */
function sctExtensionDer(logIds: Buffer[]): string {
  const scts = logIds.map((id) => Buffer.concat([Buffer.from([0]), id, Buffer.alloc(8, 1), Buffer.from([0, 0, 4, 3, 0, 4, 1, 2, 3, 4])]));
  const items = scts.map((s) => Buffer.concat([Buffer.from([s.length >> 8, s.length & 0xff]), s]));
  const list = Buffer.concat(items);
  const body = Buffer.concat([Buffer.from([list.length >> 8, list.length & 0xff]), list]);
  return Buffer.concat([Buffer.from([0x04, body.length]), body]).toString('hex');
}

describe('interop: extensions and CRL details written by openssl', function () {
  this.timeout(120_000);
  const tmp = makeTempDir();
  after(() => tmp.cleanup());
  const logIds = [Buffer.alloc(32, 0xab), Buffer.alloc(32, 0x5c)];
  let cert: CertificateModel;
  let text: string;

  before(async () => {
    const d = tmp.dir;
    writeFileSync(join(d, 'ext.cnf'), `[req]
distinguished_name = dn
[dn]
[ext]
basicConstraints = critical,CA:TRUE,pathlen:2
keyUsage = critical,keyCertSign,cRLSign,digitalSignature
extendedKeyUsage = serverAuth,clientAuth,1.2.3.4.9
subjectAltName = DNS:a.example,IP:2001:db8::1,email:ops@example.com,URI:https://example.com/x,dirName:dir_sect,otherName:1.3.6.1.4.1.311.20.2.3;UTF8:user@corp.example
nameConstraints = critical,permitted;DNS:.example.com,permitted;IP:10.0.0.0/255.0.0.0,excluded;email:.bad.example
certificatePolicies = 1.3.6.1.4.1.99999.7,@pol
policyConstraints = requireExplicitPolicy:0,inhibitPolicyMapping:1
inhibitAnyPolicy = 2
policyMappings = 1.2.3.4:1.2.3.5
tlsfeature = status_request
authorityInfoAccess = OCSP;URI:http://ocsp.example,caIssuers;URI:http://ca.example/ca.crt
crlDistributionPoints = cdp_sect
1.2.3.4.5.6 = critical,DER:0101ff
1.3.6.1.4.1.11129.2.4.2 = DER:${sctExtensionDer(logIds)}
[dir_sect]
O = Dir Org
CN = Dir Name
[pol]
policyIdentifier = 1.3.6.1.4.1.99999.1
CPS.1 = "http://cps.example/cps"
userNotice.1 = @notice
[notice]
explicitText = "Demo notice"
[cdp_sect]
fullname = URI:http://crl.example/a.crl
reasons = keyCompromise,CACompromise
`);
    await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(d, 'k.pem'),
      '-subj', '/CN=Extensions Test/O=Certscope', '-config', join(d, 'ext.cnf'), '-extensions', 'ext', '-days', '30', '-out', join(d, 'c.pem')]);
    cert = decodeBytes(readFileSync(join(d, 'c.pem')))[0].result as CertificateModel;
    text = await openssl(['x509', '-in', join(d, 'c.pem'), '-noout', '-text']);
  });

  it('decodes basic constraints, key usage and EKU (incl. an unnamed OID)', () => {
    const e = cert.extensions;
    assert.deepEqual(e.basicConstraints, { ca: true, pathLen: 2, critical: true });
    assert.deepEqual(e.keyUsage?.usages, ['digitalSignature', 'keyCertSign', 'cRLSign']);
    assert.deepEqual(e.extKeyUsage?.usages, ['serverAuth', 'clientAuth', '1.2.3.4.9']);
  });

  it('decodes every SAN type', () => {
    assert.deepEqual(cert.extensions.subjectAltName?.names.map((n) => `${n.type}:${n.value}`), [
      'dns:a.example', 'ip:2001:db8::1', 'email:ops@example.com', 'uri:https://example.com/x', 'dirName:CN=Dir Name,O=Dir Org', 'other:UPN:user@corp.example',
    ]);
  });

  it('decodes name constraints with IP ranges as CIDR', () => {
    assert.deepEqual(cert.extensions.nameConstraints, {
      permitted: [{ type: 'dns', value: '.example.com' }, { type: 'ip', value: '10.0.0.0/8' }],
      excluded: [{ type: 'email', value: '.bad.example' }],
      critical: true,
    });
    assert.match(text, /IP:10\.0\.0\.0\/255\.0\.0\.0/);
  });

  it('decodes policies with CPS and user notice, policy constraints, mappings, inhibitAnyPolicy', () => {
    const e = cert.extensions;
    assert.deepEqual(e.certificatePolicies, [
      { oid: '1.3.6.1.4.1.99999.7', cps: [], userNotices: [] },
      { oid: '1.3.6.1.4.1.99999.1', cps: ['http://cps.example/cps'], userNotices: ['Demo notice'] },
    ]);
    assert.deepEqual(e.policyConstraints, { requireExplicitPolicy: 0, inhibitPolicyMapping: 1 });
    assert.deepEqual(e.policyMappings, [{ issuerDomainPolicy: '1.2.3.4', subjectDomainPolicy: '1.2.3.5' }]);
    assert.equal(e.inhibitAnyPolicy, 2);
  });

  it('decodes TLS feature (must-staple), AIA and CDP with reasons', () => {
    const e = cert.extensions;
    assert.deepEqual(e.tlsFeature, { features: [5], mustStaple: true });
    assert.deepEqual(e.authorityInfoAccess, { ocsp: ['http://ocsp.example'], caIssuers: ['http://ca.example/ca.crt'] });
    assert.deepEqual(e.crlDistributionPoints, [{ urls: ['http://crl.example/a.crl'], names: [{ type: 'uri', value: 'http://crl.example/a.crl' }], reasons: ['keyCompromise', 'cACompromise'] }]);
  });

  it('counts the SCTs and reads their log ids as openssl does', () => {
    assert.deepEqual(cert.extensions.sct, { count: 2, logIdsHex: logIds.map((b) => b.toString('hex')) });
    const opensslIds = [...text.matchAll(/Log ID\s*:\s*([0-9A-F:]+)\s*\n\s*([0-9A-F:]+)/g)].map((m) => (m[1] + m[2]).replace(/:/g, '').toLowerCase());
    assert.deepEqual(opensslIds, cert.extensions.sct?.logIdsHex);
  });

  it('keeps an unknown critical extension as OID + critical + hex and shows it in the text', () => {
    const unknown = cert.extensions.all.find((x) => x.oid === '1.2.3.4.5.6');
    assert.deepEqual(unknown, { oid: '1.2.3.4.5.6', name: '1.2.3.4.5.6', critical: true, valueHex: '0101ff' });
    const section = text.slice(text.indexOf('X509v3 extensions:'), text.indexOf('Signature Algorithm', text.indexOf('X509v3 extensions:')));
    assert.equal(cert.extensions.all.length, (section.match(/^ {12}\S.*:( critical)?\s*$/gm) ?? []).length);
    assert.match(renderText([{ range: { block: 0, startLine: 0, endLine: 1, startOffset: 0, endOffset: 0 }, label: 'CERTIFICATE', result: cert }], { now: new Date() }),
      /Unknown 1\.2\.3\.4\.5\.6 \(critical\): +0101ff/);
  });

  it('decodes a 5,000-entry CRL from openssl ca with the same serials, reasons and invalidity dates', async () => {
    const d = tmp.dir;
    await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(d, 'ca.key'), '-subj', '/CN=CRL CA', '-days', '30', '-out', join(d, 'ca.crt')]);
    const reasons = ['keyCompromise', 'superseded', 'cessationOfOperation', 'affiliationChanged', 'certificateHold', 'unspecified', 'CACompromise'];
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const serial = (0x1000 + i * 13).toString(16).toUpperCase().padStart(6, '0');
      const rev = `2501${String(1 + (i % 28)).padStart(2, '0')}000000Z`;
      const reason = i % 11 === 0 ? ',keyTime,20241231120000Z' : i % 2 === 0 ? `,${reasons[i % reasons.length]}` : '';
      lines.push(`R\t351231235959Z\t${rev}${reason}\t${serial}\tunknown\t/CN=d${i}`);
    }
    writeFileSync(join(d, 'index.txt'), lines.join('\n') + '\n');
    writeFileSync(join(d, 'crlnumber'), '1F\n');
    writeFileSync(join(d, 'ca.cnf'), `[ca]\ndefault_ca=c\n[c]\ndatabase=${d}/index.txt\ncrlnumber=${d}/crlnumber\ndefault_md=sha256\ndefault_crl_days=7\ncrl_extensions=crl_ext\n[crl_ext]\nauthorityKeyIdentifier=keyid:always\n`);
    await openssl(['ca', '-config', join(d, 'ca.cnf'), '-gencrl', '-cert', join(d, 'ca.crt'), '-keyfile', join(d, 'ca.key'), '-out', join(d, 'big.crl'), '-batch']);
    const crl = decodeBytes(readFileSync(join(d, 'big.crl')))[0].result as CrlModel;
    const t = await openssl(['crl', '-in', join(d, 'big.crl'), '-noout', '-text']);
    const blocks = t.split(/\n\s+Serial Number: /).slice(1);
    assert.equal(crl.entryCount, 5000);
    assert.equal(blocks.length, 5000);
    assert.equal(crl.crlNumber, '1f');
    blocks.forEach((b, i) => {
      const e = crl.entries[i];
      assert.equal(e.serialHex, normalizeSerial(b.split('\n')[0]));
      assert.equal(e.revocationDate.getTime(), new Date(/Revocation Date: (.+)/.exec(b)![1]).getTime());
      const reason = /CRL Reason Code:\s*\n\s*(.+)/.exec(b)?.[1].trim();
      const expected = reason === undefined ? undefined : reason.replace(/^CA Compromise$/, 'cACompromise').replace(/^Key Compromise$/, 'keyCompromise').replace(/^Superseded$/, 'superseded')
        .replace(/^Cessation Of Operation$/, 'cessationOfOperation').replace(/^Affiliation Changed$/, 'affiliationChanged').replace(/^Certificate Hold$/, 'certificateHold').replace(/^Unspecified$/, 'unspecified');
      assert.equal(e.reason, expected, `entry ${i}`);
      const inv = /Invalidity Date:\s*\n\s*(.+)/.exec(b)?.[1].trim();
      assert.equal(e.invalidityDate?.getTime(), inv ? new Date(inv).getTime() : undefined, `entry ${i} invalidity`);
      assert.equal(crl.bySerial.get(e.serialHex), e);
    });
  });
});
