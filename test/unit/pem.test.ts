// PEM blocks found wherever users keep them: files, YAML, JSON, .env, .conf and source code.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeText } from '../../src/core/decode';
import { findPemBlocks, looksLikeDer, MAX_PEM_BLOCKS } from '../../src/core/pem';

const CERT_PEM = readFileSync('examples/pki/server.crt', 'utf8');
const CERT_DER = new Uint8Array(Buffer.from(CERT_PEM.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
const B64_LINES = CERT_PEM.trim().split('\n').slice(1, -1);

function sameDer(der: Uint8Array | undefined): void {
  assert.ok(der, 'block has DER');
  assert.equal(Buffer.from(der).toString('hex'), Buffer.from(CERT_DER).toString('hex'));
}

describe('findPemBlocks', () => {
  it('finds one plain block with its line and offset range', () => {
    const text = `junk before\n${CERT_PEM}after\n`;
    const [b] = findPemBlocks(text);
    assert.equal(b.label, 'CERTIFICATE');
    assert.equal(b.error, undefined);
    sameDer(b.der);
    assert.equal(b.range.startLine, 1);
    assert.equal(b.range.endLine, 1 + B64_LINES.length + 2);
    assert.equal(text.slice(b.range.startOffset, b.range.endOffset), CERT_PEM.trim());
  });

  it('handles CRLF line ends, trailing spaces and tabs', () => {
    const text = CERT_PEM.trim().split('\n').map((l) => `${l} \t`).join('\r\n');
    const [b] = findPemBlocks(text);
    sameDer(b.der);
    assert.equal(b.range.endLine, B64_LINES.length + 2);
  });

  it('finds blocks indented in YAML and in a commented-out YAML/.conf section', () => {
    const yaml = `tls:\n  ca: |\n${CERT_PEM.trim().split('\n').map((l) => `    ${l}`).join('\n')}\n  other: 1\n`;
    const [b] = findPemBlocks(yaml);
    sameDer(b.der);
    assert.equal(b.range.startLine, 2);
    const commented = `# old cert:\n${CERT_PEM.trim().split('\n').map((l) => `# ${l}`).join('\n')}\n`;
    sameDer(findPemBlocks(commented)[0].der);
    const slashes = CERT_PEM.trim().split('\n').map((l) => `  // ${l}`).join('\n');
    sameDer(findPemBlocks(slashes)[0].der);
  });

  it('finds a block inside a JSON string with \\n escapes, and reports its line', () => {
    const json = JSON.stringify({ name: 'x', cert: CERT_PEM }, null, 2);
    const [b] = findPemBlocks(json);
    sameDer(b.der);
    assert.equal(b.range.startLine, 2);
    assert.equal(b.range.endLine, 3);
    const crlf = JSON.stringify({ cert: CERT_PEM.replace(/\n/g, '\r\n') });
    sameDer(findPemBlocks(crlf)[0].der);
  });

  it('finds blocks in source code string literals (concatenated, template, triple-quoted) and .env values', () => {
    const js = `const pem =\n  "${CERT_PEM.trim().split('\n').join('\\n" +\n  "')}\\n";\n`;
    sameDer(findPemBlocks(js)[0].der);
    const tpl = `const pem = \`${CERT_PEM}\`;`;
    sameDer(findPemBlocks(tpl)[0].der);
    const py = `PEM = """${CERT_PEM}"""\n`;
    sameDer(findPemBlocks(py)[0].der);
    const env = `OTHER=1\nTLS_CERT="${CERT_PEM.trim().replace(/\n/g, '\\n')}"\n`;
    const [b] = findPemBlocks(env);
    sameDer(b.der);
    assert.equal(b.range.startLine, 1);
  });

  it('reads Proc-Type/DEK-Info headers of legacy encrypted keys', () => {
    const [b] = findPemBlocks(readFileSync('test/fixtures/decode/rsa-legacy-encrypted.key', 'utf8'));
    assert.equal(b.label, 'RSA PRIVATE KEY');
    assert.equal(b.headers['Proc-Type'], '4,ENCRYPTED');
    assert.match(b.headers['DEK-Info'], /^AES-256-CBC,[0-9A-F]{32}$/);
    assert.ok(b.der && b.der.length > 1000);
  });

  it('numbers several blocks and keeps their own ranges', () => {
    const chain = readFileSync('examples/pki/chain.pem', 'utf8');
    const blocks = findPemBlocks(chain);
    assert.deepEqual(blocks.map((b) => b.range.block), [0, 1, 2]);
    assert.ok(blocks.every((b) => !b.error && b.der));
    assert.equal(blocks[1].range.startLine, blocks[0].range.endLine);
  });

  it('says "truncated base64" with the line of the last data line when characters are missing', () => {
    const lines = CERT_PEM.trim().split('\n');
    lines[lines.length - 2] = lines[lines.length - 2].slice(0, -1); // drop one char of the last data line
    const [b] = findPemBlocks(`\n${lines.join('\n')}\n`);
    assert.equal(b.error, 'truncated base64');
    assert.equal(b.errorLine, lines.length - 1); // 0-based: blank line + BEGIN + data; last data line
  });

  it('says truncated when whole lines are missing (DER length exceeds the data)', () => {
    const lines = CERT_PEM.trim().split('\n');
    const cut = [lines[0], ...lines.slice(1, 4), lines[lines.length - 1]].join('\n');
    const [b] = findPemBlocks(cut);
    assert.match(b.error ?? '', /^truncated base64 \(the data declares \d+ bytes, only \d+ present\)$/);
  });

  it('reports a missing END line, a mismatched END and invalid characters with their lines', () => {
    const lines = CERT_PEM.trim().split('\n');
    const noEnd = findPemBlocks(lines.slice(0, -1).join('\n') + '\n' + CERT_PEM);
    assert.equal(noEnd.length, 2);
    assert.match(noEnd[0].error ?? '', /missing "-----END CERTIFICATE-----" line/);
    assert.equal(noEnd[1].error, undefined);
    const wrongEnd = findPemBlocks(lines.slice(0, -1).join('\n') + '\n-----END X509 CRL-----\n');
    assert.equal(wrongEnd[0].error, 'BEGIN CERTIFICATE ends with END X509 CRL');
    const bad = [...lines];
    bad[3] = bad[3].slice(0, 10) + '!' + bad[3].slice(11);
    const [b] = findPemBlocks(bad.join('\n'));
    assert.equal(b.error, 'invalid character "!" in base64');
    assert.equal(b.errorLine, 3);
  });

  it('reports an empty block and padding in the middle', () => {
    assert.equal(findPemBlocks('-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----')[0].error, 'empty block (no base64 data)');
    assert.match(findPemBlocks('-----BEGIN CERTIFICATE-----\nAA==AAAA\n-----END CERTIFICATE-----')[0].error ?? '', /padding/);
  });

  it('returns nothing for text without PEM', () => {
    assert.deepEqual(findPemBlocks('hello\nworld -----BEGIN lower-----'), []);
  });
});

describe('findPemBlocks on hostile text (linear scan, bounded output)', () => {
  // Each of these took minutes (quadratic scan) or gigabytes before; no timing is asserted here
  // (bench/pem.bench.ts measures cost against size), only that they end with the right answer.
  it('5 MB of unterminated BEGIN lines: the first blocks report the missing END, then one block says where reading stopped', () => {
    const line = '-----BEGIN CERTIFICATE-----\n';
    const blocks = findPemBlocks(line.repeat(Math.ceil(5 * 1024 * 1024 / line.length)));
    assert.equal(blocks.length, MAX_PEM_BLOCKS + 1);
    assert.match(blocks[0].error ?? '', /missing "-----END CERTIFICATE-----" line/);
    assert.deepEqual([blocks[1].range.startLine, blocks[1].errorLine], [1, 1]);
    const last = blocks[MAX_PEM_BLOCKS];
    assert.equal(last.error, 'too many PEM blocks: only the first 10,000 are read, the rest of the text is skipped');
    assert.equal(last.range.startLine, MAX_PEM_BLOCKS);
  });

  it('9,999 unterminated BEGINs before 5 MB of text: each looks for its END only up to the next BEGIN', () => {
    const text = '-----BEGIN CERTIFICATE-----\n'.repeat(9_999) + `${'A'.repeat(76)}\n`.repeat(70_000) + '-----END CERTIFICATE-----\n';
    const blocks = findPemBlocks(text);
    assert.equal(blocks.length, 9_999);
    assert.match(blocks[0].error ?? '', /missing/);
    assert.equal(blocks[9_998].error, undefined, 'the last block reaches its END');
    assert.equal(blocks[9_998].der?.length, 70_000 * 57);
  });

  it('a million tiny blocks: MAX_PEM_BLOCKS are returned, decodeText reports the cut as a problem', () => {
    const tiny = '-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n';
    const text = tiny.repeat(1_000_000);
    const blocks = findPemBlocks(text);
    assert.equal(blocks.length, MAX_PEM_BLOCKS + 1);
    assert.equal(blocks[MAX_PEM_BLOCKS - 1].range.startLine, 3 * (MAX_PEM_BLOCKS - 1));
    const items = decodeText(text);
    const last = items[items.length - 1];
    assert.equal(items.length, MAX_PEM_BLOCKS + 1);
    assert.match(last.result.kind === 'error' ? last.result.message : '', /too many PEM blocks/);
  });

  it('takes a smaller cap as a parameter', () => {
    const blocks = findPemBlocks(CERT_PEM.repeat(3), 2);
    assert.deepEqual(blocks.map((b) => b.error === undefined), [true, true, false]);
    assert.match(blocks[2].error ?? '', /only the first 2 are read/);
  });

  it('many blocks on one long line (minified JSON) keep their quotes and DER', () => {
    const json = JSON.stringify({ certs: Array.from({ length: 300 }, () => CERT_PEM) });
    const blocks = findPemBlocks(json);
    assert.equal(blocks.length, 300);
    for (const b of blocks) { assert.equal(b.range.startLine, 0); sameDer(b.der); }
  });

  it('counts lone CR line ends and finds the END of its own label past a foreign END', () => {
    const text = `a\rb\r${CERT_PEM.trim().split('\n').join('\r')}\r`;
    const [b] = findPemBlocks(text);
    sameDer(b.der);
    assert.deepEqual([b.range.startLine, b.range.endLine], [2, 2 + B64_LINES.length + 2]);
    const lines = CERT_PEM.trim().split('\n');
    const foreign = [lines[0], '-----END X509 CRL-----', ...lines.slice(1)].join('\n');
    assert.match(findPemBlocks(foreign)[0].error ?? '', /invalid character "-"/, 'the own END is found; the foreign one is body text');
  });

  it('a block of 1 MB of spaces and a bad character is rejected without backtracking', () => {
    const [b] = findPemBlocks(`-----BEGIN CERTIFICATE-----\n${' '.repeat(1024 * 1024)}!\n-----END CERTIFICATE-----\n`);
    assert.equal(b.error, 'invalid character "!" in base64');
  });
});

describe('looksLikeDer', () => {
  it('accepts a complete DER SEQUENCE (and trailing newline) but not text or truncated data', () => {
    assert.equal(looksLikeDer(CERT_DER), true);
    assert.equal(looksLikeDer(new Uint8Array([...CERT_DER, 0x0a])), true);
    assert.equal(looksLikeDer(CERT_DER.subarray(0, CERT_DER.length - 1)), false);
    assert.equal(looksLikeDer(new TextEncoder().encode(CERT_PEM)), false);
    assert.equal(looksLikeDer(new Uint8Array([0x30])), false);
  });
});
