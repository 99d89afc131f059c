// The pem TextMate grammar and language configuration: every pattern compiles, and the scopes
// match the lines of a real openssl-written encrypted key and certificate.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { openssl } from '../../support/run';
import { fixture } from './fixture';

interface Rule { match?: string; begin?: string; end?: string; name?: string; patterns?: Array<{ include: string }> }
const grammar = JSON.parse(readFileSync('syntaxes/pem.tmLanguage.json', 'utf8')) as { scopeName: string; repository: Record<string, Rule> };
const langConfig = JSON.parse(readFileSync('language-configuration.json', 'utf8')) as { folding: { markers: { start: string; end: string } } };
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { grammars: Array<{ language: string; scopeName: string; path: string }> } };

const re = (s: string): RegExp => new RegExp(s);

describe('pem grammar and language configuration', () => {
  it('is the grammar the manifest contributes for the pem language', () => {
    const g = manifest.contributes.grammars.find((x) => x.language === 'pem');
    assert.equal(g?.scopeName, grammar.scopeName);
    assert.equal(g?.path, './syntaxes/pem.tmLanguage.json');
  });

  it('matches BEGIN/END lines, Proc-Type headers, base64 and text outside blocks of real openssl output', async () => {
    const f = await fixture();
    // A legacy encrypted RSA key has RFC 1421 headers (Proc-Type, DEK-Info).
    const key = await openssl(['genrsa', '-aes128', '-traditional', '-passout', 'pass:x', '1024']);
    assert.match(key, /^Proc-Type: 4,ENCRYPTED$/m);
    const lines = (`# comment before\n${key}${f.pem(f.pki.server)}`).split('\n').filter(Boolean);
    const r = grammar.repository;
    const kind = (line: string): string => {
      if (re(r.block.begin!).test(line)) return 'begin';
      if (re(r.block.end!).test(line)) return 'end';
      if (re(r.header.match!).test(line)) return 'header';
      if (re(r.base64.match!).test(line)) return 'base64';
      return 'other';
    };
    const kinds = lines.map(kind);
    assert.equal(kinds[0], 'other');
    assert.equal(kinds.filter((k) => k === 'begin').length, 2);
    assert.equal(kinds.filter((k) => k === 'end').length, 2);
    assert.equal(kinds.filter((k) => k === 'header').length, 2, 'Proc-Type and DEK-Info are headers');
    assert.ok(kinds.filter((k) => k === 'base64').length > 10);
    const m = re(r.block.begin!).exec('-----BEGIN X509 CRL-----')!;
    assert.equal(m[3], 'X509 CRL', 'the label is captured');
    assert.ok(re(langConfig.folding.markers.start).test('  -----BEGIN CERTIFICATE-----'));
    assert.ok(re(langConfig.folding.markers.end).test('-----END CERTIFICATE-----'));
  });
});
