// The first hour (issue 14 §3) in the real extension host: the status bar item's actions (the
// Connection Test pre-filled with the running broker), "Start" while a broker runs (says so
// before asking anything), pickers titled after the command that opened them (Export's CA picker
// says Export), Export and Start on an openssl-made CA whose server certificate lives outside
// issued/ (files and key pairing checked with openssl), and the views' empty-state texts.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TestPanelHost } from '../../src/extension/panel/testPanel';
import { STATUS_BAR_COMMAND } from '../../src/extension/broker/statusBar';
import { prefillAfterReady, quietly, run, stopServersAndRemove, until, withWindowStubs, workspaceRoot } from './loop-helpers';

interface Started { port: number; url: string; alreadyRunning?: boolean }
interface Node { id: string; label: string; description?: string }
interface Pick { label: string; description?: string }

function openssl(args: string[], cwd?: string): string {
  return execFileSync('openssl', args, { encoding: 'utf8', timeout: 20_000, ...(cwd ? { cwd } : {}) });
}

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The manifest's "Certscope: <title>" of a command (what its pickers must say). */
function titleOf(id: string): string {
  const cmds = (vscode.extensions.getExtension('certscope.certscope')!.packageJSON as { contributes: { commands: Array<{ command: string; title: string }> } }).contributes.commands;
  return `Certscope: ${cmds.find((c) => c.command === id)!.title.replace(/\.\.\.$/, '')}`;
}

async function brokerState(): Promise<Node> {
  return (await vscode.commands.executeCommand<Node[]>('certscope.broker.status'))[0]!;
}

