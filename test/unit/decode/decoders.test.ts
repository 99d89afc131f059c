// The decoders on files made by the openssl CLI (examples/pki/generate.sh and
// test/fixtures/decode): fields, relations between objects, statuses, keys and errors.
import assert from 'node:assert/strict';
import { createHash, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  decodeBytes, decodeCertificate, decodeCrl, decodeCsr, DecodeFailure, decodeOcspResponse, decodeText, normalizeSerial, summarizeCertificate, validityAt,
} from '../../../src/core/decode/index';
import type { CertificateModel, CrlModel, CsrModel, DecodedObject, KeyModel, Pkcs12Model, Pkcs7Model } from '../../../src/core/model';

const pki = (f: string): Buffer => readFileSync(`examples/pki/${f}`);
const fx = (f: string): Buffer => readFileSync(`test/fixtures/decode/${f}`);

function only(bytes: Uint8Array, opts: { password?: string } = {}): DecodedObject {
  const items = decodeBytes(bytes, opts);
  assert.equal(items.length, 1, `expected one item, got ${items.length}`);
  const r = items[0].result;
  if (r.kind === 'error') assert.fail(`decode error: ${r.message}`);
  return r;
}

function spkiSha256OfPem(pem: string): string {
  const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

describe('certificates', () => {
  const root = only(pki('root.crt')) as CertificateModel;
  const inter = only(pki('intermediate.crt')) as CertificateModel;
  const server = only(pki('server.crt')) as CertificateModel;

  it('links the chain: issuer names, AKI/SKI, CA flags, self-signature', () => {
    assert.equal(server.issuer.derHex, inter.subject.derHex);
    assert.equal(inter.issuer.derHex, root.subject.derHex);
    assert.equal(server.extensions.authorityKeyId?.keyIdHex, inter.extensions.subjectKeyIdHex);
    assert.equal(root.selfSigned, true);
    assert.equal(inter.selfSigned, false);
    assert.deepEqual([root.isCA, inter.isCA, server.isCA], [true, true, false]);
    assert.equal(inter.extensions.basicConstraints?.pathLen, 0);
    assert.equal(root.publicKey.curve, 'P-384');
    assert.equal(inter.publicKey.bits, 2048);
    assert.deepEqual(inter.subject.attributes.map((a) => `${a.shortName}=${a.value}`).sort(), ['C=DE', 'CN=Certscope Demo Intermediate CA', 'O=Certscope Demo']);
  });

  it('decodes the server extensions written by generate.sh', () => {
    const e = server.extensions;
    assert.deepEqual(e.subjectAltName?.names, [{ type: 'dns', value: 'localhost' }, { type: 'ip', value: '127.0.0.1' }, { type: 'ip', value: '::1' }]);
    assert.deepEqual(e.keyUsage, { usages: ['digitalSignature'], critical: true });
    assert.deepEqual(e.extKeyUsage?.usages, ['serverAuth']);
    assert.deepEqual(e.authorityInfoAccess, { ocsp: ['http://127.0.0.1:8081'], caIssuers: ['http://127.0.0.1:8080/intermediate.crt'] });
    assert.deepEqual(e.crlDistributionPoints?.[0].urls, ['http://127.0.0.1:8080/intermediate.crl']);
    assert.deepEqual(e.certificatePolicies?.map((p) => p.oid), ['2.23.140.1.2.1']);
    assert.deepEqual(e.tlsFeature, { features: [5], mustStaple: true });
    assert.equal(server.publicKey.spkiSha256, spkiSha256OfPem(pki('server.key').toString()));
  });

  it('computes validity at a given time', () => {
    const expired = only(pki('expired.crt')) as CertificateModel;
    assert.equal(validityAt(expired, new Date('2020-06-01T00:00:00Z')).status, 'valid');
    assert.deepEqual(validityAt(expired, new Date('2021-01-11T00:00:00Z')), { status: 'expired', daysLeft: -10, text: 'expired 10 days ago' });
    assert.equal(validityAt(expired, new Date('2019-01-01T00:00:00Z')).text, 'not valid until 2020-01-01');
    assert.equal(validityAt(expired, new Date('2020-12-30T00:00:00Z')).text, 'expires in 2 days');
  });

  it('summarizeCertificate agrees with the full decoder', () => {
    const s = summarizeCertificate(new Uint8Array(server.der));
    assert.equal(s.serialHex, server.serialHex);
    assert.equal(s.subject.rfc4514, server.subject.rfc4514);
    assert.equal(s.sha256, server.fingerprints.sha256);
    assert.equal(summarizeCertificate(root.der).isCA, true);
    assert.equal(summarizeCertificate(root.der).selfIssued, true);
  });

  it('decodes Ed25519 certificates', () => {
    const c = only(fx('ed25519.crt')) as CertificateModel;
    assert.equal(c.publicKey.algorithm, 'Ed25519');
    assert.equal(c.signatureAlgorithm.name, 'ED25519');
    assert.equal(c.selfSigned, true);
  });

  it('flags a self-issued certificate whose signature does not verify', () => {
    const der = new Uint8Array(root.der);
    der[der.length - 5] ^= 0xff;
    assert.equal(decodeCertificate(der).selfSigned, false);
  });

  it('throws DecodeFailure from decodeCertificate for non-certificates', () => {
    assert.throws(() => decodeCertificate(new Uint8Array([0x02, 0x01, 0x00])), DecodeFailure);
    assert.throws(() => decodeCertificate(new Uint8Array(server.der.subarray(0, 100))), /not a valid certificate: .*at byte/);
  });

  it('normalizes serials from every notation', () => {
    assert.equal(normalizeSerial('00:0A:1b'), 'a1b');
    assert.equal(normalizeSerial('serial=0A1B'), 'a1b');
    assert.equal(normalizeSerial('0x00'), '0');
    assert.equal(normalizeSerial(server.serialColon), server.serialHex);
  });
});

describe('CRLs', () => {
  it('lists the revoked certificate with reason and finds it by serial in O(1)', () => {
    const crl = only(pki('crl.pem')) as CrlModel;
    const revoked = only(pki('revoked.crt')) as CertificateModel;
    const server = only(pki('server.crt')) as CertificateModel;
    const inter = only(pki('intermediate.crt')) as CertificateModel;
    assert.equal(crl.entryCount, 1);
    assert.equal(crl.bySerial.get(revoked.serialHex)?.reason, 'keyCompromise');
    assert.equal(crl.bySerial.has(server.serialHex), false);
    assert.equal(crl.issuer.derHex, inter.subject.derHex);
    assert.equal(crl.authorityKeyIdHex, inter.extensions.subjectKeyIdHex);
    assert.equal(crl.crlNumber, '1');
    assert.ok(crl.nextUpdate && crl.nextUpdate > crl.thisUpdate);
  });

  it('decodeCrl rejects a certificate with a DecodeFailure', () => {
    assert.throws(() => decodeCrl(new Uint8Array(Buffer.from('3003020100', 'hex'))), DecodeFailure);
  });
});

describe('CSRs', () => {
  it('decodes subject, key, requested SANs and checks the signature', () => {
    const csr = only(fx('rsa.csr')) as CsrModel;
    assert.equal(csr.subject.rfc4514, 'CN=csr.example,O=Test');
    assert.equal(csr.signatureValid, true);
    assert.deepEqual(csr.requestedExtensions.subjectAltName?.names, [{ type: 'dns', value: 'csr.example' }, { type: 'ip', value: '10.0.0.1' }]);
    assert.equal(csr.publicKey.spkiSha256, spkiSha256OfPem(fx('rsa-public.pem').toString()));
  });

  it('reports a tampered CSR as signatureValid false', () => {
    const good = decodeCsr(decodeText(fx('rsa.csr').toString())[0].result.kind === 'csr' ? (only(fx('rsa.csr')) as CsrModel).der : new Uint8Array());
    const der = new Uint8Array(good.der);
    const at = Buffer.from(der).indexOf(Buffer.from('csr.example'));
    der[at] = 'x'.charCodeAt(0);
    assert.equal(decodeCsr(der).signatureValid, false);
  });
});

describe('keys', () => {
  const rsaSpki = spkiSha256OfPem(fx('rsa-public.pem').toString());

  it('gives the same public-key fingerprint for every encoding of one key, without secrets', () => {
    for (const f of ['rsa-pkcs8.key', 'rsa-pkcs1.key', 'rsa-public.pem', 'rsa-pkcs8.der']) {
      const k = only(fx(f)) as KeyModel;
      assert.equal(k.publicKey?.spkiSha256, rsaSpki, f);
      assert.equal(k.publicKey?.bits, 2048);
      assert.equal(k.encrypted, false);
      assert.deepEqual(Object.keys(k).sort(), ['encrypted', 'format', 'kind', 'publicKey']);
    }
    const ec = only(fx('ec-sec1.key')) as KeyModel;
    assert.equal(ec.publicKey?.curve, 'P-256');
    assert.equal(ec.publicKey?.spkiSha256, (only(fx('ec-pkcs8.key')) as KeyModel).publicKey?.spkiSha256);
  });

  it('marks encrypted keys, opens them with the password, and names a wrong one', () => {
    for (const f of ['rsa-encrypted.key', 'rsa-legacy-encrypted.key']) {
      const closed = only(fx(f)) as KeyModel;
      assert.equal(closed.encrypted, true, f);
      assert.equal(closed.publicKey, undefined);
      const open = only(fx(f), { password: 'secret' }) as KeyModel;
      assert.equal(open.publicKey?.spkiSha256, rsaSpki, f);
      const wrong = decodeBytes(fx(f), { password: 'nope' })[0].result;
      assert.equal(wrong.kind, 'error');
      assert.match(wrong.kind === 'error' ? wrong.message : '', /wrong password/);
    }
  });
});

describe('PKCS#7 and PKCS#12', () => {
  it('lists the certificates of a .p7b bundle in order', () => {
    const p7 = only(pki('bundle.p7b')) as Pkcs7Model;
    assert.deepEqual(p7.certificates.map((c) => c.subject.commonName), ['localhost', 'Certscope Demo Intermediate CA', 'Certscope Demo Root CA']);
  });

  it('opens PKCS#12 with the right password (PBES2/AES default and legacy 3DES) and pairs key and certificate', () => {
    for (const [file, pw] of [['examples/pki/server.p12', 'demo'], ['test/fixtures/decode/des3.p12', 'secret']]) {
      const p = only(readFileSync(file), { password: pw }) as Pkcs12Model;
      assert.equal(p.opened, true, file);
      assert.equal(p.keys.length, 1);
      assert.equal(p.keys[0].publicKey?.spkiSha256, p.certificates[0].publicKey.spkiSha256);
    }
  });

  it('says "password required" / "wrong password" with opened: false', () => {
    const missing = only(pki('server.p12')) as Pkcs12Model;
    assert.deepEqual([missing.opened, missing.certificates.length], [false, 0]);
    assert.match(missing.error ?? '', /password required/);
    const wrong = only(pki('server.p12'), { password: 'guess' }) as Pkcs12Model;
    assert.match(wrong.error ?? '', /^wrong password/);
  });

  it('opens a file with an empty password without being asked', () => {
    const p = only(fx('nopass.p12')) as Pkcs12Model;
    assert.equal(p.opened, true);
    assert.equal(p.certificates[0].subject.commonName, 'no password');
  });

  it('opens an `openssl pkcs12 -legacy` file (RC2-40 certificates, 3DES key) with its own RC2', () => {
    const p = only(fx('legacy.p12'), { password: 'secret' }) as Pkcs12Model;
    assert.equal(p.opened, true);
    assert.equal(p.error, undefined);
    assert.equal(p.certificates[0].subject.commonName, 'legacy p12');
    assert.equal(p.keys[0].publicKey?.spkiSha256, p.certificates[0].publicKey.spkiSha256);
  });
});

describe('OCSP', () => {
  it('decodes a non-successful response status (hand-built: SEQUENCE { ENUMERATED 3 })', () => {
    assert.equal(decodeOcspResponse(new Uint8Array([0x30, 0x03, 0x0a, 0x01, 0x03])).responseStatus, 'tryLater');
    assert.throws(() => decodeOcspResponse(new Uint8Array([0x30, 0x03, 0x0a, 0x01, 0x04])), /unknown OCSP responseStatus 4/);
  });
});

describe('decodeBytes', () => {
  it('sniffs DER files by content', () => {
    const der = Buffer.from(pki('server.crt').toString().replace(/-----[^-]+-----|\s/g, ''), 'base64');
    assert.equal(only(der).kind, 'certificate');
    const crlDer = (only(pki('crl.pem')) as CrlModel).der;
    assert.equal(only(crlDer).kind, 'crl');
    assert.equal(only((only(fx('rsa.csr')) as CsrModel).der).kind, 'csr');
  });

  it('decodes every block of a mixed file and keeps going after a broken one', () => {
    const text = pki('server.crt').toString() + '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' + pki('crl.pem').toString();
    const items = decodeBytes(Buffer.from(text));
    assert.deepEqual(items.map((i) => i.result.kind), ['certificate', 'error', 'crl']);
    assert.match(items[1].result.kind === 'error' ? items[1].result.message : '', /not a valid certificate|not a certificate/);
  });

  it('reads PEM saved as UTF-16 with a byte-order mark (PowerShell) and UTF-8 with a BOM', () => {
    const pem = pki('server.crt').toString();
    assert.equal(only(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(pem, 'utf16le')])).kind, 'certificate');
    assert.equal(only(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(pem, 'utf16le').swap16()])).kind, 'certificate');
    assert.equal(only(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`# Zertifikat für Müller\n${pem}`)])).kind, 'certificate');
  });

  it('says a DER file is truncated, with the declared and present sizes', () => {
    const der = (only(pki('server.crt')) as CertificateModel).der;
    const r = decodeBytes(der.subarray(0, 200))[0].result;
    assert.equal(r.kind === 'error' ? r.message : r.kind, `truncated DER file: the outer SEQUENCE declares ${der.length} bytes, only 200 present`);
  });

  it('reads certificates and CRLs from one PKCS#7 file (openssl crl2pkcs7)', () => {
    const p7 = only(fx('certs-and-crl.p7b')) as Pkcs7Model;
    assert.equal(p7.certificates.length, 3);
    assert.equal(p7.crls.length, 1);
    assert.equal(p7.crls[0].entryCount, (only(pki('crl.pem')) as CrlModel).entryCount);
  });

  it('decodes a CRL mislabelled as CERTIFICATE as the CRL it is', () => {
    const text = pki('crl.pem').toString().replace(/X509 CRL/g, 'CERTIFICATE');
    assert.equal(only(Buffer.from(text)).kind, 'crl');
  });

  it('returns structured errors for empty, random and unrecognized input', () => {
    for (const input of [new Uint8Array(), Buffer.from('hello world'), new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x05])]) {
      const items = decodeBytes(input);
      assert.equal(items.length, 1);
      assert.equal(items[0].result.kind, 'error');
    }
  });
});
