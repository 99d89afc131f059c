// One PKI per test process, shared by every stack suite in it (openssl makes it in about a second
// unloaded, several under load); its folder is removed when the process exits.
import { rmSync } from 'node:fs';
import { makeTempDir } from '../../support/tmp';
import { makeStacksPki, type StacksPki } from './pki';

let made: Promise<StacksPki> | undefined;

export function sharedPki(): Promise<StacksPki> {
  if (!made) {
    const tmp = makeTempDir('certscope-stacks-pki-');
    process.on('exit', () => rmSync(tmp.dir, { recursive: true, force: true }));
    made = makeStacksPki(tmp.dir);
  }
  return made;
}
