// The tree at fleet scale: no node lists more than GROUP_ABOVE certificates (status, then expiry
// month, folder and slices, each with a count), every certificate appears exactly once, a CA
// bundle of unrelated roots is one node with per-certificate statuses, and the filter finds
// certificates by CN, serial, fingerprint and status.
import { strict as assert } from 'node:assert';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCertificate } from '../../../src/core/ca/certBuilder';
import { signerFor } from '../../../src/core/ca/keys';
import { encodeDn, parseDn } from '../../../src/core/ca/names';
import { decodeBytes } from '../../../src/core/decode/index';
import { analyze, analyzeSliced } from '../../../src/core/workspace/analysis';
import { fileMarks } from '../../../src/core/workspace/fileMarks';
import { WorkspaceIndex } from '../../../src/core/workspace/index';
import { loadFile } from '../../../src/core/workspace/loader';
import { GROUP_ABOVE, PkiTree, type PkiNode } from '../../../src/core/workspace/tree';
import { makeFleet, pemOf } from '../../support/fleet';
import { makeTempDir } from '../../support/tmp';

const DAY = 86_400_000;
const NOW = new Date('2027-01-15T12:00:00Z');

describe('workspace tree at scale', function () {
  this.timeout(60_000);
  let tmp: { dir: string; cleanup(): void };
  let index: WorkspaceIndex;
  const load = (k: string) => loadFile(k, { decode: (b, n) => decodeBytes(b, { fileName: n }), maxBytes: 5 << 20, timeoutMs: 10_000 });

  before(async () => {
    tmp = makeTempDir('certscope-tree-scale-');
    const { paths } = makeFleet(tmp.dir, 1500, NOW.getTime());
    // A trust store: 12 unrelated self-signed roots in one file, two of them expired.
    const roots = Array.from({ length: 12 }, (_, i) => {
      const k = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const name = encodeDn(parseDn(`/O=Vendor ${i}/CN=Vendor Root ${i}`));
      return pemOf(buildCertificate({
        serial: randomBytes(8), issuerDer: name, subjectDer: name, notBefore: new Date(NOW.getTime() - 3000 * DAY),
        notAfter: new Date(NOW.getTime() + (i < 2 ? -10 : 1000) * DAY), publicKey: k.publicKey, signer: signerFor(k.privateKey),
        ca: {}, keyUsage: ['keyCertSign'],
      }));
    });
    writeFileSync(join(tmp.dir, 'ca-bundle.crt'), roots.join(''));
    index = new WorkspaceIndex(load);
    await index.refresh([...paths, join(tmp.dir, 'ca-bundle.crt')]);
  });
  after(() => tmp.cleanup());

  const tree = (filter?: string) => new PkiTree(index.analysis({ now: NOW, expiringDays: 30 }), (k) => k.slice(tmp.dir.length + 1), { filter });
  const walk = (t: PkiTree, visit: (n: PkiNode, children: PkiNode[]) => void): void => {
    const rec = (ns: PkiNode[]): void => { for (const n of ns) { const c = t.children(n); visit(n, c); rec(c); } };
    rec(t.roots());
  };

  it('groups a CA with 1,350 leaves: no node shows more than GROUP_ABOVE children, every leaf once', () => {
    const t = tree();
    const seen = new Map<string, number>();
    let widest = 0;
    walk(t, (n, children) => {
      widest = Math.max(widest, children.length);
      if (n.kind === 'cert') seen.set(n.id, (seen.get(n.id) ?? 0) + 1);
      if (n.kind === 'group' && n.contextValue.startsWith('group:partition')) assert.equal(n.description, String(children.length === 0 ? 0 : countCerts(t, n)));
    });
    assert.ok(widest <= GROUP_ABOVE, `widest node has ${widest} children`);
    assert.equal(seen.size, 1500 + 12);
    assert.ok([...seen.values()].every((c) => c === 1));
    const devicesCa = findNode(t, (n) => n.label === 'Fleet Devices CA')!;
    const statusGroups = t.children(devicesCa).map((n) => n.label);
    // Statuses first, worst first; expiry months inside large status groups.
    assert.deepEqual(statusGroups, ['Expired', 'Expiring soon', 'Valid']);
    const valid = t.children(devicesCa).find((n) => n.label === 'Valid')!;
    assert.ok(t.children(valid).every((g) => /^Expires \d{4}-\d\d$/.test(g.label)), t.children(valid).map((g) => g.label).join());
    const expired = t.children(devicesCa)[0];
    assert.equal(expired.icon, 'error');
  });

  it('shows a CA bundle as one node with a count and per-certificate statuses', () => {
    const t = tree();
    const groups = t.roots().map((n) => n.label);
    assert.ok(groups.includes('CA bundles'));
    const chains = t.children(t.roots().find((n) => n.label === 'Trust chains')!);
    assert.deepEqual(chains.map((n) => n.label), ['Fleet Root CA'], 'vendor roots are not mixed into the chains');
    const [bundle] = t.children(t.roots().find((n) => n.label === 'CA bundles')!);
    assert.equal(bundle.label, 'ca-bundle.crt');
    assert.equal(bundle.description, '12 certificates · 2 expired');
    const states = t.children(bundle).map((n) => n.contextValue);
    assert.equal(states.filter((s) => s === 'cert:root:expired').length, 2);
    assert.equal(states.filter((s) => s === 'cert:root').length, 10);
    // Explorer badges: expired roots in a trust store do not paint the bundle file; a fleet file with its
    // one expired leaf still gets "E".
    const marks = fileMarks(index.analysis({ now: NOW, expiringDays: 30 }));
    assert.equal(marks.get(join(tmp.dir, 'ca-bundle.crt')), undefined);
    assert.ok([...marks.values()].some((m) => m.badge === 'E'));
  });

  it('computes the same analysis in slices, giving the thread back in between', async () => {
    const files = [...index.all()];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const sliced = await analyzeSliced(files, { now: NOW, expiringDays: 30 }, 0);
    clearInterval(timer);
    const whole = analyze(files, { now: NOW, expiringDays: 30 });
    assert.ok(ticks > 0, 'timers ran while the analysis was computed');
    assert.deepEqual(sliced.forest.roots, whole.forest.roots);
    assert.deepEqual(sliced.forest.orphans, whole.forest.orphans);
    // The merge sort keeps the collator order of the one-piece sort (numeric: device-2 before device-10).
    for (const [id, n] of whole.forest.nodes) assert.deepEqual(sliced.forest.nodes.get(id)!.children, n.children);
    assert.equal(sliced.certs.length, whole.certs.length);
  });

  it('filters by CN, serial, fingerprint and status', () => {
    const byCn = tree('device-1234.fleet');
    const [group] = byCn.roots();
    assert.equal(group.description, '1');
    const [hit] = byCn.children(group);
    assert.equal(hit.label, 'device-1234.fleet.test');
    const cert = index.analysis({ now: NOW, expiringDays: 30 }).forest.nodes.get(hit.fingerprint!)!.cert;
    const colonSerial = cert.serialHex.toUpperCase().replace(/(..)(?!$)/g, '$1:');
    const bySerial = tree(colonSerial);
    assert.deepEqual(bySerial.children(bySerial.roots()[0]).map((x) => x.fingerprint), [hit.fingerprint]);
    const byFp = tree(hit.fingerprint!.slice(0, 16));
    assert.equal(byFp.roots()[0].description, '1');
    const expired = tree('expired');
    const n = Number(expired.roots()[0].description);
    assert.ok(n > 2 && n < 1512, `expired: ${n}`);
    walk(expired, (_n, children) => assert.ok(children.length <= GROUP_ABOVE));
    assert.equal(tree('no-such-thing').roots()[0].description, '0');
  });
});

