// One revocation truth: for every certificate of several workspace states (an openssl-made CA with
// its CRL oddly named in another folder, a Certscope CA, a stale CRL, two CAs with the same name
// and different keys, a revoked intermediate), every surface's core presenter reports the same
// status: tree item, hover, CodeLens title, Problems, the Inspect document, Verify, the CA view
// and `certscope scan --json`. Expected values are checked against openssl where a peer can say.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { decodeBytes } from '../../../src/core/decode/index';
import type { CertificateModel, DecodedItem } from '../../../src/core/model';
import { hoverMarkdown } from '../../../src/core/present/hover';
import { summarize } from '../../../src/core/present/summary';
import { renderText } from '../../../src/core/present/text';
import { verifyInWorkspace } from '../../../src/core/revocation/verify';
import type { WorkspaceAnalysis } from '../../../src/core/workspace/analysis';
import { indexDirectory } from '../../../src/core/workspace/directory';
import { lintFile } from '../../../src/core/workspace/lint';
import { PkiTree } from '../../../src/core/workspace/tree';
import { makeRevocationStates, type Expected, type RevocationStates } from '../../support/revocation-states';
import { run } from '../../support/run';
import { makeTempDir } from '../../support/tmp';

type Seen = Expected | 'other';
type ScanItem = { id: string; kind: string; file?: string; state?: string; revocation?: { evidence: string } };

function certItem(path: string): { item: DecodedItem; cert: CertificateModel } {
  const items = decodeBytes(readFileSync(path), { fileName: path });
  const item = items.find((i) => i.result.kind === 'certificate')!;
  return { item, cert: item.result as CertificateModel };
}

/** What each surface says, reduced to valid / revoked / issuerRevoked. */
async function surfaces(a: WorkspaceAnalysis, tree: PkiTree, path: string, ca?: { certPath: string }): Promise<Record<string, Seen>> {
  const { item, cert } = certItem(path);
  const label = (k: string): string => k.split('/').pop()!;
  const ctx = { now: a.options.now, expiringDays: 30, status: a.status, fileLabel: label };
  const out: Record<string, Seen> = {};
  const node = tree.certNode(cert.fingerprints.sha256);
  out.tree = !node ? 'other' : /:revoked$/.test(node.contextValue) ? 'revoked' : /:issuerRevoked$/.test(node.contextValue) ? 'issuerRevoked' : 'valid';
  const status = /\| Status \| ([^|]*) \|/.exec(hoverMarkdown(item, ctx))?.[1] ?? '';
  out.hover = /issuing CA .* revoked/.test(status) ? 'issuerRevoked' : /revoked/.test(status) ? 'revoked' : /expires in/.test(status) ? 'valid' : 'other';
  const lens = summarize(item.result as CertificateModel, ctx);
  out.codeLens = /issuing CA .* revoked/.test(lens) ? 'issuerRevoked' : / · revoked/.test(lens) ? 'revoked' : /expires in/.test(lens) ? 'valid' : 'other';
  const indexed = a.files.get(path);
  const codes = indexed ? lintFile(indexed, a).filter((f) => f.item === 0).map((f) => f.code) : ['not indexed'];
  out.problems = codes.includes('revoked') ? 'revoked' : codes.includes('issuer-revoked') ? 'issuerRevoked' : codes.length === 0 ? 'valid' : 'other';
  const doc = renderText([item], { now: a.options.now, status: a.status, fileLabel: label });
  const docStatus = /^\s*Status:\s+([A-Z ]+),/m.exec(doc)?.[1];
  out.inspect = docStatus === 'REVOKED' ? 'revoked' : docStatus === 'INVALID' ? 'issuerRevoked' : docStatus === 'VALID' ? 'valid' : 'other';
  const v = await verifyInWorkspace(cert, a, label);
  out.verify = v.ok ? 'valid' : v.result.failure?.code === 'revoked' ? (v.result.failure.certIndex === 0 ? 'revoked' : 'issuerRevoked') : 'other';
  if (ca) {
    // The CA view shows the CA's own CRL about each serial it issued: a revoked issuer is not its business.
    const caCert = certItem(ca.certPath).cert;
    const answer = a.revocation.serialStatus(caCert, cert.serialHex).verdict;
    out.caView = answer === 'revoked' ? 'revoked' : 'valid';
  }
  return out;
}

