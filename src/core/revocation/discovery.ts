// Where a CA folder keeps its CRLs, so they count even when the workspace scan would not find them
// (outside the include glob, hashed names in crl_dir, an absolute path elsewhere): the openssl.cnf
// `crl` file, every file of `crl_dir`, Certscope's crl.pem/crl.der, and CRL-named files in the
// folder and its crl/ subfolder. A CRL anywhere else in the workspace is found by the workspace
// scan itself; the revocation service matches them all to issuers by name, key id and signature.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { resolveCaPaths } from '../ca/caDirectory';

/** Bounds: a crl_dir is a directory of a few CRLs, never thousands of files. */
const MAX_FILES_PER_DIR = 200;
const CRL_NAME = /(^|[._-])crl([._-]|$)|\.crl$|\.r\d+$/i;

export function caCrlFiles(caDir: string): string[] {
  let resolved: ReturnType<typeof resolveCaPaths>;
  try {
    resolved = resolveCaPaths(caDir);
  } catch {
    return [];
  }
  const { paths, section } = resolved;
  const out = new Set<string>([paths.crlPem, paths.crlDer]);
  const crlDir = section?.get('crl_dir');
  if (crlDir) for (const f of filesIn(isAbsolute(crlDir) ? crlDir : resolve(dirname(paths.config), crlDir), () => true)) out.add(f);
  for (const dir of [paths.dir, join(paths.dir, 'crl')]) for (const f of filesIn(dir, (n) => CRL_NAME.test(n))) out.add(f);
  return [...out].filter(isFile);
}

function filesIn(dir: string, keep: (name: string) => boolean): string[] {
  try {
    return readdirSync(dir).filter(keep).slice(0, MAX_FILES_PER_DIR).map((n) => join(dir, n));
  } catch {
    return [];
  }
}

function isFile(p: string): boolean {
  try {
    return existsSync(p) && statSync(p).isFile();
  } catch {
    return false;
  }
}
