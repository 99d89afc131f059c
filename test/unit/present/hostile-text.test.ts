// A certificate made by openssl whose names carry an ANSI CSI (ESC [ and the one-byte 0x9b), line
// breaks, '|', backquotes, a markdown link, an <img> tag, bidi overrides/isolates and bare URLs,
// shown on every surface: the readable text and the CLI (no raw ESC, 0x9b or U+202E reaches
// stdout; --json stays exact), hovers and tree tooltips (no link, HTML, table break), summaries,
// problem lines, the broker log line, the probe report, `verify`, `ca list` and the CA view tooltip.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:tls';
import { join } from 'node:path';
import { caCommand } from '../../../src/cli/ca';
import { openCa } from '../../../src/core/ca/index';
import { caCertTooltip } from '../../../src/extension/views/caTreeModel';
import { inspectCommand } from '../../../src/cli/inspect';
import { verifyCommand } from '../../../src/cli/verify';
import { formatBrokerEvent } from '../../../src/core/broker/format';
import { decodeBytes } from '../../../src/core/decode';
import type { CertificateModel, DecodedItem } from '../../../src/core/model';
import { hoverMarkdown } from '../../../src/core/present/hover';
import { describeProblem } from '../../../src/core/present/problem';
import { summarize } from '../../../src/core/present/summary';
import { renderText } from '../../../src/core/present/text';
import { formatProbe } from '../../../src/core/probe/format';
import { probe } from '../../../src/core/probe/probe';
import { analyze } from '../../../src/core/workspace/analysis';
import { PkiTree, type PkiNode } from '../../../src/core/workspace/tree';
import { captureOutput } from '../../support/capture';
import { openssl } from '../../support/run';
import { makeTempDir } from '../../support/tmp';
import { load } from '../workspace/fixture';

const CN = 'e\x1b[31mr\u009b2J\n|`c`\u202eRLO http://x';
const O = 'www.x.com|a\r\nb\u2066i\u2069\u200e';
const OU = '[link](x) <img src=x> *b* $(x)';
/** Characters that must never reach a terminal or markdown raw. */
// eslint-disable-next-line no-control-regex -- finding raw control characters is the point
const RAW = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const BT = '`';
const EBT = '\\`';

const capture = captureOutput;

