// CRLs -> CrlModel, from the one CRL splitter and entry scanner (x509/crl.ts): 100k+ entries in a
// fraction of a second, where pkijs refuses them or takes half a minute (DESIGN.md §3 item 9).
// Entries are indexed by normalized serial for O(1) revocation lookups.
import type { CrlEntry, CrlModel } from '../model';
import { reasonName } from '../oids';
import { scanEntries, splitCrl } from '../x509/crl';
import { DecodedExtensions, EXT } from '../x509/extensions/registry';
import { decodeName } from '../x509/name';
import { decoding } from './errors';
import { dpNamesModel, extensionEntries, namesModel, reasonFlagNames, uris } from './extensions';
import { algorithmIdentifier } from './signature';

export function decodeCrl(input: Uint8Array): CrlModel {
  return decoding('CRL', () => {
    const p = splitCrl(input);
    const der = p.der;
    const ext = new DecodedExtensions(p.extensions);
    const model: CrlModel = {
      kind: 'crl', version: p.version, issuer: decodeName(der, p.issuer), signatureAlgorithm: algorithmIdentifier(der, p.sigAlg),
      thisUpdate: p.thisUpdate, extensions: extensionEntries(ext), entryCount: 0, entries: [], bySerial: new Map(), der,
    };
    if (p.nextUpdate) model.nextUpdate = p.nextUpdate;
    const number = ext.get(EXT.crlNumber);
    if (number !== undefined) model.crlNumber = number;
    const base = ext.get(EXT.deltaCrlIndicator);
    if (base !== undefined) model.deltaCrlIndicator = base;
    const aki = ext.get(EXT.authorityKeyIdentifier);
    if (aki) model.authorityKeyIdHex = aki.keyIdHex;
    const idp = ext.get(EXT.issuingDistributionPoint);
    if (idp) {
      const names = dpNamesModel(idp);
      model.issuingDistributionPoint = {
        urls: uris(names), names, onlyUser: idp.onlyUser, onlyCA: idp.onlyCA, onlyAttribute: idp.onlyAttr, indirect: idp.indirect,
        ...(idp.onlySomeReasons !== undefined ? { onlySomeReasons: reasonFlagNames(idp.onlySomeReasons) } : {}),
      };
    }
    const entries: CrlEntry[] = [];
    const bySerial = new Map<string, CrlEntry>();
    if (p.entries) {
      scanEntries(der, p.entries, (serialHex, revocationDate, e) => {
        const entry: CrlEntry = { serialHex, revocationDate };
        if (e) {
          if (e.reason !== undefined) entry.reason = reasonName(e.reason);
          if (e.invalidityDate) entry.invalidityDate = e.invalidityDate;
          if (e.certificateIssuer) entry.certificateIssuer = namesModel(e.certificateIssuer);
        }
        entries.push(entry);
        bySerial.set(serialHex, entry);
      });
    }
    model.entries = entries;
    model.bySerial = bySerial;
    model.entryCount = entries.length;
    return model;
  });
}
