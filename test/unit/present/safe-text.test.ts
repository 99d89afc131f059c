// The one place hostile text is made safe for terminals/logs (forTerminal) and markdown (forMarkdown).
import assert from 'node:assert/strict';
import { forIconLabel, forMarkdown, forNotification, forTerminal, forTerminalText, hasUnsafeText, jsonForTerminal } from '../../../src/core/present/safeText';

describe('forTerminal', () => {
  it('turns C0, DEL, C1 (0x9b CSI) and bidi controls into visible escapes', () => {
    assert.equal(forTerminal('a\x1b[31mb'), 'a\\x1b[31mb');
    assert.equal(forTerminal('x\x9b2Jy'), 'x\\x9b2Jy');
    assert.equal(forTerminal('\x00\x07\x7f\x85'), '\\x00\\x07\\x7f\\x85');
    assert.equal(forTerminal('line\nforged\r\tz'), 'line\\nforged\\r\\tz');
    assert.equal(forTerminal('\u202eevil\u202a\u202b\u202c\u202d'), '\\u202eevil\\u202a\\u202b\\u202c\\u202d');
    assert.equal(forTerminal('\u2066\u2067\u2068\u2069\u200e\u200f\u061c'), '\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c');
    assert.equal(forTerminal('a\u2028b\u2029'), 'a\\u2028b\\u2029');
  });

  it('leaves ordinary text, non-Latin letters and emoji unchanged', () => {
    for (const s of ['CN=broker,O=Acme', 'Müller Straße', '東京', 'مرحبا', 'ok 😀', 'C:\\path\\x']) assert.equal(forTerminal(s), s);
    assert.equal(hasUnsafeText('Müller'), false);
    assert.equal(hasUnsafeText('a\x1bb'), true);
    assert.equal(hasUnsafeText('a\x1bb'), true, 'no lastIndex state between calls');
  });
});

describe('forMarkdown', () => {
  it('escapes every ASCII punctuation character so nothing becomes markup', () => {
    assert.equal(forMarkdown('[link](x)'), '\\[link\\]\\(x\\)');
    assert.equal(forMarkdown('<img src=x>'), '\\<img src\\=x\\>');
    assert.equal(forMarkdown('a|b'), 'a\\|b');
    assert.equal(forMarkdown('`code` *em* _u_ ~s~ #h $(icon)'), '\\`code\\` \\*em\\* \\_u\\_ \\~s\\~ \\#h \\$\\(icon\\)');
  });

  it('breaks bare-URL and e-mail autolinks', () => {
    assert.equal(forMarkdown('http://evil'), 'http\\:\\/\\/evil');
    assert.equal(forMarkdown('www.x.com'), 'www\\.x\\.com');
    assert.equal(forMarkdown('a@b.c'), 'a\\@b\\.c');
    assert.doesNotMatch(forMarkdown('see https://x.y/z and www.q.r'), /https?:\/\/|www\./);
  });

  it('never emits a line break or raw control: the escape itself is shown literally', () => {
    assert.equal(forMarkdown('a\nb'), 'a\\\\nb');
    assert.equal(forMarkdown('\x1b[2J\u202e'), '\\\\x1b\\[2J\\\\u202e');
    assert.doesNotMatch(forMarkdown('x\r\n| y |\n'), /[\r\n]/);
  });
});

describe('forTerminalText and jsonForTerminal', () => {
  it('forTerminalText keeps the meant line feeds and escapes the rest', () => {
    assert.equal(forTerminalText('a\x1b[2J\nb\r\u202e'), 'a\\x1b[2J\nb\\r\\u202e');
  });

  it('jsonForTerminal escapes what JSON.stringify leaves raw, and the JSON parses to the same value', () => {
    const value = { s: 'a\x1b\x7f\u009b\u202e\u2066\u2028\n', n: [1] };
    const json = jsonForTerminal(JSON.stringify(value, null, 2));
    assert.equal(json, '{\n  "s": "a\\u001b\\u007f\\u009b\\u202e\\u2066\\u2028\\n",\n  "n": [\n    1\n  ]\n}');
    assert.deepEqual(JSON.parse(json), value);
  });
});

describe('forNotification', () => {
  // VS Code's notification link syntax (vs/base/common/linkedText.ts).
  const LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;

  it('a certificate name cannot become a command or web link in a notification', () => {
    const name = 'CN=[Open settings](command:workbench.action.openSettings) [x](https://evil/a) \u202e';
    assert.ok(LINK.test(name), 'the raw name would be a link');
    LINK.lastIndex = 0;
    const shown = forNotification(name);
    assert.equal(shown, 'CN=[Open settings] (command:workbench.action.openSettings) [x] (https://evil/a) \\u202e');
    assert.equal(LINK.test(shown), false);
  });
});

describe('forIconLabel', () => {
  it('escapes "$(" as VS Code\'s escapeIcons does, so a name renders no icon in a CodeLens', () => {
    assert.equal(forIconLabel('CN=$(pass) trusted $(alert~spin)\x1b'), 'CN=\\$(pass) trusted \\$(alert~spin)\\x1b');
    assert.equal(forIconLabel('cost $5 (net)'), 'cost $5 (net)');
  });
});
