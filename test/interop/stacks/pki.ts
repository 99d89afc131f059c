// The PKI every stack is tested with, made once per suite by the real openssl CLI: root -> issuing
// CA (an `openssl ca` directory), the server certificate (SAN localhost, 127.0.0.1) and one with a
// wrong name, client certificates (good, revoked, expired, from a second CA the servers do not
// trust), a current CRL and a stale one (nextUpdate in the past), and an OCSP response for the
// server certificate (for the stacks that staple from a file).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueWithOpenssl, type OpensslCert } from '../../support/openssl-pki';
import { openssl } from '../../support/run';
import { makeOpensslCa } from '../ocsp/openssl-ca';
import { issueWithDates } from '../probe/peers';

export interface StacksPki {
  dir: string;
  root: OpensslCert;
  issuing: OpensslCert;
  /** The issuing CA + root: what the servers trust for client certificates. */
  caFile: string;
  /** The root alone: what the probe trusts for the server chain; the trust of "leaf only" servers. */
  rootFile: string;
  server: OpensslCert;
  /** server leaf + issuing CA, what a server sends. */
  serverChainFile: string;
  /** leaf + issuing CA + key in one file (HAProxy's `crt`). */
  serverPemBundle: string;
  /** Leaf + key only, for the "missing intermediate" listeners. */
  serverLeafBundle: string;
  /** A server certificate for broker.example.com only, with its chain. */
  wrongName: OpensslCert;
  wrongNameChainFile: string;
  wrongNameBundle: string;
  clients: Record<ClientName, OpensslCert>;
  /** The issuing CA's CRL alone, current and stale: what s_server loads (-CRL takes one CRL) and the probe's --crl. */
  issuingCrl: { current: string; stale: string };
  /** The issuing CA's CRL + the root's current CRL: the CRL file of the other servers (nginx and HAProxy check the whole chain). */
  crl: { current: string; stale: string };
  /** DER OCSP response "good" for the server certificate, signed by the issuing CA. */
  ocspGood: string;
}

export type ClientName = 'good' | 'revoked' | 'expired' | 'otherCa';

const LEAF_CLIENT = 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth';
const LEAF_SERVER = 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth';
const STALE = { last: '20250101000000Z', next: '20250201000000Z' };

const cat = (out: string, ...files: string[]): string => {
  writeFileSync(out, files.map((f) => readFileSync(f, 'utf8')).join(''));
  return out;
};

/** A CRL of `cert` (a CA made outside `openssl ca`) with no entries: an empty database is enough. */
async function emptyCrl(dir: string, cert: OpensslCert, out: string): Promise<string> {
  const db = join(dir, `${cert.name}-crl-db`);
  mkdirSync(db, { recursive: true });
  writeFileSync(join(db, 'index.txt'), '');
  const cnf = join(db, 'openssl.cnf');
  writeFileSync(cnf, `[ca]\ndefault_ca = d\n[d]\ndatabase = ${db}/index.txt\ndefault_md = sha256\ndefault_crl_days = 30\n`);
  await openssl(['ca', '-config', cnf, '-gencrl', '-cert', cert.certPath, '-keyfile', cert.keyPath, '-out', out]);
  return out;
}

export async function makeStacksPki(dir: string): Promise<StacksPki> {
  const ca = await makeOpensslCa(dir);
  const caFile = cat(join(dir, 'ca-chain.pem'), ca.ca.certPath, ca.root.certPath);
  const server = await ca.issue('server', { server: true });
  const wrongName = await issueWithDates(ca.cnf, dir, 'wrong-name', `${LEAF_SERVER}\nsubjectAltName=DNS:broker.example.com`,
    '20250101000000Z', '20350101000000Z');
  const good = await ca.issue('device-good');
  const revoked = await ca.issue('device-revoked');
  const expired = await issueWithDates(ca.cnf, dir, 'device-expired', LEAF_CLIENT, '20200101000000Z', '20210101000000Z');
  await ca.revoke(revoked, 'keyCompromise');
  const otherRoot = await issueWithOpenssl(dir, 'other-root', {
    subject: '/O=Elsewhere/CN=Untrusted Other CA',
    extensions: 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash',
    days: 3650,
  });
  const otherCa = await issueWithOpenssl(dir, 'device-other-ca', { subject: '/CN=device-other-ca', extensions: LEAF_CLIENT, issuer: otherRoot });

  const issuingCurrent = join(dir, 'issuing-current.crl.pem');
  const issuingStale = join(dir, 'issuing-stale.crl.pem');
  await openssl(['ca', '-config', ca.cnf, '-gencrl', '-crldays', '30', '-out', issuingCurrent]);
  await openssl(['ca', '-config', ca.cnf, '-gencrl', '-crl_lastupdate', STALE.last, '-crl_nextupdate', STALE.next, '-out', issuingStale]);
  const rootCrl = await emptyCrl(dir, ca.root, join(dir, 'root.crl.pem'));

  const ocspReq = join(dir, 'server-ocsp.req');
  const ocspGood = join(dir, 'server-ocsp-good.der');
  await openssl(['ocsp', '-issuer', ca.ca.certPath, '-cert', server.certPath, '-reqout', ocspReq, '-no_nonce']);
  await openssl(['ocsp', '-index', join(ca.dir, 'index.txt'), '-CA', ca.ca.certPath, '-rsigner', ca.ca.certPath, '-rkey', ca.ca.keyPath,
    '-reqin', ocspReq, '-respout', ocspGood, '-ndays', '7']);

  return {
    dir, root: ca.root, issuing: ca.ca, caFile, rootFile: ca.root.certPath,
    server,
    serverChainFile: cat(join(dir, 'server-chain.pem'), server.certPath, ca.ca.certPath),
    serverPemBundle: cat(join(dir, 'server-bundle.pem'), server.certPath, ca.ca.certPath, server.keyPath),
    serverLeafBundle: cat(join(dir, 'server-leaf-bundle.pem'), server.certPath, server.keyPath),
    wrongName,
    wrongNameChainFile: cat(join(dir, 'wrong-name-chain.pem'), wrongName.certPath, ca.ca.certPath),
    wrongNameBundle: cat(join(dir, 'wrong-name-bundle.pem'), wrongName.certPath, ca.ca.certPath, wrongName.keyPath),
    clients: { good, revoked, expired, otherCa },
    issuingCrl: { current: issuingCurrent, stale: issuingStale },
    crl: {
      current: cat(join(dir, 'crl-current.pem'), issuingCurrent, rootCrl),
      stale: cat(join(dir, 'crl-stale.pem'), issuingStale, rootCrl),
    },
    ocspGood,
  };
}
