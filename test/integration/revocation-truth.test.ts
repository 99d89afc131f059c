// One revocation truth inside the real extension host, on the bug report's workspace: an
// openssl-made CA in the EMQX docs' layout (`openssl ca` with its own openssl.cnf) whose CRL is
// crl/inter.crl.pem in another folder. Before: tree, hover and Problems said "revoked", Verify said
// "valid (no CRL to check)", Inspect said "VALID" and the CA view "no CRL written yet". Now every
// surface says the same, with the same evidence, and an open Inspect document follows a new CRL.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { shownText } from '../support/markdown';
import { quietly, until } from './loop-helpers';

interface Node { id: string; kind: string; label: string; description: string; contextValue: string; tooltip: string }
interface ViewNode { kind: string; dir?: string; status?: string; serialHex?: string; path?: string; entries?: number; error?: string; children?: ViewNode[] }

function openssl(args: string[], cwd?: string): string {
  return execFileSync('openssl', args, { encoding: 'utf8', timeout: 20_000, ...(cwd ? { cwd } : {}) });
}

/** Names the step in a failure (the workbench's own errors, e.g. "Illegal argument", do not). */
async function step<T>(name: string, f: () => PromiseLike<T> | T): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw new Error(`${name}: ${(e as Error).message}`, { cause: e });
  }
}

