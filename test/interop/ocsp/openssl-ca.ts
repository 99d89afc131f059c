// An `openssl ca` directory made and driven by the real openssl CLI: the CA database (index.txt)
// that the OCSP responder reads is written by openssl itself, as users' CAs are.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openssl } from '../../support/run';
import { issueWithOpenssl, issueWithOpensslCa, type OpensslCert } from '../../support/openssl-pki';

export interface OpensslCa {
  dir: string;
  ca: OpensslCert;
  root: OpensslCert;
  cnf: string;
  /** Issues a leaf with `openssl ca` (recorded in index.txt). */
  issue(name: string, opts?: { ocspUrl?: string; server?: boolean; ext?: string }): Promise<OpensslCert>;
  revoke(cert: OpensslCert, reason?: string): Promise<void>;
  /** A delegated OCSP responder certificate (EKU OCSPSigning) issued by the CA. */
  responderCert(name: string, opts?: { eku?: boolean }): Promise<OpensslCert>;
}

/** root -> CA (the `openssl ca` directory); leaves issued with `openssl ca`. */
export async function makeOpensslCa(base: string): Promise<OpensslCa> {
  const dir = join(base, 'ca');
  mkdirSync(join(dir, 'certs'), { recursive: true });
  const root = await issueWithOpenssl(base, 'root', {
    subject: '/C=DE/O=Certscope Test/CN=OCSP Test Root',
    extensions: 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash',
    days: 3650,
  });
  const ca = await issueWithOpenssl(base, 'issuing', {
    subject: '/C=DE/O=Certscope Test/CN=OCSP Test Issuing CA',
    extensions: 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid',
    issuer: root,
    days: 1825,
  });
  copyFileSync(ca.certPath, join(dir, 'ca.crt'));
  copyFileSync(ca.keyPath, join(dir, 'ca.key'));
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'index.txt.attr'), 'unique_subject = no\n');
  writeFileSync(join(dir, 'serial'), '1000\n');
  const cnf = join(dir, 'openssl.cnf');
  writeFileSync(cnf, [
    '[ca]', 'default_ca = CA_default', '',
    '[CA_default]', `dir = ${dir}`, 'certificate = $dir/ca.crt', 'private_key = $dir/ca.key',
    'database = $dir/index.txt', 'serial = $dir/serial', 'new_certs_dir = $dir/certs',
    'default_md = sha256', 'default_days = 365', 'policy = policy_any', 'unique_subject = no', 'copy_extensions = none', '',
    '[policy_any]', 'commonName = supplied', '',
  ].join('\n'));
  const signWithCa = (name: string, subject: string, extensions: string): Promise<OpensslCert> =>
    issueWithOpensslCa(cnf, base, name, { subject, extensions });
  return {
    dir, ca, root, cnf,
    issue: (name, opts = {}) => signWithCa(name, `/CN=${name}`, [
      'basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature',
      opts.server ? 'extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1' : 'extendedKeyUsage=clientAuth',
      ...(opts.ocspUrl ? [`authorityInfoAccess=OCSP;URI:${opts.ocspUrl}`] : []),
      ...(opts.ext ? [opts.ext] : []),
    ].join('\n')),
    revoke: async (cert, reason = 'keyCompromise') => {
      await openssl(['ca', '-config', cnf, '-revoke', cert.certPath, '-crl_reason', reason]);
    },
    responderCert: (name, opts = {}) => signWithCa(name, `/CN=${name}`, [
      'basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature',
      ...(opts.eku === false ? ['extendedKeyUsage=clientAuth'] : ['extendedKeyUsage=OCSPSigning']),
      'noCheck=ignored',
    ].join('\n')),
  };
}
