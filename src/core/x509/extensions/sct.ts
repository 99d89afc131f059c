import { TAG, toHex } from '../../der/reader';
import { OID } from '../../oids';
import { top, type ExtensionDescriptor } from './descriptor';

/** Signed Certificate Timestamp list (RFC 6962 §3.3): a TLS-encoded list inside an OCTET STRING. */
export const sct: ExtensionDescriptor<{ count: number; logIdsHex: string[] }> = {
  oid: OID.signedCertificateTimestampList, in: ['certificate'],
  decode(v) {
    const os = top(v, TAG.OCTET_STRING);
    const b = v.subarray(os.start, os.end);
    if (b.length < 2) throw new Error('SCT list too short');
    const total = (b[0] << 8) | b[1];
    if (total + 2 > b.length) throw new Error('SCT list length exceeds the data');
    const logIdsHex: string[] = [];
    let p = 2;
    while (p < 2 + total) {
      if (p + 2 > b.length) throw new Error('truncated SCT');
      const len = (b[p] << 8) | b[p + 1];
      const one = b.subarray(p + 2, p + 2 + len);
      if (one.length !== len || len < 33) throw new Error('truncated SCT');
      logIdsHex.push(toHex(one, 1, 33)); // version (1 byte), then the 32-byte log id
      p += 2 + len;
    }
    return { count: logIdsHex.length, logIdsHex };
  },
};
