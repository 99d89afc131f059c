// Reads a PKCS#10 certificate request for `issue --csr`: the subject (kept byte-for-byte) and the
// public key, after checking the request's self-signature (proof of possession).
import { createPublicKey, type KeyObject } from 'node:crypto';
import { children, expect, raw, readTlv, bitStringBytes, oidString, TAG } from '../der/reader';
import { checkSignature } from '../verify/signature';
import { dnToOpensslOneline } from './names';

export interface CsrInfo {
  subjectDer: Uint8Array;
  /** openssl-style, e.g. /CN=device-1. */
  subject: string;
  publicKey: KeyObject;
}

class CsrError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsrError';
  }
}

export function readCsr(input: string | Uint8Array): CsrInfo {
  let der: Uint8Array;
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
  const m = /-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----([\s\S]*?)-----END (?:NEW )?CERTIFICATE REQUEST-----/.exec(text);
  if (m) der = Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
  else if (typeof input !== 'string' && input[0] === 0x30) der = input;
  else throw new CsrError('no certificate request found (expected PEM "CERTIFICATE REQUEST" or DER)');
  try {
    const top = expect(der, 0, der.length, TAG.SEQUENCE, 'CertificationRequest');
    const [infoT, algT, sigT] = children(der, top);
    const [, subjectT, spkiT] = children(der, infoT);
    const [algOid, params] = children(der, algT);
    const sig = checkSignature(raw(der, infoT), { oid: oidString(der, algOid), params: params ? raw(der, params) : undefined }, bitStringBytes(der, sigT), raw(der, spkiT));
    if (!sig.ok) throw new CsrError(`the request's signature does not verify (${sig.reason})`);
    const subjectDer = raw(der, subjectT);
    readTlv(subjectDer, 0);
    return {
      subjectDer,
      subject: dnToOpensslOneline(subjectDer),
      publicKey: createPublicKey({ key: Buffer.from(raw(der, spkiT)), format: 'der', type: 'spki' }),
    };
  } catch (e) {
    if (e instanceof CsrError) throw e;
    throw new CsrError(`not a valid certificate request: ${(e as Error).message}`);
  }
}
