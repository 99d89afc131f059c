// package.json `contributes` and the extension's code must agree: every contributed command is
// registered by the command table and vice versa, menus point at real commands, ids and categories
// follow the conventions, and every setting config.ts reads is declared.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandTable } from '../../src/extension/commands/table';

interface CommandContribution { command: string; title: string; category?: string }
interface Manifest {
  main: string;
  engines: { vscode: string };
  activationEvents?: string[];
  contributes: {
    commands: CommandContribution[];
    menus?: Record<string, Array<{ command: string; when?: string }>>;
    configuration?: { properties: Record<string, { markdownDescription?: string; description?: string; default?: unknown }> };
  };
  devDependencies: Record<string, string>;
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;
const contributed = manifest.contributes.commands.map((c) => c.command);
const registered = Object.keys(commandTable);

describe('extension manifest', () => {
  it('contributes exactly the commands the command table registers', () => {
    assert.deepEqual([...contributed].sort(), [...registered].sort());
  });

  it('registers commands only through the table (one wrapper catches, logs and shows errors)', () => {
    const files = (readdirSync('src/extension', { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts') && join('src/extension', f) !== join('src/extension', 'commands', 'registry.ts'));
    for (const f of files) {
      const source = readFileSync(join('src/extension', f), 'utf8');
      assert.doesNotMatch(source, /\bregister(TextEditor)?Command\s*\(/, `src/extension/${f} registers a command outside commands/table.ts`);
    }
  });

  it('contributes each command once', () => {
    assert.equal(new Set(contributed).size, contributed.length);
  });

  it('names commands certscope.<area>.<verb> and gives each the Certscope category', () => {
    for (const c of manifest.contributes.commands) {
      assert.match(c.command, /^certscope\.[a-z][A-Za-z0-9]*\.[a-z][A-Za-z0-9]*$/, c.command);
      assert.equal(c.category, 'Certscope', `${c.command} has no "Certscope" category`);
      assert.ok(c.title.trim().length > 0, `${c.command} has no title`);
    }
  });

  it('references only contributed commands in menus', () => {
    for (const [menu, entries] of Object.entries(manifest.contributes.menus ?? {})) {
      for (const e of entries) assert.ok(contributed.includes(e.command), `${menu} references unknown ${e.command}`);
    }
  });

  it('declares, with a description, every setting config.ts reads', () => {
    const source = readFileSync('src/extension/config.ts', 'utf8');
    const keys = [...source.matchAll(/\.get<[^>]+>\('([^']+)'/g)].map((m) => `certscope.${m[1]}`);
    assert.ok(keys.length > 0, 'found no settings in config.ts (did its shape change?)');
    const declared = manifest.contributes.configuration?.properties ?? {};
    for (const key of keys) {
      assert.ok(declared[key], `${key} is read in config.ts but not declared in package.json`);
      assert.ok(declared[key].markdownDescription ?? declared[key].description, `${key} has no description`);
    }
  });

  it('uses the same default in config.ts as package.json declares, for every setting', () => {
    // Both copies exist (VS Code shows the manifest's, code falls back to its own): they must agree.
    const source = readFileSync('src/extension/config.ts', 'utf8');
    const reads = [...source.matchAll(/\.get<[^>]+>\('([^']+)', (.+?)\),?$/gm)];
    assert.ok(reads.length > 20, `found only ${reads.length} settings with defaults in config.ts`);
    const declared = manifest.contributes.configuration?.properties ?? {};
    for (const [, key, literal] of reads) {
      const inCode: unknown = JSON.parse(literal!.replace(/'/g, '"'));
      assert.deepEqual(inCode, declared[`certscope.${key}`]?.default, `certscope.${key}: default in config.ts differs from package.json`);
    }
  });

  it('loads the bundled extension and supports the VS Code API version it is typed against', () => {
    assert.equal(manifest.main, './dist/extension.js');
    const engine = manifest.engines.vscode.replace(/^\^/, '');
    const types = manifest.devDependencies['@types/vscode']!.replace(/^\^/, '');
    const [eMaj, eMin] = engine.split('.').map(Number);
    const [tMaj, tMin] = types.split('.').map(Number);
    assert.ok(eMaj! > tMaj! || (eMaj === tMaj && eMin! >= tMin!), `engines.vscode ${engine} is older than @types/vscode ${types}`);
  });
});
