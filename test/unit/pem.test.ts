// PEM blocks found wherever users keep them: files, YAML, JSON, .env, .conf and source code.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { findPemBlocks, looksLikeDer } from '../../src/core/pem';

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

describe('looksLikeDer', () => {
  it('accepts a complete DER SEQUENCE (and trailing newline) but not text or truncated data', () => {
    assert.equal(looksLikeDer(CERT_DER), true);
    assert.equal(looksLikeDer(new Uint8Array([...CERT_DER, 0x0a])), true);
    assert.equal(looksLikeDer(CERT_DER.subarray(0, CERT_DER.length - 1)), false);
    assert.equal(looksLikeDer(new TextEncoder().encode(CERT_PEM)), false);
    assert.equal(looksLikeDer(new Uint8Array([0x30])), false);
  });
});
