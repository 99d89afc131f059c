// Test PKI for the broker: the openssl-made root -> intermediate -> server/client chain
// (test/support/openssl-pki.ts) plus `openssl ca` databases for both CAs, so CRLs, revoked and
// expired client certificates come from the real openssl CLI, independent of Certscope's CA.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openssl } from '../../support/run';
import { issueWithOpenssl, issueWithOpensslCa, makeOpensslPki, type OpensslCert, type OpensslPki } from '../../support/openssl-pki';

export interface BrokerPki extends OpensslPki {
  /** Client certificates: good, revoked (keyCompromise), expired, and one from a foreign CA. */
  good: OpensslCert;
  revoked: OpensslCert;
  expired: OpensslCert;
  foreign: OpensslCert;
  rootCrlPath: string;
  intermediateCrlPath: string;
  /** Client CA file: intermediate + root. */
  clientCaPath: string;
  /** Revokes a certificate of the intermediate and rewrites its CRL. */
  revoke(cert: OpensslCert, reason?: string): Promise<void>;
  /** The intermediate's openssl ca database (index.txt), for an OCSP responder. */
  intermediateIndexPath: string;
  /** Another client certificate from the intermediate. */
  issueClient(name: string): Promise<OpensslCert>;
  /** A server certificate (localhost, 127.0.0.1) issued through the intermediate's database. */
  issueServer(name: string): Promise<OpensslCert>;
  /** Rewrites the intermediate's CRL (new number), e.g. with a short validity. */
  writeIntermediateCrl(opts?: { seconds?: number; path?: string }): Promise<void>;
}

interface CaDb {
  cert: OpensslCert;
  config: string;
}

function makeCaDb(dir: string, cert: OpensslCert): CaDb {
  const d = join(dir, `${cert.name}-db`);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'index.txt'), '');
  writeFileSync(join(d, 'crlnumber'), '01\n');
  const config = join(d, 'ca.cnf');
  writeFileSync(config, [
    '[ca]', 'default_ca = dev',
    '[dev]',
    `dir = ${d}`,
    'database = $dir/index.txt',
    'new_certs_dir = $dir',
    'crlnumber = $dir/crlnumber',
    `certificate = ${cert.certPath}`,
    `private_key = ${cert.keyPath}`,
    'default_md = sha256',
    'default_crl_days = 30',
    'policy = any',
    'unique_subject = no',
    'copy_extensions = none',
    'rand_serial = yes',
    '[any]', 'commonName = supplied',
    '[client_ext]',
    'basicConstraints = critical,CA:FALSE',
    'keyUsage = critical,digitalSignature',
    'extendedKeyUsage = clientAuth',
    'authorityKeyIdentifier = keyid',
    '[server_ext]',
    'basicConstraints = critical,CA:FALSE',
    'keyUsage = critical,digitalSignature',
    'extendedKeyUsage = serverAuth',
    'subjectAltName = DNS:localhost,IP:127.0.0.1',
    'authorityKeyIdentifier = keyid',
    '[crl_ext]', 'authorityKeyIdentifier = keyid',
    '',
  ].join('\n'));
  return { cert, config };
}

async function gencrl(db: CaDb, out: string, seconds?: number): Promise<void> {
  const validity = seconds === undefined ? [] : ['-crlsec', String(seconds)];
  await openssl(['ca', '-batch', '-config', db.config, '-gencrl', '-crlexts', 'crl_ext', ...validity, '-out', out]);
}

function issueClient(dir: string, db: CaDb, name: string, dates?: { start: string; end: string }, section = 'client_ext'): Promise<OpensslCert> {
  return issueWithOpensslCa(db.config, dir, name, { section, ...(dates ? { dates } : { days: 365 }) });
}

export async function makeBrokerPki(dir: string): Promise<BrokerPki> {
  const pki = await makeOpensslPki(dir);
  const rootDb = makeCaDb(dir, pki.root);
  const intDb = makeCaDb(dir, pki.intermediate);
  const good = await issueClient(dir, intDb, 'good-device');
  const revoked = await issueClient(dir, intDb, 'revoked-device');
  const expired = await issueClient(dir, intDb, 'expired-device', { start: '20200101000000Z', end: '20210101000000Z' });
  const foreignRoot = await issueWithOpenssl(dir, 'foreign-root', {
    subject: '/CN=Foreign Root CA',
    extensions: 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash',
    days: 3650,
  });
  const foreign = await issueWithOpenssl(dir, 'foreign-device', {
    subject: '/CN=foreign-device',
    extensions: 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth',
    issuer: foreignRoot,
  });
  const rootCrlPath = join(dir, 'root.crl.pem');
  const intermediateCrlPath = join(dir, 'intermediate.crl.pem');
  await gencrl(rootDb, rootCrlPath);
  await openssl(['ca', '-batch', '-config', intDb.config, '-revoke', revoked.certPath, '-crl_reason', 'keyCompromise']);
  await gencrl(intDb, intermediateCrlPath);
  return {
    ...pki,
    good,
    revoked,
    expired,
    foreign,
    rootCrlPath,
    intermediateCrlPath,
    clientCaPath: pki.chainPath,
    async revoke(cert, reason = 'keyCompromise') {
      await openssl(['ca', '-batch', '-config', intDb.config, '-revoke', cert.certPath, '-crl_reason', reason]);
      await gencrl(intDb, intermediateCrlPath);
    },
    intermediateIndexPath: join(dir, `${pki.intermediate.name}-db`, 'index.txt'),
    issueClient: (name) => issueClient(dir, intDb, name),
    issueServer: (name) => issueClient(dir, intDb, name, undefined, 'server_ext'),
    async writeIntermediateCrl(opts = {}) {
      await gencrl(intDb, opts.path ?? intermediateCrlPath, opts.seconds);
    },
  };
}
