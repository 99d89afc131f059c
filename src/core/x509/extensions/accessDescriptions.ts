// authorityInfoAccess and subjectInfoAccess: SEQUENCE OF AccessDescription (RFC 5280 §4.2.2).
import { TAG, children, oidString } from '../../der/reader';
import { parseGeneralName, type GeneralName } from '../generalName';
import { top, type ExtensionDescriptor, type ExtensionScope } from './descriptor';

export interface AccessDescription { method: string; location: GeneralName }

export function accessExtension(oid: string, scopes: readonly ExtensionScope[]): ExtensionDescriptor<AccessDescription[]> {
  return {
    oid, in: scopes,
    decode: (v) => children(v, top(v, TAG.SEQUENCE)).map((ad) => {
      const [m, loc] = children(v, ad);
      if (!m || !loc) throw new Error('AccessDescription needs a method and a location');
      return { method: oidString(v, m), location: parseGeneralName(v, loc) };
    }),
  };
}

/**
 * The URIs of one access method, in order. Locations that are not URIs (a directory name, an
 * email address) are skipped: nothing can be fetched from them, and `openssl x509 -ocsp_uri`
 * lists only URIs too (test/interop/decode/parser-agreement.test.ts).
 */
export function accessUris(list: AccessDescription[], method: string): string[] {
  const out: string[] = [];
  for (const ad of list) if (ad.method === method && ad.location.type === 'uri') out.push(ad.location.value);
  return out;
}