function countCerts(t: PkiTree, n: PkiNode): number {
  let c = 0;
  const rec = (ns: PkiNode[]): void => { for (const x of ns) { if (x.kind === 'cert') c++; else rec(t.children(x)); } };
  rec(t.children(n));
  return c;
}

function findNode(t: PkiTree, pred: (n: PkiNode) => boolean): PkiNode | undefined {
  const rec = (ns: PkiNode[]): PkiNode | undefined => {
    for (const n of ns) { if (pred(n)) return n; const r = rec(t.children(n)); if (r) return r; }
    return undefined;
  };
  return rec(t.roots());
}

describe('workspace tree: Problems of a hostile file', () => {
  it('thousands of broken blocks in one file are one node with at most GROUP_ABOVE rows, many broken files come in slices', async () => {
    const tmp = makeTempDir('certscope-tree-errors-');
    try {
      const load = (k: string) => loadFile(k, { decode: (b, n) => decodeBytes(b, { fileName: n }), maxBytes: 5 << 20, timeoutMs: 10_000 });
      const hostile = join(tmp.dir, 'unterminated.pem');
      writeFileSync(hostile, '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n'.repeat(3_000));
      const broken = Array.from({ length: 250 }, (_, i) => {
        const f = join(tmp.dir, `broken-${i}.crt`);
        writeFileSync(f, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
        return f;
      });
      const files = await Promise.all([hostile, ...broken].map(load));
      const tree = new PkiTree(analyze(files.filter((f): f is NonNullable<typeof f> => f !== undefined), { now: NOW, expiringDays: 30 }));
      const problems = tree.roots().find((n) => n.id === 'group:errors')!;
      assert.ok(problems, 'a Problems group');
      const widest = (n: PkiNode): number => Math.max(tree.children(n).length, ...tree.children(n).map(widest));
      assert.ok(widest(problems) <= GROUP_ABOVE, `widest node under Problems: ${widest(problems)}`);
      const all = (n: PkiNode): PkiNode[] => tree.children(n).flatMap((c) => [c, ...all(c)]);
      const fileNode = all(problems).find((n) => n.id === `errors:${hostile}`)!;
      assert.equal(fileNode.description, '3000 problems');
      assert.match(tree.children(fileNode).at(-1)!.label, /… 2901 more problems/);
      const single = all(problems).filter((n) => n.id.startsWith('error:') && broken.includes(n.location!.file));
      assert.equal(single.length, 250, 'every broken file is listed once');
    } finally {
      tmp.cleanup();
    }
  });
});