describe('the first hour: entry points, titles, openssl CA export, empty states', function () {
  this.timeout(120_000);
  const root = join(workspaceRoot(), `it-first-hour-${process.pid}`);
  const dir = join(root, 'dev-ca');
  const oca = join(root, 'openssl-ca');
  const servers = join(root, 'servers');
  const brokerCrt = join(servers, 'broker.crt');
  const brokerKey = join(servers, 'broker.key');
  let started: Started;
  let host: TestPanelHost | undefined;

  before(async () => {
    await vscode.extensions.getExtension('certscope.certscope')!.activate();
    await quietly('certscope.ca.create', { dir, cn: 'IT First Hour CA', key: 'p256' });
    await quietly('certscope.ca.issueServer', { caDir: dir, cn: 'localhost', sans: ['localhost', '127.0.0.1'], key: 'p256', days: 30 });
    // An openssl-made CA (openssl ca, its own openssl.cnf); its server certificate and key live in servers/, not issued/.
    for (const d of [join(oca, 'newcerts'), servers]) mkdirSync(d, { recursive: true });
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(oca, 'ca.key'), '-out', join(oca, 'ca.crt'),
      '-subj', '/CN=IT Openssl CA', '-days', '365', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    writeFileSync(join(oca, 'index.txt'), '');
    writeFileSync(join(oca, 'serial'), '1000\n');
    writeFileSync(join(oca, 'crlnumber'), '1000\n');
    writeFileSync(join(oca, 'openssl.cnf'), '[ca]\ndefault_ca = CA_default\n[CA_default]\ndir = .\ndatabase = $dir/index.txt\nnew_certs_dir = $dir/newcerts\ncertificate = $dir/ca.crt\nprivate_key = $dir/ca.key\nserial = $dir/serial\ncrlnumber = $dir/crlnumber\ndefault_md = sha256\ndefault_days = 30\ndefault_crl_days = 30\npolicy = policy_any\nunique_subject = no\n[policy_any]\ncommonName = supplied\n[server_ext]\nbasicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\nextendedKeyUsage = serverAuth\nsubjectAltName = DNS:localhost,IP:127.0.0.1\n[client_ext]\nbasicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\nextendedKeyUsage = clientAuth\n');
    const issue = (name: string, ext: string): void => {
      openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', join(servers, `${name}.key`)]);
      openssl(['req', '-new', '-key', join(servers, `${name}.key`), '-subj', `/CN=${name === 'broker' ? 'localhost' : name}`, '-out', join(servers, `${name}.csr`)]);
      openssl(['ca', '-batch', '-notext', '-config', 'openssl.cnf', '-extensions', ext, '-in', join(servers, `${name}.csr`), '-out', join(servers, `${name}.crt`)], oca);
    };
    issue('broker', 'server_ext');
    issue('device', 'client_ext');
    openssl(['ca', '-batch', '-config', 'openssl.cnf', '-gencrl', '-out', 'crl.pem'], oca);
  });

  afterEach(() => {
    host?.dispose();
    host = undefined;
  });

  after(() => stopServersAndRemove(root));

  it('the status bar item opens the broker actions: Connection Test pre-filled with the running broker, Restart, Stop, status, log', async () => {
    started = (await quietly<Started>('certscope.broker.start', { caDir: dir, port: 0, wssPort: null })).result;
    assert.ok(started?.port > 0, 'the broker did not start');
    const shown: Array<{ items: Pick[]; title?: string }> = [];
    const { result } = await withWindowStubs({
      showQuickPick: (items: Pick[], o?: { title?: string }) => { shown.push({ items, title: o?.title }); return items.find((i) => /Open Connection Test/.test(i.label)); },
    }, () => vscode.commands.executeCommand<TestPanelHost>(STATUS_BAR_COMMAND));
    assert.equal(shown.length, 1);
    assert.deepEqual(shown[0]!.items.map((i) => i.label.replace(/^\$\([^)]*\) /, '')), ['Open Connection Test', 'Restart', 'Stop', 'Show Broker Status', 'Show Broker Log']);
    assert.equal(shown[0]!.items[0]!.description, `pre-filled with mqtts://localhost:${started.port}`);
    assert.equal(shown[0]!.title, titleOf(STATUS_BAR_COMMAND));
    host = result;
    assert.ok(host, 'choosing Open Connection Test did not open the panel');
    const p = await prefillAfterReady(host);
    assert.equal(p.form.url, `mqtts://localhost:${started.port}`);
    assert.ok(p.form.caPath?.startsWith(dir), `CA: ${p.form.caPath}`);
  });

  it('"Start Local TLS Broker" while one runs asks nothing: it names the running URL with Restart / Open Connection Test / Stop, and Stop stops it', async () => {
    const asked: unknown[] = [];
    const said: Array<{ message: string; buttons: string[] }> = [];
    const { result } = await withWindowStubs({
      showQuickPick: (items: unknown) => { asked.push(items); return undefined; },
      showInputBox: (o: unknown) => { asked.push(o); return undefined; },
      showOpenDialog: (o: unknown) => { asked.push(o); return undefined; },
      showInformationMessage: (message: string, ...buttons: string[]) => { said.push({ message, buttons }); return /already running/.test(message) ? 'Stop' : undefined; },
    }, () => vscode.commands.executeCommand<Started>('certscope.broker.start'));
    assert.deepEqual(asked, [], 'Start asked something while the broker runs');
    assert.equal(said[0]?.message, `Certscope: the local broker is already running on mqtts://localhost:${started.port}.`);
    assert.deepEqual(said[0]?.buttons, ['Restart', 'Open Connection Test', 'Stop']);
    assert.equal(result.port, started.port);
    assert.equal(result.alreadyRunning, true);
    await until('the broker to stop after "Stop"', async () => ((await brokerState()).label === 'Stopped' ? true : undefined));
  });

  it('pickers carry the title of the command that opened them (Export, Start, Restart, Filter)', async () => {
    const titles: string[] = [];
    const pickFlavorThenCancel = (items: Array<Pick & { flavor?: string }>, o?: { title?: string }) => {
      titles.push(o?.title ?? '(none)');
      return items.find((i) => i.flavor === 'mosquitto');
    };
    await withWindowStubs({ showQuickPick: pickFlavorThenCancel, showErrorMessage: () => undefined }, () => vscode.commands.executeCommand('certscope.broker.exportConfig'));
    // The flavour, then the CA (two CAs in the workspace); the CA picker is cancelled (no flavor field).
    assert.deepEqual(titles, [titleOf('certscope.broker.exportConfig'), titleOf('certscope.broker.exportConfig')]);
    assert.equal(titles[0], 'Certscope: Export Broker Configuration (EMQX, mosquitto)');
    for (const id of ['certscope.broker.start', 'certscope.broker.restart']) {
      titles.length = 0;
      await withWindowStubs({ showQuickPick: pickFlavorThenCancel, showErrorMessage: () => undefined, showInformationMessage: () => undefined }, () => vscode.commands.executeCommand(id));
      assert.deepEqual(titles, [titleOf(id)], id);
    }
    const boxes: string[] = [];
    await withWindowStubs({ showInputBox: (o: { title?: string }) => { boxes.push(o.title ?? ''); return undefined; } }, () => vscode.commands.executeCommand('certscope.tree.filter'));
    assert.deepEqual(boxes, ['Certscope: Filter Certificates']);
  });

  it('Export on an openssl-made CA takes a server certificate outside issued/ (argument, relative path) with the key beside it', async () => {
    const out = join(root, 'mosquitto.conf');
    const { result, errors } = await quietly<{ text: string }>('certscope.broker.exportConfig', { flavor: 'mosquitto', caDir: oca, serverCert: 'it-first-hour-' + process.pid + '/servers/broker.crt', port: 8883, outFile: out });
    assert.ok(result, `export failed: ${errors.join('; ')}`);
    assert.match(result.text, new RegExp(`^certfile ${esc(brokerCrt)}$`, 'm'));
    const keyfile = /^keyfile (.+)$/m.exec(result.text)?.[1];
    assert.equal(keyfile, brokerKey);
    // openssl says the exported key belongs to the exported certificate.
    assert.equal(openssl(['pkey', '-in', keyfile, '-pubout']), openssl(['x509', '-in', brokerCrt, '-noout', '-pubkey']));
    assert.doesNotMatch(readFileSync(out, 'utf8'), /PRIVATE KEY/);
  });

  it('Export without a serverCert asks for the file (titled Export), and for the key when none sits beside it; a wrong key is refused by name', async () => {
    const dialogs: string[] = [];
    const answers = [vscode.Uri.file(brokerCrt)];
    const { result } = await withWindowStubs({
      showOpenDialog: (o: { title?: string }) => { dialogs.push(o.title ?? ''); const a = answers.shift(); return a ? [a] : undefined; },
      showWarningMessage: () => undefined, showErrorMessage: () => undefined,
    }, () => vscode.commands.executeCommand<{ text: string }>('certscope.broker.exportConfig', { flavor: 'mosquitto', caDir: oca, port: 8883, outFile: join(root, 'asked.conf') }));
    assert.equal(dialogs.length, 1);
    assert.ok(dialogs[0]!.startsWith(`${titleOf('certscope.broker.exportConfig')}: IT Openssl CA has no server certificate with a key under issued/`), dialogs[0]);
    assert.match(result.text, new RegExp(`^keyfile ${esc(brokerKey)}$`, 'm'));

    // The certificate alone in another folder: the key is asked for; the client's key is refused.
    const lone = join(root, 'elsewhere');
    mkdirSync(lone, { recursive: true });
    copyFileSync(brokerCrt, join(lone, 'broker.crt'));
    dialogs.length = 0;
    answers.push(vscode.Uri.file(join(servers, 'device.key')));
    const wrong = await withWindowStubs({
      showOpenDialog: (o: { title?: string }) => { dialogs.push(o.title ?? ''); const a = answers.shift(); return a ? [a] : undefined; },
      showErrorMessage: () => undefined, showWarningMessage: () => undefined,
    }, () => vscode.commands.executeCommand('certscope.broker.exportConfig', { flavor: 'mosquitto', caDir: oca, serverCert: join(lone, 'broker.crt'), port: 8883, outFile: join(root, 'wrong.conf') }));
    assert.equal(wrong.result, undefined);
    assert.match(dialogs[0] ?? '', /no private key of broker\.crt beside it/);
    assert.deepEqual(wrong.calls.showErrorMessage, ['Certscope: device.key is not the private key of broker.crt (another public key)']);
    const given = await quietly<{ text: string }>('certscope.broker.exportConfig', { flavor: 'mosquitto', caDir: oca, serverCert: join(lone, 'broker.crt'), serverKey: brokerKey, port: 8883, outFile: join(root, 'given.conf') });
    assert.match(given.result.text, new RegExp(`^keyfile ${esc(brokerKey)}$`, 'm'));
  });

  it('Start Local TLS Broker on that openssl CA serves the outside certificate: openssl s_client verifies it with the CA', async () => {
    const { result, errors } = await quietly<Started>('certscope.broker.start', { caDir: oca, serverCert: brokerCrt, port: 0, wssPort: null });
    assert.ok(result?.port > 0, `the broker did not start: ${errors.join('; ')}`);
    const s = await run('openssl', ['s_client', '-connect', `127.0.0.1:${result.port}`, '-servername', 'localhost', '-CAfile', join(oca, 'ca.crt'),
      '-cert', join(servers, 'device.crt'), '-key', join(servers, 'device.key'), '-tls1_2']);
    assert.match(s.out, /subject=CN ?= ?localhost/);
    assert.match(s.out, /Verify return code: 0 \(ok\)/);
    await quietly('certscope.broker.stop');
  });

  it('empty-state texts of the three views render: no backticks or other markdown, every link runs a command that exists', async () => {
    const pj = vscode.extensions.getExtension('certscope.certscope')!.packageJSON as { contributes: { views: Record<string, Array<{ id: string }>>; viewsWelcome: Array<{ view: string; contents: string }> } };
    const views = pj.contributes.views.certscope!.map((v) => v.id);
    assert.equal(views.length, 3);
    const commands = new Set(await vscode.commands.getCommands(true));
    for (const view of views) {
      const entries = pj.contributes.viewsWelcome.filter((w) => w.view === view);
      assert.ok(entries.length > 0, `${view} has no empty-state text`);
      for (const { contents } of entries) {
        // VS Code renders welcome content as plain text plus [label](command:...) links only.
        const links = [...contents.matchAll(/\[([^\]\n]+)\]\(command:([\w.]+)(\?[^)\s]*)?\)/g)];
        for (const [, , id] of links) assert.ok(commands.has(id!), `${view}: link to unknown command ${id}`);
        const plain = contents.replace(/\[([^\]\n]+)\]\(command:[^)\s]+\)/g, '$1');
        assert.doesNotMatch(plain, /[`[\]<>]|\*\*|__|^#/m, `${view}: markdown that renders literally in ${JSON.stringify(contents)}`);
      }
    }
  });
});
