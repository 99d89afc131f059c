// The extension registry (src/core/x509/extensions/registry.ts): every descriptor carries a named
// OID and decodes a real extension, made by openssl (certificate and CRL extensions, CRL entry
// extensions from `openssl ca -gencrl`) or, for certificateIssuer which openssl never writes, taken
// from NIST PKITS's indirect CRL.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findPemBlocks } from '../../../src/core/pem';
import { extensionName, OID } from '../../../src/core/oids';
import { splitCertificate } from '../../../src/core/x509/certificate';
import { splitCrl, scanEntries, type CrlParts, type EntryExtensions } from '../../../src/core/x509/crl';
import { readExtensions, type RawExtension } from '../../../src/core/x509/extension';
import { KNOWN, REGISTRY } from '../../../src/core/x509/extensions/registry';
import { readTlv } from '../../../src/core/der/reader';
import { issueWithOpenssl } from '../../support/openssl-pki';
import { openssl } from '../../support/run';
import { makeTempDir } from '../../support/tmp';

const PKITS_CRLS = join(__dirname, '..', '..', 'fixtures', 'pkits', 'crls');

function pemDer(path: string): Uint8Array {
  const der = findPemBlocks(readFileSync(path, 'latin1'))[0]?.der;
  if (!der) throw new Error(`no PEM block in ${path}`);
  return der;
}

/** A two-byte SCT list with one fake SCT (RFC 6962 TLS encoding) of log id 0xab.. inside an OCTET STRING. */
function sctDer(): string {
  const sct = Buffer.concat([Buffer.from([0]), Buffer.alloc(32, 0xab), Buffer.alloc(8, 1), Buffer.from([0, 0, 4, 3, 0, 4, 1, 2, 3, 4])]);
  const list = Buffer.concat([Buffer.from([0, sct.length + 2, 0, sct.length]), sct]);
  return Buffer.concat([Buffer.from([0x04, list.length]), list]).toString('hex');
}

/** The crlEntryExtensions of every entry, raw, in order. */
function rawEntryExtensions(crl: CrlParts): RawExtension[] {
  const out: RawExtension[] = [];
  for (let pos = crl.entries!.start; pos < crl.entries!.end;) {
    const entry = readTlv(crl.der, pos);
    const date = readTlv(crl.der, readTlv(crl.der, entry.start).next);
    if (date.next < entry.end) out.push(...readExtensions(crl.der, readTlv(crl.der, date.next)));
    pos = entry.next;
  }
  return out;
}

