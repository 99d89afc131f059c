// A device fleet on disk for the editor benchmarks and the tree tests, fast: one root, two intermediates, and N leaf certificates signed by the
// DER writer + crypto.sign (one ECDSA key shared by every leaf; ~20 s for 50,000 on a busy 2-core
// machine). Leaves are spread over 100 site folders; validity spreads over two years with some
// expired and some expiring soon, so the tree has realistic status and expiry-month groups.
// 90% of the leaves hang under one intermediate: the "CA with thousands of leaves" case.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCertificate, keyIdentifier } from '../../src/core/ca/certBuilder';
import { signerFor, spkiDer } from '../../src/core/ca/keys';
import { encodeDn, parseDn } from '../../src/core/ca/names';

const DAY = 86_400_000;
const SITES = 100;

export function pemOf(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;
}

export interface Fleet {
  /** Every file written (CA files first). */
  paths: string[];
  /** The intermediate with most leaves (CN). */
  bigCa: string;
}

/** Writes `count` certificate files (3 CA files + leaves) under `dir`. */
export function makeFleet(dir: string, count: number, now = Date.now()): Fleet {
  const key = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rootKey = key();
  const rootName = encodeDn(parseDn('/O=Fleet/CN=Fleet Root CA'));
  const rootSpki = spkiDer(rootKey.publicKey);
  const root = buildCertificate({
    serial: randomBytes(8), issuerDer: rootName, subjectDer: rootName, notBefore: new Date(now - 400 * DAY), notAfter: new Date(now + 3650 * DAY),
    publicKey: rootKey.publicKey, signer: signerFor(rootKey.privateKey), ca: {}, keyUsage: ['keyCertSign', 'cRLSign'],
  });
  const cas = ['Fleet Devices CA', 'Fleet Gateways CA'].map((cn) => {
    const k = key();
    const name = encodeDn(parseDn(`/O=Fleet/CN=${cn}`));
    const der = buildCertificate({
      serial: randomBytes(8), issuerDer: rootName, subjectDer: name, notBefore: new Date(now - 400 * DAY), notAfter: new Date(now + 1825 * DAY),
      publicKey: k.publicKey, signer: signerFor(rootKey.privateKey), authorityKeyId: keyIdentifier(rootSpki), ca: { pathLen: 0 }, keyUsage: ['keyCertSign', 'cRLSign'],
    });
    return { cn, k, name, der, ski: keyIdentifier(spkiDer(k.publicKey)), signer: signerFor(k.privateKey) };
  });
  const leafKey = key();
  const paths: string[] = [];
  const write = (rel: string, text: string): void => {
    const p = join(dir, rel);
    writeFileSync(p, text);
    paths.push(p);
  };
  mkdirSync(join(dir, 'ca'), { recursive: true });
  for (let s = 0; s < SITES; s++) mkdirSync(join(dir, `site-${String(s).padStart(3, '0')}`), { recursive: true });
  write('ca/root.pem', pemOf(root));
  cas.forEach((c, i) => write(`ca/intermediate-${i}.pem`, pemOf(c.der)));
  for (let i = 0; paths.length < count; i++) {
    const ca = cas[i % 10 === 9 ? 1 : 0];
    // notAfter from 60 days ago to ~2 years ahead: a few expired, some expiring soon, most valid.
    const days = (i * 7919) % 790 - 60;
    const der = buildCertificate({
      serial: randomBytes(12), issuerDer: ca.name, subjectDer: encodeDn(parseDn(`/O=Fleet/CN=device-${i}.fleet.test`)),
      notBefore: new Date(now - 365 * DAY), notAfter: new Date(now + days * DAY),
      publicKey: leafKey.publicKey, signer: ca.signer, authorityKeyId: ca.ski, keyUsage: ['digitalSignature'],
      extKeyUsage: ['clientAuth'], san: { dns: [`device-${i}.fleet.test`] },
    });
    write(`site-${String(i % SITES).padStart(3, '0')}/device-${i}.pem`, pemOf(der));
  }
  return { paths, bigCa: cas[0].cn };
}