describe('one revocation truth: openssl CA with its CRL named inter.crl.pem in another folder', function () {
  this.timeout(120_000);
  const root = join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'emqx-truth');
  const inter = join(root, 'inter');
  const cnf = join(inter, 'openssl.cnf');
  const crl = join(root, 'crl', 'inter.crl.pem');
  const devices = join(root, 'devices');
  const good = join(devices, 'device-good.crt');
  const bad = join(devices, 'device-bad.crt');

  // openssl resolves the cnf's `dir = .` against its working directory: run it in the CA folder.
  const gencrl = (): void => { openssl(['ca', '-batch', '-config', cnf, '-gencrl', '-out', crl], inter); };
  const issue = (name: string): void => {
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', join(devices, `${name}.key`)]);
    openssl(['req', '-new', '-key', join(devices, `${name}.key`), '-subj', `/CN=${name}`, '-out', join(devices, `${name}.csr`)]);
    openssl(['ca', '-batch', '-notext', '-config', cnf, '-extensions', 'leaf_ext', '-in', join(devices, `${name}.csr`), '-out', join(devices, `${name}.crt`)], inter);
  };

  before(async () => {
    await vscode.extensions.getExtension('certscope.certscope')!.activate();
    for (const d of [join(inter, 'newcerts'), join(root, 'crl'), devices]) mkdirSync(d, { recursive: true });
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(root, 'root.key'), '-out', join(root, 'root.crt'),
      '-subj', '/O=EMQX Truth/CN=EMQX Truth Root', '-days', '3650', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(inter, 'inter.key'), '-subj', '/O=EMQX Truth/CN=EMQX Truth Intermediate', '-out', join(inter, 'inter.csr')]);
    writeFileSync(join(inter, 'ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
    openssl(['x509', '-req', '-in', join(inter, 'inter.csr'), '-CA', join(root, 'root.crt'), '-CAkey', join(root, 'root.key'), '-set_serial', '0x10', '-days', '1825', '-extfile', join(inter, 'ca.ext'), '-out', join(inter, 'inter.crt')]);
    writeFileSync(join(inter, 'index.txt'), '');
    writeFileSync(join(inter, 'serial'), '1000\n');
    writeFileSync(join(inter, 'crlnumber'), '1000\n');
    // Relative paths resolved from the CA folder, as in the EMQX docs; no `crl =` line.
    writeFileSync(cnf, `[ca]\ndefault_ca = CA_default\n[CA_default]\ndir = .\ndatabase = $dir/index.txt\nnew_certs_dir = $dir/newcerts\ncertificate = $dir/inter.crt\nprivate_key = $dir/inter.key\nserial = $dir/serial\ncrlnumber = $dir/crlnumber\ndefault_md = sha256\ndefault_days = 365\ndefault_crl_days = 30\npolicy = policy_any\nunique_subject = no\ncrl_extensions = crl_ext\n[policy_any]\ncommonName = supplied\n[leaf_ext]\nbasicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\nextendedKeyUsage = clientAuth\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n[crl_ext]\nauthorityKeyIdentifier = keyid:always\n`);
    issue('device-good');
    issue('device-bad');
    openssl(['ca', '-batch', '-config', cnf, '-revoke', bad, '-crl_reason', 'keyCompromise'], inter);
    gencrl();
    await vscode.commands.executeCommand('certscope.tree.refresh', { rescan: true });
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(root, { recursive: true, force: true });
  });

  it('tree, hover, CodeLens, Problems, Inspect, Verify and the CA view all say device-bad is revoked, citing crl/inter.crl.pem', async () => {
    const snap = (await step('tree', () => vscode.commands.executeCommand<{ nodes: Node[] }>('certscope.tree.refresh', { rescan: false })))!;
    const node = snap.nodes.find((n) => n.kind === 'cert' && n.label === 'device-bad');
    assert.ok(node, 'device-bad is in the tree');
    assert.match(node.contextValue, /:revoked$/);
    assert.match(snap.nodes.find((n) => n.kind === 'cert' && n.label === 'device-good')!.contextValue, /^cert:leaf$/);

    const uri = vscode.Uri.file(bad);
    const source = await vscode.workspace.openTextDocument(uri);
    const hovers = await step('hover', () => vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', source.uri, new vscode.Position(1, 1)));
    const hover = shownText((hovers ?? []).flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value))).join('\n'));
    assert.match(hover, /\| Status \| \$\(error\) revoked \d{4}-\d\d-\d\d \(keyCompromise\) \|/);
    assert.match(hover, /revoked per CRL #4096 in emqx-truth\/crl\/inter\.crl\.pem/);

    const lenses = await step('CodeLens', () => vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', source.uri));
    assert.ok(lenses?.some((l) => /revoked \d{4}-\d\d-\d\d \(keyCompromise\)/.test(l.command?.title ?? '')), JSON.stringify(lenses?.map((l) => l.command?.title)));

    const diag = await until('the revoked diagnostic', async () => vscode.languages.getDiagnostics(uri).find((d) => d.code === 'revoked'));
    assert.equal(diag.severity, vscode.DiagnosticSeverity.Error);
    assert.match(diag.message, /per CRL #4096 in inter\.crl\.pem/);

    const [decoded] = (await step('Inspect', () => vscode.commands.executeCommand<vscode.Uri[]>('certscope.inspect.open', uri)))!;
    const text = (await vscode.workspace.openTextDocument(decoded!)).getText();
    assert.match(text, /Status:\s+REVOKED, revoked \d{4}-\d\d-\d\d \(keyCompromise\)/);
    assert.match(text, /Revocation:\s+revoked per CRL #4096 in emqx-truth\/crl\/inter\.crl\.pem \(this update/);

    const verdict = (await step('Verify', () => quietly<{ valid: boolean; failure?: { code: string; message: string } }>('certscope.ca.verify', { file: bad }))).result;
    assert.equal(verdict.valid, false);
    assert.equal(verdict.failure?.code, 'revoked');
    assert.equal((await quietly<{ valid: boolean }>('certscope.ca.verify', { file: good })).result.valid, true);

    const cas = (await step('CA view', () => quietly<ViewNode[]>('certscope.ca.refresh'))).result;
    const ca = cas.find((c) => c.dir === inter);
    assert.ok(ca, `the CA view lists ${inter}`);
    const crlNode = ca.children?.find((c) => c.kind === 'caCrl');
    assert.equal(crlNode?.error, undefined, `CA view CRL node: ${crlNode?.error}`);
    assert.equal(crlNode?.path, crl);
    assert.equal(crlNode?.entries, 1);
    const badSerial = openssl(['x509', '-in', bad, '-noout', '-serial']).trim().split('=')[1];
    const certs = ca.children?.find((c) => c.kind === 'caGroup')?.children ?? [];
    assert.equal(certs.find((c) => c.serialHex === badSerial)?.status, 'revoked');
  });

  it('an open Inspect document follows a new CRL: device-good turns REVOKED without running Inspect again', async () => {
    const [decoded] = (await vscode.commands.executeCommand<vscode.Uri[]>('certscope.inspect.open', vscode.Uri.file(good)))!;
    const doc = await vscode.workspace.openTextDocument(decoded!);
    assert.match(doc.getText(), /Status:\s+VALID/);
    openssl(['ca', '-batch', '-config', cnf, '-revoke', good, '-crl_reason', 'superseded'], inter);
    gencrl();
    // The workspace's Refresh (deterministic here: in code-server the watcher did not report this
    // rewrite within 20 s in our runs); the open document must follow without running Inspect again.
    await vscode.commands.executeCommand('certscope.tree.refresh', { rescan: true });
    await until('the decoded document to say REVOKED', async () => (/Status:\s+REVOKED/.test(doc.getText()) ? true : undefined)).catch(async (e: Error) => {
      const snap = (await vscode.commands.executeCommand<{ nodes: Node[] }>('certscope.tree.refresh', { rescan: false }))!;
      const crlNode = snap.nodes.find((n) => n.kind === 'crl' && n.description.includes('inter.crl.pem'));
      throw new Error(`${e.message}; the tree shows the CRL as "${crlNode?.description}"; document:\n${doc.getText().slice(0, 600)}`);
    });
    assert.match(doc.getText(), /per CRL #4097 in emqx-truth\/crl\/inter\.crl\.pem/);
  });
});
