// Flattens indexed files into typed references (containers such as PKCS#7 and PKCS#12 contribute
// their certificates, CRLs and keys), so every later step works on plain lists.
import { EVERY, type Steps } from './slices';
import type { CertRef, CrlRef, CsrRef, ErrorRef, IndexedFile, KeyRef, OcspRef } from './types';

export interface Collected {
  certs: CertRef[];
  crls: CrlRef[];
  keys: KeyRef[];
  csrs: CsrRef[];
  ocsp: OcspRef[];
  errors: ErrorRef[];
  /** PKCS#12 stores that need a password before their contents can be listed. */
  locked: ErrorRef[];
}

export function* collectSteps(files: Iterable<IndexedFile>): Steps<Collected> {
  const out: Collected = { certs: [], crls: [], keys: [], csrs: [], ocsp: [], errors: [], locked: [] };
  let n = 0;
  for (const f of files) {
    if ((++n & (EVERY - 1)) === 0) yield;
    if (f.error) {
      out.errors.push({ loc: { file: f.key, item: -1 }, label: 'file', message: f.error });
      continue;
    }
    f.items.forEach((it, i) => {
      const loc = { file: f.key, item: i };
      const r = it.result;
      const range = it.range;
      switch (r.kind) {
        case 'certificate': out.certs.push({ loc, cert: r, range }); break;
        case 'crl': out.crls.push({ loc, crl: r, range }); break;
        case 'privateKey': case 'publicKey': out.keys.push({ loc, key: r, range }); break;
        case 'csr': out.csrs.push({ loc, csr: r, range }); break;
        case 'ocspResponse': out.ocsp.push({ loc, ocsp: r, range }); break;
        case 'pkcs7':
          r.certificates.forEach((cert, sub) => out.certs.push({ loc: { ...loc, sub }, cert, range }));
          r.crls.forEach((crl, sub) => out.crls.push({ loc: { ...loc, sub: 1000 + sub }, crl, range }));
          break;
        case 'pkcs12':
          if (!r.opened) out.locked.push({ loc, label: 'PKCS12', message: r.error ?? 'password needed', range });
          r.certificates.forEach((cert, sub) => out.certs.push({ loc: { ...loc, sub }, cert, range }));
          r.keys.forEach((key, sub) => out.keys.push({ loc: { ...loc, sub: 1000 + sub }, key, range }));
          break;
        case 'error': out.errors.push({ loc, label: r.label, message: r.message, range }); break;
        case 'ocspRequest': break; // shown per file only; nothing to cross-check
      }
    });
  }
  return out;
}
