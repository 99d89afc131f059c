import { TAG, children } from '../../der/reader';
import { OID } from '../../oids';
import { readDistributionPointName, reasonMask, type DistributionPointName } from './distributionPoints';
import { top, type ExtensionDescriptor } from './descriptor';

export interface IssuingDistributionPoint extends DistributionPointName {
  onlyUser: boolean;
  onlyCA: boolean;
  onlyAttr: boolean;
  /** ReasonFlags mask; undefined = all reasons. */
  onlySomeReasons?: number;
  indirect: boolean;
}

export const issuingDistributionPoint: ExtensionDescriptor<IssuingDistributionPoint> = {
  oid: OID.issuingDistributionPoint, in: ['crl'],
  decode(v) {
    const out: IssuingDistributionPoint = { onlyUser: false, onlyCA: false, onlyAttr: false, indirect: false };
    for (const part of children(v, top(v, TAG.SEQUENCE))) {
      const flag = part.end > part.start && v[part.start] !== 0;
      if (part.tag === 0xa0) readDistributionPointName(v, part, out);
      else if (part.tag === 0x81) out.onlyUser = flag;
      else if (part.tag === 0x82) out.onlyCA = flag;
      else if (part.tag === 0x83) out.onlySomeReasons = reasonMask(v, part);
      else if (part.tag === 0x84) out.indirect = flag;
      else if (part.tag === 0x85) out.onlyAttr = flag;
    }
    return out;
  },
};
