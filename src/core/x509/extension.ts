// The Extensions SEQUENCE of certificates, CRLs, CRL entries, CSRs and OCSP messages, split into
// raw entries (decoding a value is the registry's job: extensions/registry.ts).
import { booleanValue, children, oidString, readTlv, TAG, type Tlv } from '../der/reader';

export interface RawExtension {
  oid: string;
  critical: boolean;
  /** extnValue OCTET STRING contents. */
  value: Uint8Array;
}

export function readExtensions(buf: Uint8Array, seq: Tlv): RawExtension[] {
  return children(buf, seq).map((ext) => {
    const parts = children(buf, ext);
    const oid = oidString(buf, parts[0]);
    let i = 1;
    let critical = false;
    if (parts[i]?.tag === TAG.BOOLEAN) critical = booleanValue(buf, parts[i++]);
    const v = parts[i];
    if (!v || v.tag !== TAG.OCTET_STRING) throw new Error(`extension ${oid}: missing extnValue`);
    return { oid, critical, value: buf.subarray(v.start, v.end) };
  });
}

/** An extension value that is itself an OCTET STRING (the OCSP nonce): its contents. */
export function extensionOctets(v: Uint8Array): Uint8Array {
  const t = readTlv(v, 0);
  return t.tag === TAG.OCTET_STRING ? v.subarray(t.start, t.end) : v;
}
