// The extensions whose value is a GeneralNames SEQUENCE.
import { TAG } from '../../der/reader';
import { parseGeneralNames, type GeneralName } from '../generalName';
import { top, type ExtensionDescriptor, type ExtensionScope } from './descriptor';

export function generalNamesExtension(oid: string, scopes: readonly ExtensionScope[]): ExtensionDescriptor<GeneralName[]> {
  return { oid, in: scopes, decode: (v) => parseGeneralNames(v, top(v, TAG.SEQUENCE)) };
}
