import { OID } from '../../oids';
import { distributionPointsExtension } from './distributionPoints';

export const crlDistributionPoints = distributionPointsExtension(OID.crlDistributionPoints, ['certificate']);