describe('one revocation truth: every surface tells the same story', function () {
  this.timeout(120_000);
  let s: RevocationStates;
  let a: WorkspaceAnalysis;
  let cleanup: () => void;

  before(async () => {
    const tmp = makeTempDir('certscope-truth-');
    cleanup = tmp.cleanup;
    s = await makeRevocationStates(tmp.dir);
    a = await indexDirectory(s.dir, { now: s.now, expiringDays: 30 });
  });
  after(() => cleanup?.());

  it('the EMQX-docs CA really revoked device-bad in crl/inter.crl.pem (openssl verify -crl_check)', async () => {
    const args = (leaf: string): string[] => ['verify', '-crl_check', '-CAfile', s.emqx.root, '-untrusted', s.emqx.inter, '-CRLfile', s.emqx.crl, leaf];
    const bad = await run('openssl', args(s.emqx.revoked));
    assert.match(bad.stdout + bad.stderr, /certificate revoked/);
    const good = await run('openssl', args(s.emqx.good));
    assert.equal(good.code, 0, good.stderr);
  });

  it('every surface reports the same status for each certificate', async () => {
    const tree = new PkiTree(a);
    const disagreements: string[] = [];
    for (const [name, c] of Object.entries(s.certs)) {
      const seen = await surfaces(a, tree, c.certPath, c.ca);
      const want = (surface: string): Expected => (surface === 'caView' && c.expect === 'issuerRevoked' ? 'valid' : c.expect);
      for (const [surface, got] of Object.entries(seen)) if (got !== want(surface)) disagreements.push(`${name}: ${surface} says ${got}, expected ${want(surface)}`);
    }
    assert.deepEqual(disagreements, []);
  });

  it('the evidence names the oddly named CRL in the other folder, with its number and dates', () => {
    const { cert } = certItem(s.certs['emqx device-bad'].certPath);
    const r = a.status(cert).revocation;
    assert.equal(r.verdict, 'revoked');
    assert.equal(r.reason, 'keyCompromise');
    assert.ok(r.source?.kind === 'crl');
    assert.equal(r.source.loc.file, s.emqx.crl);
    assert.equal(r.source.signature, 'verified');
    assert.equal(r.source.stale, false);
  });

  it('a stale CRL leaves the status unknown and says so; the twin CA\'s CRL does not count for the other twin', () => {
    const stale = a.status(certItem(s.certs['stale leaf'].certPath).cert).revocation;
    assert.equal(stale.verdict, 'unknown');
    assert.ok(stale.source?.stale, 'the stale CRL is the evidence');
    assert.match(stale.note ?? '', /past its next update/);
    const twin = a.status(certItem(s.certs['twin A leaf (same serial, other key)'].certPath).cert).revocation;
    assert.notEqual(twin.verdict, 'revoked');
  });

  it('a CA\'s archive copy of a revoked certificate is information in Problems, the user\'s copy an error', () => {
    const copy = a.files.get(s.certs['emqx newcerts copy of device-bad'].certPath)!;
    const user = a.files.get(s.certs['emqx device-bad'].certPath)!;
    assert.deepEqual(lintFile(copy, a).filter((f) => f.code === 'revoked').map((f) => f.severity), ['information']);
    assert.deepEqual(lintFile(user, a).filter((f) => f.code === 'revoked').map((f) => f.severity), ['error']);
  });

  it('`certscope scan --json` lists each certificate with the same status and evidence', async () => {
    const r = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'scan', s.dir, '--json', '--at', s.now.toISOString()]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { items: ScanItem[] };
    for (const [name, c] of Object.entries(s.certs)) {
      const { cert } = certItem(c.certPath);
      const item = out.items.find((i) => i.kind === 'cert' && i.id === `cert:${cert.fingerprints.sha256}`);
      assert.ok(item, `${name} is listed`);
      assert.equal(item.state === 'revoked' ? 'revoked' : item.state === 'issuerRevoked' ? 'issuerRevoked' : 'valid', c.expect, `${name}: scan says ${item.state}`);
    }
    const bad = out.items.find((i) => i.file === relative(s.dir, s.emqx.revoked) || i.file === relative(s.dir, join(s.dir, 'emqx/devices/device-bad.crt')));
    assert.match(bad?.revocation?.evidence ?? '', /revoked per CRL #\d+ in emqx\/crl\/inter\.crl\.pem \(this update/);
  });

  it('`certscope verify FILE --workspace DIR`: exit 1 for the revoked device, 0 for the good one, 2 for a missing file', async () => {
    const cli = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
      run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'verify', ...args, '--workspace', s.dir, '--at', s.now.toISOString()]);
    const bad = await cli(s.emqx.revoked);
    assert.equal(bad.code, 1, bad.stdout + bad.stderr);
    assert.match(bad.stdout, /INVALID: revoked \d{4}-\d\d-\d\d \(keyCompromise\) per CRL #\d+ in emqx\/crl\/inter\.crl\.pem/);
    const good = await cli(s.emqx.good);
    assert.equal(good.code, 0, good.stdout + good.stderr);
    assert.match(good.stdout, /not revoked per CRL #\d+ in emqx\/crl\/inter\.crl\.pem/);
    const missing = await cli(join(s.dir, 'nope.crt'));
    assert.equal(missing.code, 2);
    assert.doesNotMatch(missing.stderr, /\n\s+at /, 'no stack trace');
  });
});
