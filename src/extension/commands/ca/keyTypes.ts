// The key types the CA offers, with the words the QuickPick shows.
import type * as vscode from 'vscode';
import { KEY_SPECS, type KeySpec } from '../../../core/ca';
import { UserError } from '../../errors';
import { askPick, type Args } from './args';

const DESCRIPTIONS: Record<KeySpec, string> = {
  p256: 'ECDSA P-256: fast, supported by every TLS stack (recommended)',
  p384: 'ECDSA P-384',
  ed25519: 'Ed25519: not supported by many MQTT clients yet',
  rsa2048: 'RSA 2048',
  rsa3072: 'RSA 3072',
  rsa4096: 'RSA 4096: key generation takes a few seconds',
};

export async function keySpecFrom(a: Args, title: string): Promise<KeySpec> {
  const given = a.key;
  if (given !== undefined) {
    if (typeof given === 'string' && (KEY_SPECS as readonly string[]).includes(given)) return given as KeySpec;
    throw new UserError(`unknown key type ${JSON.stringify(given)} (${KEY_SPECS.join(', ')})`);
  }
  const items: Array<vscode.QuickPickItem & { spec: KeySpec }> = KEY_SPECS.map((spec) => ({ label: spec, description: DESCRIPTIONS[spec], spec }));
  const order: KeySpec[] = ['p256', 'p384', 'rsa2048', 'rsa3072', 'rsa4096', 'ed25519'];
  items.sort((x, y) => order.indexOf(x.spec) - order.indexOf(y.spec));
  return (await askPick(items, { title, placeHolder: 'Key type' })).spec;
}
