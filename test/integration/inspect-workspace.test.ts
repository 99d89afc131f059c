// Inspection features inside the real extension host, on the fixture workspace's pki/ folder
// (made by test/integration/inspect-fixtures.sh): tree, Explorer badges, hover, CodeLens,
// diagnostics + quick fix, outline, DER viewer, live updates. Expected values come from openssl.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { shownText } from '../support/markdown';
import { until } from './loop-helpers';

interface Node { id: string; kind: string; label: string; description: string; contextValue: string; parentId?: string; tooltip: string }
interface Snapshot { stats: { files: number; totalMs: number; findMs: number; loadMs: number }; loads: number; nodes: Node[]; marks: Record<string, string> }

function pki(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the fixture workspace is not open');
  return vscode.Uri.joinPath(folder.uri, 'pki', name);
}

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', timeout: 10_000 });
}

function sha256Colon(file: vscode.Uri): string {
  return openssl(['x509', '-in', file.fsPath, '-noout', '-fingerprint', '-sha256']).trim().split('=')[1]!;
}

/** The serial as openssl prints it, in Certscope's one display form ("0a:1b"). */
function serialHex(file: vscode.Uri): string {
  return openssl(['x509', '-in', file.fsPath, '-noout', '-serial']).trim().split('=')[1]!.toLowerCase().match(/../g)!.join(':');
}

/** executeCommand with the command id in the error (the workbench's own errors do not name it). */
async function exec<T>(id: string, ...args: unknown[]): Promise<T | undefined> {
  try {
    return await vscode.commands.executeCommand<T>(id, ...args);
  } catch (e) {
    throw new Error(`${id} failed: ${(e as Error).message}`, { cause: e });
  }
}

async function snapshot(rescan = true): Promise<Snapshot> {
  return (await vscode.commands.executeCommand<Snapshot>('certscope.tree.refresh', { rescan }))!;
}

/** What the reader sees of the hovers (markdown escapes removed: names are escaped by forMarkdown). */
function hoverText(hovers: vscode.Hover[] | undefined): string {
  return shownText((hovers ?? []).flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value))).join('\n'));
}

/** Lines of the first PEM block in a file (BEGIN line index). */
function beginLine(doc: vscode.TextDocument, nth = 0): number {
  let seen = -1;
  for (let i = 0; i < doc.lineCount; i++) if (doc.lineAt(i).text.includes('-----BEGIN') && ++seen === nth) return i;
  throw new Error('no BEGIN line');
}

