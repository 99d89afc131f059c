import { TAG, integerValue } from '../../der/reader';
import { OID } from '../../oids';
import { top, type ExtensionDescriptor } from './descriptor';

/** SkipCerts. */
export const inhibitAnyPolicy: ExtensionDescriptor<number> = {
  oid: OID.inhibitAnyPolicy, in: ['certificate'],
  decode: (v) => integerValue(v, top(v, TAG.INTEGER)),
};
