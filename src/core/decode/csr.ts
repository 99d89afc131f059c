// PKCS#10 certificate signing requests -> CsrModel, with the self-signature checked.
import { bitStringBytes, children, integerValue, oidString, raw, readTlv, TAG } from '../der/reader';
import type { CsrModel } from '../model';
import { decoding, DecodeFailure } from './errors';
import { readExtensions, type RawExtension } from '../x509/extension';
import { decodeName } from '../x509/name';
import { decodeExtensionsFromRaw } from './extensions';
import { algorithmIdentifier, spkiKey, verifySignature } from './signature';
import { decodeSpki } from './spki';

const EXTENSION_REQUEST = '1.2.840.113549.1.9.14';

export function decodeCsr(input: Uint8Array): CsrModel {
  return decoding('certificate request', () => {
    const top = readTlv(input, 0);
    if (top.tag !== TAG.SEQUENCE) throw new DecodeFailure('not a certificate request: expected SEQUENCE at byte 0');
    const der = input.subarray(0, top.next);
    const [info, sigAlg, sig] = children(der, top);
    if (!info || !sigAlg || !sig || sig.tag !== TAG.BIT_STRING) throw new DecodeFailure('not a certificate request: expected info, algorithm and signature');
    const [versionT, subjectT, spkiT, attrsT] = children(der, info);
    if (!versionT || versionT.tag !== TAG.INTEGER || !subjectT || !spkiT) throw new DecodeFailure('not a certificate request: incomplete CertificationRequestInfo');
    let raws: RawExtension[] = [];
    if (attrsT?.tag === 0xa0) {
      for (const attr of children(der, attrsT)) {
        const [oidT, values] = children(der, attr);
        if (oidString(der, oidT) === EXTENSION_REQUEST && values) raws = readExtensions(der, readTlv(der, values.start, values.end));
      }
    }
    const signatureAlgorithm = algorithmIdentifier(der, sigAlg);
    let signatureValid: boolean;
    try {
      signatureValid = verifySignature(signatureAlgorithm.oid, raw(der, info), bitStringBytes(der, sig), spkiKey(raw(der, spkiT))) === true;
    } catch {
      signatureValid = false;
    }
    return {
      kind: 'csr', version: integerValue(der, versionT) + 1, subject: decodeName(der, subjectT), publicKey: decodeSpki(der, spkiT),
      signatureAlgorithm, requestedExtensions: decodeExtensionsFromRaw(raws), signatureValid, der,
    };
  });
}
