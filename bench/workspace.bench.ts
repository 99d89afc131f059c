// Workspace inspection speed, each row against a peer measured in the same run:
// (a) tree for a workspace of 5,000 PEM certificate files: read + decode + chains + pairing +
//     CRL index + tree nodes, vs Node's crypto.X509Certificate reading and parsing the same files
//     (the cheapest in-process way to list them; it builds no chains);
// (b) one changed file: incremental update (re-read one file, re-analyse) vs the full rescan;
// (c) hover on a 10-certificate bundle: decode all blocks + markdown for one, vs X509Certificate
//     parsing the 10 PEM blocks and reading subject, issuer, validity, SANs and fingerprint.
// The certificates are made by Certscope's CA builder (DER writer + crypto.sign), so 5,000 files
// take about a second to create; the same ECDSA keys are reused across leaves.
import { X509Certificate, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCertificate, keyIdentifier } from '../src/core/ca/certBuilder';
import { signerFor, spkiDer } from '../src/core/ca/keys';
import { encodeDn, parseDn } from '../src/core/ca/names';
import { decodeBytes, decodeText } from '../src/core/decode/index';
import { hoverMarkdown } from '../src/core/present/hover';
import { WorkspaceIndex } from '../src/core/workspace/index';
import { loadFile } from '../src/core/workspace/loader';
import { PkiTree, type PkiNode } from '../src/core/workspace/tree';
import { makeTempDir } from '../test/support/tmp';
import type { Bench, BenchRow } from './types';

const FILES = 5000;
const YEAR = 365 * 86_400_000;

function pem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;
}

export function makeWorkspace(dir: string): { paths: string[]; bundle: string } {
  const now = Date.now();
  const key = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rootKey = key();
  const rootName = encodeDn(parseDn('/O=Bench/CN=Bench Root'));
  const rootSpki = spkiDer(rootKey.publicKey);
  const root = buildCertificate({
    serial: randomBytes(8), issuerDer: rootName, subjectDer: rootName, notBefore: new Date(now - YEAR), notAfter: new Date(now + 10 * YEAR),
    publicKey: rootKey.publicKey, signer: signerFor(rootKey.privateKey), ca: {}, keyUsage: ['keyCertSign', 'cRLSign'],
  });
  const cas = Array.from({ length: 10 }, (_, i) => {
    const k = key();
    const name = encodeDn(parseDn(`/O=Bench/CN=Bench Intermediate ${i}`));
    const der = buildCertificate({
      serial: randomBytes(8), issuerDer: rootName, subjectDer: name, notBefore: new Date(now - YEAR), notAfter: new Date(now + 5 * YEAR),
      publicKey: k.publicKey, signer: signerFor(rootKey.privateKey), authorityKeyId: keyIdentifier(rootSpki), ca: { pathLen: 0 }, keyUsage: ['keyCertSign', 'cRLSign'],
    });
    return { k, name, der, ski: keyIdentifier(spkiDer(k.publicKey)) };
  });
  const leafKeys = Array.from({ length: 20 }, key);
  const paths: string[] = [];
  const write = (rel: string, text: string): void => {
    const p = join(dir, rel);
    writeFileSync(p, text);
    paths.push(p);
  };
  for (let d = 0; d < 50; d++) mkdirSync(join(dir, `d${d}`));
  write('d0/root.pem', pem(root));
  cas.forEach((c, i) => write(`d0/ca${i}.pem`, pem(c.der)));
  const leaves: Buffer[] = [];
  for (let i = paths.length; i < FILES; i++) {
    const ca = cas[i % cas.length];
    const k = leafKeys[i % leafKeys.length];
    const der = buildCertificate({
      serial: randomBytes(12), issuerDer: ca.name, subjectDer: encodeDn(parseDn(`/CN=device-${i}.bench.test`)),
      notBefore: new Date(now - YEAR), notAfter: new Date(now + (i % 400) * 86_400_000),
      publicKey: k.publicKey, signer: signerFor(ca.k.privateKey), authorityKeyId: ca.ski, keyUsage: ['digitalSignature'],
      extKeyUsage: ['serverAuth'], san: { dns: [`device-${i}.bench.test`] },
    });
    if (leaves.length < 8) leaves.push(der);
    write(`d${i % 50}/device-${i}.pem`, pem(der));
  }
  const bundle = [...leaves, cas[0].der, root].map(pem).join('');
  return { paths, bundle };
}