describe('x509 extension registry', function () {
  this.timeout(60_000);
  const tmp = makeTempDir('certscope-registry-');
  after(() => tmp.cleanup());
  /** Every extension made by openssl (and PKITS), by OID. */
  const samples = new Map<string, RawExtension>();
  const entryExts: Array<Readonly<EntryExtensions> | undefined> = [];

  before(async () => {
    const d = tmp.dir;
    const ca = await issueWithOpenssl(d, 'ca', { subject: '/CN=Registry CA', extensions: 'basicConstraints=critical,CA:TRUE,pathlen:1\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash' });
    const leaf = await issueWithOpenssl(d, 'leaf', {
      subject: '/CN=registry-leaf', issuer: ca,
      extensions: [
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=serverAuth,1.2.3.4.5',
        'subjectAltName=DNS:a.example,IP:10.0.0.1,email:ops@example.com,dirName:dir_sect',
        'issuerAltName=URI:http://issuer.example/',
        'authorityKeyIdentifier=keyid:always',
        'subjectKeyIdentifier=hash',
        'authorityInfoAccess=OCSP;URI:http://ocsp.example/,caIssuers;URI:http://ca.example/ca.crt',
        'subjectInfoAccess=caRepository;URI:http://repo.example/',
        'crlDistributionPoints=crldp_sect',
        'freshestCRL=URI:http://crl.example/delta.crl',
        'certificatePolicies=@pol_sect',
        'policyMappings=1.2.3.10:1.2.3.20',
        'policyConstraints=requireExplicitPolicy:0,inhibitPolicyMapping:2',
        'inhibitAnyPolicy=3',
        'nameConstraints=permitted;DNS:.example,excluded;IP:192.168.0.0/255.255.0.0',
        'tlsfeature=status_request',
        'noCheck=ignored',
        `1.3.6.1.4.1.11129.2.4.2=DER:${sctDer()}`,
        // openssl 3.0 has no config syntax for it: a SEQUENCE OF Attribute (dateOfBirth) built by its ASN1 generator.
        '2.5.29.9=ASN1:SEQUENCE:sda_sect',
        '[dir_sect]', 'CN=Directory Name',
        '[crldp_sect]', 'relativename=rdn_sect', 'reasons=keyCompromise,superseded', 'CRLissuer=dirName:dir_sect',
        '[rdn_sect]', 'CN=Partition 7',
        '[pol_sect]', 'policyIdentifier=1.2.3.10', 'CPS.1=http://cps.example/', 'userNotice.1=@notice_sect',
        '[notice_sect]', 'explicitText=UTF8:Be nice',
        '[sda_sect]', 'attr=SEQUENCE:attr_sect',
        '[attr_sect]', 'type=OID:1.3.6.1.5.5.7.9.1', 'values=SET:dob_sect',
        '[dob_sect]', 'dob=GENERALIZEDTIME:19700101000000Z',
      ].join('\n'),
    });
    for (const e of splitCertificate(pemDer(leaf.certPath)).extensions) samples.set(e.oid, e);

    writeFileSync(join(d, 'index.txt'), [
      'R\t351231235959Z\t250101000000Z,keyTime,20241231000000Z\t1001\tunknown\t/CN=a',
      'R\t351231235959Z\t250102000000Z,holdInstruction,holdInstructionReject\t1002\tunknown\t/CN=b',
      'R\t351231235959Z\t250103000000Z,superseded\t1003\tunknown\t/CN=c',
    ].join('\n') + '\n');
    writeFileSync(join(d, 'crlnumber'), '07\n');
    writeFileSync(join(d, 'ca.cnf'), [
      '[ca]', 'default_ca=c', '[c]', `database=${d}/index.txt`, `crlnumber=${d}/crlnumber`, 'default_md=sha256', 'default_crl_days=30', 'crl_extensions=crl_ext',
      '[crl_ext]', 'authorityKeyIdentifier=keyid:always', 'issuerAltName=URI:http://issuer.example/',
      'authorityInfoAccess=caIssuers;URI:http://ca.example/ca.crt', 'freshestCRL=URI:http://crl.example/delta.crl',
      // openssl 3.0 cannot write these two by name: its ASN1 generator gives the same encoding.
      '2.5.29.27=critical,ASN1:INTEGER:5', '2.5.29.60=ASN1:GENERALIZEDTIME:20240101000000Z',
      'issuingDistributionPoint=critical,@idp', '[idp]', 'fullname=URI:http://crl.example/full.crl', 'onlysomereasons=keyCompromise,superseded', 'onlyuser=TRUE',
    ].join('\n') + '\n');
    const crlPath = join(d, 'crl.pem');
    await openssl(['ca', '-config', join(d, 'ca.cnf'), '-gencrl', '-cert', ca.certPath, '-keyfile', ca.keyPath, '-out', crlPath, '-batch']);
    const crl = splitCrl(pemDer(crlPath));
    for (const e of crl.extensions) if (!samples.has(e.oid)) samples.set(e.oid, e); // the certificate's come first
    if (crl.entries) scanEntries(crl.der, crl.entries, (_serial, _date, ext) => entryExts.push(ext));
    for (const e of rawEntryExtensions(crl)) samples.set(e.oid, e);
    const indirect = splitCrl(new Uint8Array(readFileSync(join(PKITS_CRLS, 'indirectCRLCA5CRL.crl'))));
    samples.set(OID.certificateIssuer, rawEntryExtensions(indirect).find((e) => e.oid === OID.certificateIssuer)!);
  });

  it('every descriptor has a named OID (src/core/oids.ts) with a name the rest of Certscope shows', () => {
    const named = new Set<string>(Object.values(OID));
    for (const [oid, d] of REGISTRY) {
      assert.equal(d.oid, oid);
      assert.ok(named.has(oid), `${oid} is not a named OID`);
      assert.notEqual(extensionName(oid), oid, `${oid} has no name`);
      assert.ok(d.in.length > 0, `${extensionName(oid)} belongs nowhere`);
    }
  });

  it('every descriptor decodes the extension openssl wrote', () => {
    const missing = [...REGISTRY.keys()].filter((oid) => !samples.has(oid));
    assert.deepEqual(missing, [], 'descriptors without an openssl-made sample');
    const decoded = new Map([...REGISTRY].map(([oid, d]) => [extensionName(oid), d.decode(samples.get(oid)!.value)]));
    assert.deepEqual(decoded.get('basicConstraints'), { ca: false });
    assert.deepEqual(decoded.get('keyUsage'), { mask: 0b101, names: ['digitalSignature', 'keyEncipherment'] });
    assert.deepEqual(decoded.get('extKeyUsage'), [OID.serverAuth, '1.2.3.4.5']);
    const san = decoded.get('subjectAltName') as Array<{ type: string; value?: string; bytes?: Uint8Array; name?: { key: string } }>;
    assert.deepEqual(san.map((g) => g.type), ['dns', 'ip', 'email', 'dirName']);
    assert.deepEqual([...san[1].bytes!], [10, 0, 0, 1]);
    assert.equal(san[3].name!.key, `${OID.commonName}=directory name`);
    assert.deepEqual(decoded.get('issuerAltName'), [{ type: 'uri', value: 'http://issuer.example/' }]);
    assert.match((decoded.get('authorityKeyIdentifier') as { keyIdHex: string }).keyIdHex, /^[0-9a-f]{40}$/);
    assert.match(decoded.get('subjectKeyIdentifier') as string, /^[0-9a-f]{40}$/);
    assert.deepEqual(decoded.get('authorityInfoAccess'), [
      { method: OID.accessOcsp, location: { type: 'uri', value: 'http://ocsp.example/' } },
      { method: OID.accessCaIssuers, location: { type: 'uri', value: 'http://ca.example/ca.crt' } },
    ]);
    assert.deepEqual(decoded.get('subjectInfoAccess'), [{ method: '1.3.6.1.5.5.7.48.5', location: { type: 'uri', value: 'http://repo.example/' } }]);
    const [dp] = decoded.get('cRLDistributionPoints') as Array<{ relativeName: { key: string }; reasons: number; crlIssuer: unknown[] }>;
    assert.equal(dp.relativeName.key, `${OID.commonName}=partition 7`);
    assert.equal(dp.reasons, (1 << 1) | (1 << 4), 'keyCompromise (1) and superseded (4)');
    assert.equal(dp.crlIssuer.length, 1);
    assert.deepEqual(decoded.get('freshestCRL'), [{ fullName: [{ type: 'uri', value: 'http://crl.example/delta.crl' }] }]);
    const [policy] = decoded.get('certificatePolicies') as Array<{ oid: string; cps: string[]; userNotices: string[]; qualifiers: string }>;
    assert.deepEqual([policy.oid, policy.cps, policy.userNotices], ['1.2.3.10', ['http://cps.example/'], ['Be nice']]);
    assert.deepEqual(decoded.get('policyMappings'), [{ issuerDomainPolicy: '1.2.3.10', subjectDomainPolicy: '1.2.3.20' }]);
    assert.deepEqual(decoded.get('policyConstraints'), { requireExplicitPolicy: 0, inhibitPolicyMapping: 2 });
    assert.equal(decoded.get('inhibitAnyPolicy'), 3);
    const nc = decoded.get('nameConstraints') as { permitted: Array<{ base: unknown }>; excluded: Array<{ base: { bytes: Uint8Array } }> };
    assert.deepEqual(nc.permitted.map((s) => s.base), [{ type: 'dns', value: '.example' }]);
    assert.deepEqual([...nc.excluded[0].base.bytes], [192, 168, 0, 0, 255, 255, 0, 0]);
    assert.deepEqual(decoded.get('tlsFeature'), [5]);
    assert.deepEqual(decoded.get('signedCertificateTimestampList'), { count: 1, logIdsHex: ['ab'.repeat(32)] });
    assert.equal(decoded.get('ocspNoCheck'), true);
    assert.deepEqual(decoded.get('subjectDirectoryAttributes'), ['1.3.6.1.5.5.7.9.1']);
    assert.equal(decoded.get('cRLNumber'), '7');
    assert.equal(decoded.get('deltaCRLIndicator'), '5');
    assert.deepEqual(decoded.get('issuingDistributionPoint'), {
      fullName: [{ type: 'uri', value: 'http://crl.example/full.crl' }], onlyUser: true, onlyCA: false, onlyAttr: false, indirect: false,
      onlySomeReasons: (1 << 1) | (1 << 4),
    });
    assert.deepEqual(decoded.get('expiredCertsOnCRL'), new Date('2024-01-01T00:00:00Z'));
    assert.equal(decoded.get('holdInstructionCode'), '1.2.840.10040.2.3', 'holdInstructionReject');
    assert.ok([1, 6, 4].includes(decoded.get('reasonCode') as number));
    assert.deepEqual(decoded.get('invalidityDate'), new Date('2024-12-31T00:00:00Z'));
    const [issuer] = decoded.get('certificateIssuer') as Array<{ type: string; name: { key: string } }>;
    assert.equal(issuer.type, 'dirName');
    assert.match(issuer.name.key, new RegExp(`/${OID.commonName.replace(/\./g, '\\.')}=indirectcrl ca6$`), 'the first such entry names indirectCRL CA6, as `openssl crl -text` prints');
  });

  it('CRL entries: reasons, invalidity dates and hold instructions read by the one scanner', () => {
    assert.deepEqual(entryExts.map((e) => e?.reason), [1, 6, 4]);
    assert.deepEqual(entryExts[0]?.invalidityDate, new Date('2024-12-31T00:00:00Z'));
    assert.equal(entryExts.some((e) => e?.unknownCritical), false, 'holdInstructionCode is a known entry extension');
  });

  it('the known-extension sets come from the registry, per place', () => {
    assert.ok(KNOWN.certificate.has(OID.basicConstraints) && !KNOWN.certificate.has(OID.crlNumber));
    assert.ok(KNOWN.crl.has(OID.issuingDistributionPoint) && KNOWN.crl.has(OID.authorityKeyIdentifier) && !KNOWN.crl.has(OID.basicConstraints));
    assert.ok(KNOWN.crlEntry.has(OID.certificateIssuer) && !KNOWN.crlEntry.has(OID.issuingDistributionPoint));
    // A CRL's delta locations are known there; its distribution points are a certificate's only.
    assert.ok(KNOWN.crl.has(OID.freshestCrl) && !KNOWN.crl.has(OID.crlDistributionPoints));
    for (const [oid, d] of REGISTRY) for (const scope of d.in) assert.ok(KNOWN[scope].has(oid));
  });
});