/** Markdown checks that hold whatever the text: nothing raw, no link/autolink/HTML, table rows intact. */
function assertInertMarkdown(md: string): void {
  assert.doesNotMatch(md, RAW);
  assert.doesNotMatch(md, /https?:\/\/|www\./, 'no bare URL to autolink');
  assert.doesNotMatch(md, /(^|[^\\])[[<]/m, 'no unescaped "[" or "<"');
  const table = md.split('\n').filter((l) => l.startsWith('|'));
  for (const row of table) assert.equal(row.replace(/\\\\/g, '').replace(/\\\|/g, '').split('|').length, 4, `one key and one value cell: ${row}`);
}

describe('hostile names on every surface', () => {
  const tmp = makeTempDir();
  const certPath = join(tmp.dir, 'hostile.pem');
  const keyPath = join(tmp.dir, 'hostile.key');
  let item: DecodedItem;
  let cert: CertificateModel;
  // Read after the certificate exists: a clock taken at suite load precedes its notBefore.
  let now: Date;
  after(() => tmp.cleanup());

  before(async () => {
    const subj = (s: string): string => s.replace(/\//g, '\\/');
    await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '30', '-utf8',
      '-subj', `/CN=${subj(CN)}/O=${subj(O)}/OU=${subj(OU)}`, '-addext', 'subjectAltName=DNS:www.x.com,URI:http://evil/\x1b[2J,email:a@b.c,DNS:a|b']);
    [item] = decodeBytes(readFileSync(certPath));
    assert.equal(item.result.kind, 'certificate');
    cert = item.result as CertificateModel;
    now = new Date(cert.notBefore.getTime() + 60_000);
    assert.equal(cert.subject.commonName, CN, 'openssl wrote the hostile name as given');
  });

  it('readable text: subject and SANs escaped, exactly', () => {
    const lines = renderText([item], { now, fileName: 'h.pem' }).split('\n');
    assert.equal(lines.find((l) => l.startsWith('  Subject:')),
      String.raw`  Subject:               OU=[link](x) \<img src=x\> *b* $(x),O=www.x.com|a\0D\0Ab\u2066i\u2069\u200e,CN=e\1B[31mr\x9b2J\0A|${BT}c${BT}\u202eRLO http://x`);
    assert.equal(lines.find((l) => l.includes('Subject alt names')), String.raw`    Subject alt names:     DNS:www.x.com, URI:http://evil/\x1b[2J, email:a@b.c, DNS:a|b`);
    for (const l of lines) assert.doesNotMatch(l, RAW);
  });

  it('`certscope inspect`: no raw ESC, 0x9b or U+202E byte on stdout; --json is exact JSON of the same names', async () => {
    for (const argv of [[certPath], [certPath, '--json']]) {
      const r = await capture(() => inspectCommand.run(argv));
      assert.equal(r.code, 0, r.err);
      const bytes = Buffer.from(r.out, 'utf8');
      assert.equal(bytes.indexOf(0x1b), -1, `no ESC (${argv.join(' ')})`);
      assert.equal(bytes.indexOf(Buffer.from('\u009b', 'utf8')), -1, 'no C1 CSI');
      assert.equal(bytes.indexOf(Buffer.from('\u202e', 'utf8')), -1, 'no RLO');
      assert.doesNotMatch(r.out, RAW);
      if (argv.includes('--json')) {
        const json = JSON.parse(r.out) as { items: Array<{ result: { subject: { commonName: string; attributes: Array<{ value: string }> } } }> };
        assert.equal(json.items[0].result.subject.commonName, CN);
        assert.deepEqual(json.items[0].result.subject.attributes.map((a) => a.value), [CN, O, OU]);
      } else assert.ok(r.out.includes(String.raw`CN=e\1B[31mr\x9b2J\0A|${BT}c${BT}\u202eRLO http://x`));
    }
  });

  it('a problem line naming a hostile file is one escaped line', () => {
    const [bad] = decodeBytes(Buffer.from('-----BEGIN CERTIFICATE-----\n\u202eAAA\n-----END CERTIFICATE-----\n'));
    assert.equal(describeProblem('a\x1b[2J\nb.pem', bad), String.raw`a\x1b[2J\nb.pem: block 1 (CERTIFICATE), line 2: invalid character "\u202e" in base64`);
  });

  it('hover markdown: every name escaped, exactly; no link, autolink, HTML or broken table', () => {
    const md = hoverMarkdown(item, { now, expiringDays: 30 });
    assertInertMarkdown(md);
    const lines = md.split('\n');
    assert.equal(lines[0], String.raw`**Certificate** CN\=e\\x1b\[31mr\\x9b2J\\n\|${EBT}c${EBT}\\u202eRLO http\:\/\/x · root CA`);
    assert.equal(lines.find((l) => l.startsWith('| Subject |')),
      String.raw`| Subject | OU\=\[link\]\(x\) \\\<img src\=x\\\> \*b\* \$\(x\)\,O\=www\.x\.com\|a\\0D\\0Ab\\u2066i\\u2069\\u200e\,CN\=e\\1B\[31mr\\x9b2J\\0A\|${EBT}c${EBT}\\u202eRLO http\:\/\/x |`);
    assert.equal(lines.find((l) => l.startsWith('| SANs |')), String.raw`| SANs | DNS\:www\.x\.com, URI\:http\:\/\/evil\/\\x1b\[2J, EMAIL\:a\@b\.c, DNS\:a\|b |`);
  });

  it('one-line summary (CodeLens, tree description) is escaped', () => {
    assert.match(summarize(item.result, { now, expiringDays: 30 }),
      new RegExp(`^Certificate · CN=e\\\\x1b\\[31mr\\\\x9b2J\\\\n\\|${BT}c${BT}\\\\u202eRLO http://x · root CA · expires in \\d+ days$`));
  });

  it('Workspace PKI tree: label plain and escaped, tooltip inert markdown, problem description escaped', async () => {
    const junk = join(tmp.dir, 'junk.pem');
    (await import('node:fs')).writeFileSync(junk, '-----BEGIN CERTIFICATE-----\n\u202eAAA\n-----END CERTIFICATE-----\n');
    const tree = new PkiTree(analyze([await load(certPath), await load(junk)], { now, expiringDays: 30 }));
    const all: PkiNode[] = [];
    const walk = (ns: PkiNode[]): void => { for (const n of ns) { all.push(n); walk(tree.children(n)); } };
    walk(tree.roots());
    const node = all.find((n) => n.kind === 'cert')!;
    assert.equal(node.label, String.raw`e\x1b[31mr\x9b2J\n|${BT}c${BT}\u202eRLO http://x`);
    assertInertMarkdown(tree.tooltip(node));
    const problem = all.find((n) => n.kind === 'error')!;
    assert.equal(problem.description, String.raw`invalid character "\u202e" in base64`);
    assertInertMarkdown(tree.tooltip(problem));
  });

  it('broker log line: a client id with a newline cannot forge a line', () => {
    const time = new Date('2026-01-01T08:00:00Z');
    assert.equal(formatBrokerEvent({ type: 'mqtt', time, action: 'connect', clientId: 'dev\n08:00:01 ACCEPTED   forged\x1b[2J\u009b1m', detail: 'topic a/\u202eb' }),
      String.raw`08:00:00 mqtt       connect dev\n08:00:01 ACCEPTED   forged\x1b[2J\x9b1m topic a/\u202eb`);
    const line = formatBrokerEvent({
      type: 'connection', time, outcome: 'rejected', transport: 'mqtts', remoteAddress: '127.0.0.1', remotePort: 5, tlsVersion: 'TLSv1.3', cipher: 'X',
      clientCert: { subject: cert.subject.rfc4514, issuer: cert.issuer.rfc4514, serial: cert.serialHex, notAfter: cert.notAfter }, reason: 'revoked\nforged',
    } as Parameters<typeof formatBrokerEvent>[0]);
    assert.equal(line.split('\n').length, 2, 'the event\'s own two lines only');
    assert.doesNotMatch(line, RAW);
  });

  it('probe report against a TLS server presenting the hostile certificate', async () => {
    const server: Server = createServer({ cert: readFileSync(certPath), key: readFileSync(keyPath) }, (s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      const r = await probe({ url: `tls://127.0.0.1:${port}`, ca: { pem: readFileSync(certPath, 'utf8'), source: certPath }, lateAlertWaitMs: 100 });
      const raw = JSON.stringify(r);
      assert.ok(raw.includes('\\u001b[31m') || raw.includes('\\\\1B[31m'), 'the probe saw the hostile subject');
      const text = formatProbe(r);
      assert.doesNotMatch(text, RAW);
      assert.ok(text.includes(String.raw`\x9b2J`), text);
    } finally {
      server.close();
    }
  });

  it('`certscope verify`: the path report is escaped', async () => {
    const r = await capture(() => verifyCommand.run([certPath, '--ca', certPath]));
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.out, RAW);
    assert.ok(r.out.includes(String.raw`O=www.x.com|a\r\nb\u2066i\u2069\u200e, CN=e\x1b[31mr\x9b2J\n|${BT}c${BT}\u202eRLO http://x`), r.out);
  });

  it('`certscope ca list`: index.txt subjects are escaped', async () => {
    const dir = join(tmp.dir, 'ca');
    const init = await capture(() => caCommand.run(['init', dir, '--subject', '/CN=Hostile Test CA']));
    assert.equal(init.code, 0, init.err);
    const index = join(dir, 'index.txt');
    const fs = await import('node:fs');
    fs.appendFileSync(index, `V\t300101000000Z\t\t0A\tunknown\t/CN=e\x1b[2Jx\u009b\u202eRLO|http://x\n`);
    const r = await capture(() => caCommand.run(['list', dir]));
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.out, RAW);
    assert.match(r.out, /\/CN=e\\x1b\[2Jx\\x9b\\u202eRLO\|http:\/\/x$/m);
    const json = await capture(() => caCommand.run(['list', dir, '--json']));
    assert.doesNotMatch(json.out, RAW);
    assert.ok((JSON.parse(json.out) as { entries: Array<{ subject: string }> }).entries.some((e) => e.subject.endsWith('x\u009b\u202eRLO|http://x')), 'JSON keeps the exact subject');
    // The CA view's tooltip for that index.txt line.
    const entry = openCa(dir).list().find((e) => e.serialHex.toUpperCase() === '0A')!;
    const md = caCertTooltip({ kind: 'caCert', id: 'x', caDir: dir, serialHex: entry.serialHex, subject: entry.subject, status: 'valid', expires: entry.expires }, 'valid', 'issued/x|y/cert.pem');
    assertInertMarkdown(md);
    assert.equal(md.split('  \n')[0], String.raw`**\/CN\=e\\x1b\[2Jx\\x9b\\u202eRLO\|http\:\/\/x**`);
    assert.equal(md.split('  \n').at(-1), String.raw`issued\/x\|y\/cert\.pem`);
  });
});
