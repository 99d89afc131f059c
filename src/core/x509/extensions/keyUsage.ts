import { TAG, bitStringBytes } from '../../der/reader';
import { KEY_USAGES, OID } from '../../oids';
import { bitsToMask, maskNames, top, type ExtensionDescriptor } from './descriptor';

/** mask: bit i set = KeyUsage bit i (0 digitalSignature ... 5 keyCertSign, 6 cRLSign). */
export const keyUsage: ExtensionDescriptor<{ mask: number; names: string[] }> = {
  oid: OID.keyUsage, in: ['certificate'],
  decode(v) {
    const mask = bitsToMask(bitStringBytes(v, top(v, TAG.BIT_STRING)));
    return { mask, names: maskNames(mask, KEY_USAGES) };
  },
};
