import { TAG } from '../../der/reader';
// The extensions whose value is a GeneralNames SEQUENCE.
import { extensionName } from '../../oids';
import { parseGeneralNames, type GeneralName } from '../generalName';
import { top, type ExtensionDescriptor, type ExtensionScope } from './descriptor';

export function generalNamesExtension(oid: string, scopes: readonly ExtensionScope[]): ExtensionDescriptor<GeneralName[]> {
  return { oid, name: extensionName(oid), in: scopes, decode: (v) => parseGeneralNames(v, top(v, TAG.SEQUENCE)) };
}