describe('Certscope inspection: Workspace PKI tree, hover, CodeLens, diagnostics', () => {
  let snap: Snapshot;
  before(async () => {
    await vscode.extensions.getExtension('certscope.certscope')!.activate();
    snap = await snapshot();
  });
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('tree groups root -> intermediate -> leaves, with key, revoked, expired, CRL entries and problems', () => {
    const byLabel = (l: string): Node => {
      const n = snap.nodes.find((x) => x.label === l);
      assert.ok(n, `no tree node "${l}" in ${snap.nodes.map((x) => x.label).join(', ')}`);
      return n;
    };
    const subject = (f: string) => /CN\s*=\s*([^,\n]+)/.exec(openssl(['x509', '-in', pki(f).fsPath, '-noout', '-subject']))![1]!.trim();
    const root = byLabel(subject('root.crt'));
    assert.equal(root.contextValue, 'cert:root');
    assert.equal(root.parentId, 'group:chains');
    const inter = byLabel(subject('intermediate.crt'));
    assert.equal(inter.parentId, root.id);
    assert.match(inter.description, /3 files/, 'intermediate.crt, intermediate.der and the bundle');
    const broker = byLabel(subject('broker.crt'));
    assert.equal(broker.parentId, inter.id);
    assert.match(broker.description, /has key/);
    assert.ok(snap.nodes.some((n) => n.parentId === broker.id && n.contextValue === 'key:paired'));
    assert.equal(byLabel('device-revoked').contextValue, 'cert:leaf:revoked');
    assert.equal(byLabel('device-expired').contextValue, 'cert:leaf:expired');
    const crl = snap.nodes.find((n) => n.kind === 'crl');
    assert.ok(crl);
    assert.match(crl.description, /intermediate\.crl · 1 revoked/);
    assert.ok(snap.nodes.some((n) => n.parentId === crl.id && n.label === `serial ${serialHex(pki('device-revoked.crt'))}`));
    assert.ok(snap.nodes.some((n) => n.kind === 'error' && n.label === 'garbage.crt'), 'the garbage file is listed as a problem');
    assert.match(broker.tooltip, new RegExp(sha256Colon(pki('broker.crt'))));
    console.log(`inspect perf: tree of ${snap.stats.files} files ready in ${snap.stats.totalMs} ms (find ${snap.stats.findMs} ms, read+decode ${snap.stats.loadMs} ms)`);
  });

  it('bad input: binary junk named .pem and a truncated block are error nodes and diagnostics with the reason', async () => {
    const junk = snap.nodes.find((n) => n.kind === 'error' && n.label === 'pki/junk-binary.pem');
    assert.ok(junk, 'junk-binary.pem is listed under Problems');
    assert.match(junk.description, /binary content is not a DER/);
    const broken = snap.nodes.find((n) => n.kind === 'error' && n.label === 'pki/broken-block.pem');
    assert.ok(broken, 'the malformed block of broken-block.pem is listed under Problems');
    const diags = await until('diagnostics of broken-block.pem', async () => {
      const d = vscode.languages.getDiagnostics(pki('broken-block.pem'));
      return d.length ? d : undefined;
    });
    assert.deepEqual(diags.map((d) => d.code), ['decode-error']);
    assert.match(diags[0]!.message, /^Malformed CERTIFICATE block: .{8,}/);
    const goodLines = readFileSync(pki('broker.crt').fsPath, 'utf8').split('\n').length - 1;
    assert.equal(diags[0]!.range.start.line, goodLines, 'on the second block, right after the good certificate');
    assert.deepEqual(vscode.languages.getDiagnostics(pki('junk-binary.pem')).map((d) => d.code), ['file-error']);
    // The good block of the same file is still in the tree (as a second location of the broker certificate).
    assert.match(snap.nodes.find((n) => n.label === 'broker.certscope.test')!.description, /\d files/);
  });

  it('a 100 MB file and a symlink loop do not stall the scan: the big file is listed with its size, never read', async () => {
    const huge = pki('huge.pem').fsPath;
    const loop = join(pki('').fsPath, 'loop');
    writeFileSync(huge, '');
    truncateSync(huge, 100 * 1024 * 1024); // sparse: instant to create, 100 MB to read
    symlinkSync('..', loop);
    try {
      const s = await snapshot();
      const node = s.nodes.find((n) => n.kind === 'error' && n.label === 'pki/huge.pem');
      assert.ok(node, 'huge.pem is listed under Problems');
      assert.match(node.description, /^File is 100 MB; Certscope reads PKI files up to 5 MB/);
      assert.ok(s.nodes.some((n) => n.label === 'broker.certscope.test'), 'the rest of the workspace is indexed');
    } finally {
      rmSync(huge, { force: true });
      rmSync(loop, { force: true });
    }
  });

  it('honours files.exclude and certscope.inspect.exclude', async () => {
    const files = vscode.workspace.getConfiguration('files');
    const inspect = vscode.workspace.getConfiguration('certscope.inspect');
    try {
      await files.update('exclude', { '**/expired.crt': true }, vscode.ConfigurationTarget.Workspace);
      await inspect.update('exclude', ['**/device-*.crt'], vscode.ConfigurationTarget.Workspace);
      const s = await snapshot();
      assert.ok(!s.nodes.some((n) => n.label === 'device-expired'), 'files.exclude is honoured');
      assert.ok(!s.nodes.some((n) => n.label === 'device-revoked' && n.kind === 'cert'), 'certscope.inspect.exclude is honoured');
      assert.ok(s.nodes.some((n) => n.label === 'broker.certscope.test'));
    } finally {
      await files.update('exclude', undefined, vscode.ConfigurationTarget.Workspace);
      await inspect.update('exclude', undefined, vscode.ConfigurationTarget.Workspace);
    }
    const back = await snapshot();
    assert.ok(back.nodes.some((n) => n.label === 'device-expired'));
  });

  it('tree inline actions: Copy SHA-256 fingerprint, Inspect, Reveal in Explorer', async () => {
    const node = snap.nodes.find((n) => n.label === 'device-revoked')!;
    assert.equal(await vscode.commands.executeCommand('certscope.tree.copyFingerprint', node), sha256Colon(pki('device-revoked.crt')));
    assert.equal(await vscode.env.clipboard.readText(), sha256Colon(pki('device-revoked.crt')));
    const opened = await vscode.commands.executeCommand<vscode.Uri[]>('certscope.tree.inspect', node);
    assert.equal(opened?.[0]?.scheme, 'certscope-decoded');
    assert.ok(vscode.window.activeTextEditor?.document.getText().includes('device-revoked'));
    await vscode.commands.executeCommand('certscope.tree.revealInExplorer', node);
  });

  it('Explorer badges: R for the revoked, E for the expired certificate file', () => {
    assert.equal(snap.marks[pki('device-revoked.crt').fsPath], 'R');
    assert.equal(snap.marks[pki('expired.crt').fsPath], 'E');
    assert.equal(snap.marks[pki('broker.crt').fsPath], undefined);
  });

  it('hover on a PEM block inside YAML shows subject, SANs, fingerprint and CRL status, never key material', async () => {
    const uri = pki('k8s-secret.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    const line = beginLine(doc) + 2;
    const t0 = performance.now();
    const text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, 6)));
    const ms = performance.now() - t0;
    assert.match(text, /\*\*Certificate\*\* CN=broker\.certscope\.test/);
    assert.ok(text.includes(sha256Colon(pki('broker.crt'))), text);
    assert.match(text, /DNS:broker\.certscope\.test, IP:127\.0\.0\.1/);
    assert.match(text, /not revoked per CRL #1 in pki\/intermediate\.crl \(this update \d{4}-\d\d-\d\d, next update \d{4}-\d\d-\d\d\)/);
    assert.match(text, /\| Private key \| pki\/broker\.key \|/);
    const keyDoc = await vscode.workspace.openTextDocument(pki('broker.key'));
    const keyHover = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', keyDoc.uri, new vscode.Position(1, 2)));
    assert.match(keyHover, /\*\*Private key\*\*/);
    assert.match(keyHover, /CN=broker\.certscope\.test \(pki\/broker\.crt\)/);
    assert.ok(!keyHover.includes(keyDoc.lineAt(1).text.slice(0, 20)), 'key material in the hover');
    const revoked = await vscode.workspace.openTextDocument(pki('device-revoked.crt'));
    const revText = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', revoked.uri, new vscode.Position(1, 1)));
    assert.match(revText, /\| Status \| \$\(error\) revoked 2024-01-01 \(keyCompromise\) \|/);
    assert.match(revText, /\| Revocation \| \$\(error\) revoked per CRL #1 in pki\/intermediate\.crl \(this update/);
    console.log(`inspect perf: first hover in YAML ${ms.toFixed(1)} ms (includes the round trip through the command API)`);
  });

  it('hover also works on PEM inside a JSON string and a .env value', async () => {
    for (const [name, line] of [['config.json', 3], ['broker.env', 1]] as const) {
      const doc = await vscode.workspace.openTextDocument(pki(name));
      const col = doc.lineAt(line).text.indexOf('MII') + 5;
      assert.ok(col > 5, `no base64 on line ${line} of ${name}`);
      const text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, col)));
      assert.match(text, /\*\*Certificate\*\* CN=broker\.certscope\.test/, `${name}: ${text}`);
      assert.ok(text.includes(sha256Colon(pki('broker.crt'))));
    }
  });

  it('hover on a 10-certificate bundle (in-editor timing, logged)', async () => {
    const certs = ['root.crt', 'intermediate.crt', 'broker.crt', 'device-revoked.crt', 'expired.crt'].map((f) => openssl(['x509', '-in', pki(f).fsPath]));
    const doc = await vscode.workspace.openTextDocument({ language: 'pem', content: [...certs, ...certs].join('') });
    const pos = new vscode.Position(beginLine(doc, 9) + 1, 0);
    // In-host compute of what the hover provider does (decode the document, render the block).
    const { decodeText } = await import('../../src/core/decode/index');
    const { hoverMarkdown } = await import('../../src/core/present/hover');
    const runs = 50;
    for (let i = 0; i < 5; i++) hoverMarkdown(decodeText(doc.getText())[9]!, { now: new Date(), expiringDays: 30 }); // warm-up (JIT)
    const c0 = performance.now();
    for (let i = 0; i < runs; i++) hoverMarkdown(decodeText(doc.getText())[9]!, { now: new Date(), expiringDays: 30 });
    const computeMs = (performance.now() - c0) / runs;
    const times: number[] = [];
    let text = '';
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos));
      times.push(performance.now() - t0);
    }
    assert.match(text, /CN=device-expired/);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    console.log(`inspect perf: hover on a 10-certificate bundle computed in the extension host in ${computeMs.toFixed(2)} ms (decode all 10 + render, mean of ${runs} after warm-up)`);
    console.log(`inspect perf: hover on a 10-certificate bundle: first ${times[0]!.toFixed(1)} ms, then ${times.slice(1).map((t) => t.toFixed(1)).join(' / ')} ms (command round trip included)`);
  });

  it('CodeLens: one-line summary with Inspect, Verify chain and Copy fingerprint; Verify chain checks signatures', async () => {
    const uri = pki('broker.crt');
    await vscode.workspace.openTextDocument(uri); // the provider commands need a loaded model
    const lenses = await exec<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const titles = (lenses ?? []).map((l) => l.command?.title ?? '');
    assert.match(titles[0] ?? '', /^Certificate · CN=broker\.certscope\.test · expires in \d+ days$/);
    assert.deepEqual(titles.slice(1), ['Inspect', 'Verify chain', 'Copy fingerprint']);
    const verify = lenses!.find((l) => l.command?.title === 'Verify chain')!.command!;
    const result = await exec<{ ok: boolean; summary: string }>(verify.command, ...(verify.arguments ?? []));
    assert.equal(result?.ok, true, result?.summary);
    assert.match(result.summary, /^Chain OK: CN=broker\.certscope\.test → CN=Fixture PKI Intermediate → CN=Fixture PKI Root; not revoked per CRL #1 in pki\/intermediate\.crl /);
    // Peer: openssl verifies the same path.
    assert.match(openssl(['verify', '-CAfile', pki('root.crt').fsPath, '-untrusted', pki('intermediate.crt').fsPath, uri.fsPath]), /OK/);
    const copy = lenses!.find((l) => l.command?.title === 'Copy fingerprint')!.command!;
    await exec(copy.command, ...(copy.arguments ?? []));
    assert.equal(await vscode.env.clipboard.readText(), sha256Colon(uri));
    const revoked = await exec<{ ok: boolean; summary: string }>('certscope.inspect.verifyChain', pki('device-revoked.crt'), 0);
    assert.equal(revoked?.ok, false);
    assert.match(revoked.summary, /^Chain invalid: CN=device-revoked: revoked 2024-01-01 \(keyCompromise\) per CRL #1 in pki\/intermediate\.crl \(this update/);
  });

  it('diagnostics: expired, revoked, wrong order, root in chain, unreadable file', async () => {
    const codes = (u: vscode.Uri) => vscode.languages.getDiagnostics(u).map((d) => String(d.code)).sort();
    await until('diagnostics of expired.crt', async () => (codes(pki('expired.crt')).length ? true : undefined));
    assert.deepEqual(codes(pki('expired.crt')), ['expired']);
    assert.match(vscode.languages.getDiagnostics(pki('expired.crt'))[0]!.message, /CN=device-expired expired on 2021-01-01/);
    assert.deepEqual(codes(pki('device-revoked.crt')), ['revoked']);
    assert.deepEqual(codes(pki('fullchain-wrong-order.pem')), ['bundle-order', 'root-in-chain']);
    assert.deepEqual(codes(pki('broker.crt')), []);
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    assert.deepEqual(codes(vscode.Uri.joinPath(folder, 'garbage.crt')), ['file-error']);
  });

  it('quick fix "Reorder bundle" puts leaf, intermediate, root, as openssl reads it back', async () => {
    // An unsaved copy of the bundle: the fixture file stays untouched.
    const source = await vscode.workspace.openTextDocument(pki('fullchain-wrong-order.pem'));
    const doc = await vscode.workspace.openTextDocument({ language: 'pem', content: source.getText() });
    const uri = doc.uri;
    await vscode.window.showTextDocument(doc);
    const diag = await until('bundle-order diagnostic', async () => vscode.languages.getDiagnostics(uri).find((d) => d.code === 'bundle-order'));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diag.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions?.find((a) => a.title.startsWith('Reorder bundle'));
    assert.ok(fix?.edit, `no Reorder bundle action in ${JSON.stringify(actions?.map((a) => a.title))}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    const dir = mkdtempSync(join(tmpdir(), 'certscope-fix-'));
    try {
      writeFileSync(join(dir, 'fixed.pem'), doc.getText());
      const listed = openssl(['crl2pkcs7', '-nocrl', '-certfile', join(dir, 'fixed.pem')]);
      writeFileSync(join(dir, 'p7.pem'), listed);
      const subjects = openssl(['pkcs7', '-in', join(dir, 'p7.pem'), '-print_certs', '-noout']).split('\n').filter((l) => l.startsWith('subject=')).map((l) => /CN\s*=\s*([^,]+)/.exec(l)![1]!.trim());
      assert.deepEqual(subjects, ['broker.certscope.test', 'Fixture PKI Intermediate', 'Fixture PKI Root']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const after = await until('diagnostics after the fix', async () => {
      const c = vscode.languages.getDiagnostics(uri).map((d) => String(d.code));
      return c.includes('bundle-order') ? undefined : c;
    });
    assert.deepEqual(after, ['root-in-chain']);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('outline lists each PEM block with its summary', async () => {
    const uri = pki('fullchain-wrong-order.pem');
    await vscode.workspace.openTextDocument(uri);
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri);
    assert.deepEqual(symbols?.map((s) => s.name), ['Certificate · CN=Fixture PKI Root', 'Certificate · CN=Fixture PKI Intermediate', 'Certificate · CN=broker.certscope.test']);
    assert.match(symbols![0]!.detail, /root CA · expires in \d+ days/);
    const folds = await vscode.commands.executeCommand<vscode.FoldingRange[]>('vscode.executeFoldingRangeProvider', uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    const begins = [0, 1, 2].map((n) => beginLine(doc, n));
    for (const b of begins) assert.ok(folds?.some((r) => r.start === b && doc.lineAt(r.end).text.startsWith('-----END')), `no fold from line ${b}`);
  });

  it('a DER file opens in the read-only decoded viewer', async () => {
    await vscode.commands.executeCommand('vscode.open', pki('intermediate.der'));
    const tab = await until('the DER viewer tab', async () => {
      const t = vscode.window.tabGroups.activeTabGroup.activeTab;
      return t?.input instanceof vscode.TabInputCustom ? t : undefined;
    });
    assert.equal((tab.input as vscode.TabInputCustom).viewType, 'certscope.derViewer');
  });

  it('a PEM file with a binary-style extension (.crl) is handed back to the text editor as language pem', async () => {
    await vscode.commands.executeCommand('vscode.open', pki('intermediate.crl'));
    const editor = await until('a text editor for intermediate.crl', async () => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.fsPath === pki('intermediate.crl').fsPath ? e : undefined;
    });
    assert.equal(editor.document.languageId, 'pem');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
    assert.match(lenses?.[0]?.command?.title ?? '', /^CRL · CN=Fixture PKI Intermediate · 1 entry · next update \d{4}-\d\d-\d\d$/);
  });

  it('a PKCS#12 store is listed as password-protected; opening it asks for the password (masked)', async () => {
    const node = snap.nodes.find((n) => n.kind === 'locked' && n.label === 'pki/broker.p12');
    assert.ok(node, 'broker.p12 is listed under Password-protected');
    assert.match(openssl(['pkcs12', '-in', pki('broker.p12').fsPath, '-passin', 'pass:fixture', '-nokeys', '-clcerts']), /BEGIN CERTIFICATE/);
    const asked: vscode.InputBoxOptions[] = [];
    const original = vscode.window.showInputBox;
    (vscode.window as { showInputBox: unknown }).showInputBox = (o: vscode.InputBoxOptions) => { asked.push(o); return Promise.resolve('fixture'); };
    try {
      await vscode.commands.executeCommand('vscode.open', pki('broker.p12'));
      await until('the password prompt', async () => (asked.length ? true : undefined));
    } finally {
      (vscode.window as { showInputBox: unknown }).showInputBox = original;
    }
    assert.equal(asked[0]!.password, true);
    assert.match(asked[0]!.title ?? '', /broker\.p12/);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputCustom && tab.input.viewType === 'certscope.derViewer');
  });

  it('updates live and incrementally when a certificate file is created and deleted', async () => {
    const before = await snapshot(false);
    const copy = pki('live-expired-copy.crt');
    copyFileSync(pki('expired.crt').fsPath, copy.fsPath);
    const added = await until('the new file in the index', async () => {
      const s = await snapshot(false);
      return s.marks[copy.fsPath] === 'E' ? s : undefined;
    });
    assert.ok(added.loads - before.loads >= 1 && added.loads - before.loads <= 2, `re-read ${added.loads - before.loads} files for one new file`);
    await until('an expired diagnostic on the new file', async () => (vscode.languages.getDiagnostics(copy).some((d) => d.code === 'expired') ? true : undefined));
    rmSync(copy.fsPath);
    await until('the deleted file to leave the index', async () => ((await snapshot(false)).marks[copy.fsPath] ? undefined : true));
    await until('its diagnostics to go', async () => (vscode.languages.getDiagnostics(copy).length === 0 ? true : undefined));
  });

  // VS Code reports a folder moved in, created or deleted as one event for the folder, and on Linux
  // its watcher leaves the subfolders of a `mkdir -p` unwatched (parcel-bundler/watcher#97): the
  // index must still end up with exactly the files on disk.
  it('folders moved in, made with mkdir -p and filled at once, renamed and deleted: the index follows the disk', async function () {
    this.timeout(120_000);
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const expired = pki('expired.crt').fsPath;
    const inIndex = async (files: string[]): Promise<boolean> => {
      const marks = (await snapshot(false)).marks;
      return files.every((f) => marks[f] === 'E');
    };
    const noneInIndex = async (files: string[]): Promise<boolean> => {
      const marks = (await snapshot(false)).marks;
      return files.every((f) => marks[f] === undefined);
    };
    // A tree made outside the workspace (same file system) and renamed in: one event, for the folder.
    const staging = mkdtempSync(join(folder, '..', 'certscope-staging-'));
    const movedIn = join(folder, 'moved-in');
    const deep = join(folder, 'deep');
    try {
      const movedFiles = ['a', join('a', 'b'), join('a', 'b', 'c')].map((d, i) => {
        mkdirSync(join(staging, d), { recursive: true });
        const f = join(staging, d, `moved-${i}.crt`);
        copyFileSync(expired, f);
        return join(movedIn, d, `moved-${i}.crt`);
      });
      renameSync(staging, movedIn);
      await until('the files of a folder moved into the workspace', async () => ((await inIndex(movedFiles)) ? true : undefined), 30_000);
      // Later (after the searches that follow a new folder), a file in a subfolder of the moved-in
      // tree, which the OS watcher does not watch (only the moved folder itself gets a watch): no
      // event comes; the poll of new folders' mtimes finds it.
      await new Promise((r) => setTimeout(r, 3_000));
      const later = join(movedIn, 'a', 'b', 'c', 'later.crt');
      copyFileSync(expired, later);
      movedFiles.push(later);
      await until('a file written later into a subfolder of the moved-in tree', async () => ((await inIndex([later])) ? true : undefined), 30_000);
      // mkdir -p, then files at every level at once, before any watcher could watch the new folders.
      const deepFiles = ['x', join('x', 'y'), join('x', 'y', 'z')].map((d, i) => join(deep, d, `deep-${i}.crt`));
      mkdirSync(join(deep, 'x', 'y', 'z'), { recursive: true });
      for (const f of deepFiles) copyFileSync(expired, f);
      await until('the files of a mkdir -p tree written at once', async () => ((await inIndex(deepFiles)) ? true : undefined), 30_000);
      // A folder renamed: its files leave under the old name and come back under the new one.
      const renamed = join(folder, 'deep-renamed');
      renameSync(deep, renamed);
      await until('the renamed folder\'s files under their new paths', async () => (
        (await noneInIndex(deepFiles)) && (await inIndex(deepFiles.map((f) => f.replace(deep, renamed)))) ? true : undefined), 30_000);
      // A folder deleted: one event, and every indexed file below it goes.
      rmSync(renamed, { recursive: true });
      rmSync(movedIn, { recursive: true });
      await until('the files of deleted folders to leave the index', async () => (
        (await noneInIndex([...movedFiles, ...deepFiles.map((f) => f.replace(deep, renamed))])) ? true : undefined), 30_000);
    } finally {
      for (const d of [staging, movedIn, deep, join(folder, 'deep-renamed')]) rmSync(d, { recursive: true, force: true });
    }
  });

  it('in-editor timing: tree for a workspace with 5,000 PEM files (logged, not asserted)', async function () {
    this.timeout(300_000);
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const bulk = join(folder, 'bulk-5000');
    mkdirSync(bulk);
    try {
      const { makeWorkspace } = await import('../../bench/workspace.bench');
      makeWorkspace(bulk);
      const s = await snapshot();
      assert.ok(s.stats.files >= 5000, `indexed ${s.stats.files} files`);
      assert.ok(s.nodes.filter((n) => n.kind === 'cert').length >= 5000);
      console.log(`inspect perf: tree for ${s.stats.files} files ready in ${s.stats.totalMs} ms in the extension host (find ${s.stats.findMs} ms, read+decode+index ${s.stats.loadMs} ms)`);
    } finally {
      rmSync(bulk, { recursive: true, force: true });
      await snapshot();
    }
  });
});
