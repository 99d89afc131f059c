// Folder arithmetic for the workspace watcher: a deleted folder takes exactly its files, and a
// created tree is searched once from its outermost folder.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { keysUnder, outermost } from '../../../src/core/workspace/folders';

const root = join('/', 'ws');
const p = (...parts: string[]): string => join(root, ...parts);

describe('workspace folders', () => {
  it('keysUnder: the files inside a folder at any depth, not its namesakes beside it', () => {
    const keys = [p('fleet', 'ca', 'root.pem'), p('fleet', 'site-000', 'device-0.pem'), p('fleet-old', 'a.pem'), p('fleet.pem'), p('other', 'fleet', 'x.pem')];
    assert.deepEqual(keysUnder(keys, [p('fleet')]), [p('fleet', 'ca', 'root.pem'), p('fleet', 'site-000', 'device-0.pem')]);
    assert.deepEqual(keysUnder(keys, [p('fleet', 'ca'), p('other')]), [p('fleet', 'ca', 'root.pem'), p('other', 'fleet', 'x.pem')]);
    assert.deepEqual(keysUnder(keys, []), []);
    // A file key is not "under" itself (a deleted file is the include watcher's event).
    assert.deepEqual(keysUnder(keys, [p('fleet.pem')]), []);
  });

  it('outermost: a mkdir -p tree is one folder; siblings and namesakes stay', () => {
    assert.deepEqual(outermost([p('fleet', 'ca'), p('fleet'), p('fleet', 'site-000'), p('fleet-old'), p('fleet')]), [p('fleet'), p('fleet-old')]);
    assert.deepEqual(outermost([]), []);
  });

  it('Windows keys (backslash separators) work the same way', () => {
    const keys = ['C:\\ws\\fleet\\ca\\root.pem', 'C:\\ws\\fleet-old\\a.pem'];
    assert.deepEqual(keysUnder(keys, ['C:\\ws\\fleet'], '\\'), ['C:\\ws\\fleet\\ca\\root.pem']);
    assert.deepEqual(outermost(['C:\\ws\\fleet\\ca', 'C:\\ws\\fleet'], '\\'), ['C:\\ws\\fleet']);
  });
});
