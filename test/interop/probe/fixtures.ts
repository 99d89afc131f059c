// One PKI for all probe interop tests, made with the real openssl CLI (`openssl ca`): a root, an
// issuing CA, server certificates (good, expired, wrong name, must-staple, revoked), client
// certificates (good, revoked, expired, other CA), a CRL and OCSP responses for stapling.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueWithOpenssl, type OpensslCert } from '../../support/openssl-pki';
import { openssl } from '../../support/run';
import { makeOpensslCa, type OpensslCa } from '../ocsp/openssl-ca';
import { genCrl, issueWithDates } from './peers';
import type { PemInput } from '../../../src/core/probe/types';

export interface ProbePki {
  base: string;
  ca: OpensslCa;
  /** root + issuing CA (what a broker's cafile holds). */
  chainFile: string;
  rootFile: string;
  server: OpensslCert;
  serverExpired: OpensslCert;
  serverWrongName: OpensslCert;
  serverMustStaple: OpensslCert;
  serverRevoked: OpensslCert;
  client: OpensslCert;
  clientRevoked: OpensslCert;
  clientExpired: OpensslCert;
  clientOtherCa: OpensslCert;
  crlFile: string;
  /** OCSP responses (DER files) made by `openssl ocsp` in file mode. */
  ocspGood: string;
  ocspRevoked: string;
}

export function pem(path: string): PemInput {
  return { pem: readFileSync(path, 'utf8'), source: path };
}

/** A DER OCSP response about `cert` from `openssl ocsp` in file mode (signed by the CA, valid 1 day). */
export async function ocspResponse(ca: OpensslCa, base: string, cert: OpensslCert, name: string): Promise<string> {
  const req = join(base, `${name}.req`);
  const resp = join(base, `${name}.resp`);
  await openssl(['ocsp', '-issuer', ca.ca.certPath, '-cert', cert.certPath, '-reqout', req, '-no_nonce']);
  await openssl(['ocsp', '-index', join(ca.dir, 'index.txt'), '-CA', ca.ca.certPath, '-rsigner', ca.ca.certPath, '-rkey', ca.ca.keyPath, '-reqin', req, '-respout', resp, '-ndays', '1']);
  return resp;
}

export async function makeProbePki(base: string): Promise<ProbePki> {
  const ca = await makeOpensslCa(base);
  const chainFile = join(base, 'cachain.pem');
  writeFileSync(chainFile, readFileSync(ca.ca.certPath, 'utf8') + readFileSync(ca.root.certPath, 'utf8'));
  const server = await ca.issue('localhost', { server: true });
  const serverRevoked = await ca.issue('revoked-server', { server: true });
  const serverMustStaple = await ca.issue('muststaple-server', { server: true, ext: 'tlsfeature=status_request' });
  const serverWrongName = await issueWithDates(ca.cnf, base, 'other-host',
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:broker.example.com',
    '20250101000000Z', '20350101000000Z');
  const serverExpired = await issueWithDates(ca.cnf, base, 'expired-server',
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1',
    '20200101000000Z', '20210101000000Z');
  const client = await ca.issue('device-good');
  const clientRevoked = await ca.issue('device-revoked');
  const clientExpired = await issueWithDates(ca.cnf, base, 'device-expired',
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth', '20200101000000Z', '20210101000000Z');
  await ca.revoke(clientRevoked, 'keyCompromise');
  await ca.revoke(serverRevoked, 'keyCompromise');
  const otherRoot = await issueWithOpenssl(base, 'other-root', {
    subject: '/CN=Some Other CA',
    extensions: 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash',
    days: 3650,
  });
  const clientOtherCa = await issueWithOpenssl(base, 'device-other', {
    subject: '/CN=device-other',
    extensions: 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth',
    issuer: otherRoot,
  });
  const crlFile = await genCrl(ca.cnf, join(base, 'issuing.crl.pem'));
  return {
    base, ca, chainFile, rootFile: ca.root.certPath, server, serverExpired, serverWrongName, serverMustStaple, serverRevoked,
    client, clientRevoked, clientExpired, clientOtherCa, crlFile,
    ocspGood: await ocspResponse(ca, base, server, 'ocsp-good'),
    ocspRevoked: await ocspResponse(ca, base, serverRevoked, 'ocsp-revoked'),
  };
}
