// The openssl.cnf written into a new CA directory, so `openssl ca -config openssl.cnf -revoke`
// and `-gencrl` operate on the very files Certscope uses.
import type { CaPaths } from './layout';

export function renderOpensslCnf(paths: CaPaths, opts: { ed25519: boolean; crlDays: number; defaultDays: number }): string {
  const rel = (p: string): string => (p.startsWith(paths.dir + '/') ? '$dir/' + p.slice(paths.dir.length + 1) : p);
  return `# Written by Certscope. \`openssl ca -config ${paths.config} ...\` works on this directory
# (-revoke, -gencrl, -status, signing requests). Certscope reads the same files.
[ca]
default_ca = CA_default

[CA_default]
dir = ${paths.dir}
certificate = ${rel(paths.certificate)}
private_key = ${rel(paths.privateKey)}
database = ${rel(paths.database)}
serial = ${rel(paths.serial)}
crlnumber = ${rel(paths.crlNumber)}
new_certs_dir = ${rel(paths.newCertsDir)}
crl = ${rel(paths.crlPem)}
# Ed25519 has no separate digest; "default" lets openssl pick the key's own.
default_md = ${opts.ed25519 ? 'default' : 'sha256'}
default_days = ${opts.defaultDays}
default_crl_days = ${opts.crlDays}
unique_subject = no
copy_extensions = copy
email_in_dn = no
policy = policy_any
x509_extensions = usr_cert
crl_extensions = crl_ext

[policy_any]
countryName = optional
stateOrProvinceName = optional
localityName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied
emailAddress = optional

[usr_cert]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[crl_ext]
authorityKeyIdentifier = keyid:always
`;
}