function walk(tree: PkiTree): number {
  let n = 0;
  const visit = (ns: PkiNode[]): void => { for (const x of ns) { n++; visit(tree.children(x)); } };
  visit(tree.roots());
  return n;
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

const bench: Bench = {
  name: 'workspace inspection (tree, incremental update, hover)',
  async run(): Promise<BenchRow[]> {
    const { dir, cleanup } = makeTempDir('certscope-bench-ws-');
    try {
      const { paths, bundle } = makeWorkspace(dir);
      const load = (k: string) => loadFile(k, { decode: (b, n) => decodeBytes(b, { fileName: n }), maxBytes: 5 << 20, timeoutMs: 10_000 });
      const opts = () => ({ now: new Date(), expiringDays: 30 });

      // (a) full tree. Warm-up on a slice (JIT), then measured runs alternating with the peer.
      await new WorkspaceIndex(load).refresh(paths.slice(0, 200));
      const ours: number[] = [];
      const peer: number[] = [];
      let index = new WorkspaceIndex(load);
      let nodes = 0;
      for (let r = 0; r < 3; r++) {
        index = new WorkspaceIndex(load);
        ours.push(await timeAsync(async () => {
          await index.refresh(paths);
          nodes = walk(new PkiTree(index.analysis(opts())));
        }));
        peer.push(await timeAsync(async () => {
          await Promise.all(Array.from({ length: 8 }, async (_, w) => {
            for (let i = w; i < paths.length; i += 8) {
              const x = new X509Certificate(await import('node:fs/promises').then((m) => m.readFile(paths[i])));
              void x.subject; void x.issuer; void x.validTo; void x.fingerprint256;
            }
          }));
        }));
      }

      // (b) one file changes: re-read it and rebuild analysis + tree.
      const incr: number[] = [];
      for (let r = 0; r < 5; r++) {
        writeFileSync(paths[100], readFileSync(paths[101 + r]));
        incr.push(await timeAsync(async () => {
          await index.refresh([paths[100]]);
          walk(new PkiTree(index.analysis(opts())));
        }));
      }

      // (c) hover on a 10-certificate bundle (the provider decodes the document, then renders one block).
      const hoverOurs: number[] = [];
      const hoverPeer: number[] = [];
      const ctx = { now: new Date(), expiringDays: 30 };
      for (let r = 0; r < 30; r++) {
        let t = performance.now();
        hoverMarkdown(decodeText(bundle)[5], ctx);
        hoverOurs.push(performance.now() - t);
        t = performance.now();
        const blocks = bundle.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)!;
        const xs = blocks.map((b) => new X509Certificate(b));
        const x = xs[5];
        void [x.subject, x.issuer, x.validFrom, x.validTo, x.subjectAltName, x.fingerprint256, x.fingerprint, x.publicKey.asymmetricKeyDetails];
        hoverPeer.push(performance.now() - t);
      }
      const h = median(hoverOurs.slice(5));
      return [
        { group: 'workspace', name: `tree for ${FILES} PEM files (read, decode, chains, ${nodes} nodes)`, value: median(ours), unit: 'ms',
          peer: { name: 'X509Certificate read+parse', value: median(peer) }, better: 'lower', target: 4,
          note: `absolute target < 2000 ms: ${median(ours) < 2000 ? 'met' : 'MISSED'}` },
        { group: 'workspace', name: 'one changed file: incremental update + tree', value: median(incr), unit: 'ms',
          peer: { name: 'our full rescan', value: median(ours) }, better: 'lower', target: 0.2 },
        { group: 'workspace', name: 'hover on a 10-certificate bundle (decode all + render)', value: h, unit: 'ms',
          peer: { name: 'X509Certificate x10 + fields', value: median(hoverPeer.slice(5)) }, better: 'lower', target: 5,
          note: `absolute target < 10 ms: ${h < 10 ? 'met' : 'MISSED'}` },
      ];
    } finally {
      cleanup();
    }
  },
};

export default bench;
