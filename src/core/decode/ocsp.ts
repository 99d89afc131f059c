// OCSP requests and responses (RFC 6960) -> plain models.
import { OID } from '../oids';
import { children, integerHex, integerValue, octets, oidString, readTlv, TAG, timeValue, toHex, type Tlv } from '../der/reader';
import type { OcspCertId, OcspCertStatus, OcspRequestModel, OcspResponseModel, OcspResponseStatus, OcspSingleResponse } from '../model';
import { HASH_ALGORITHMS } from '../oids';
import { decodeCertificate } from './certificate';
import { reasonName } from '../oids';
import { decoding, DecodeFailure } from './errors';
import { extensionOctets, readExtensions } from '../x509/extension';
import { decodeGeneralName } from '../x509/generalName';
import { decodeName } from '../x509/name';
import { algorithmIdentifier } from './signature';

const RESPONSE_STATUS: Record<number, OcspResponseStatus> = {
  0: 'successful', 1: 'malformedRequest', 2: 'internalError', 3: 'tryLater', 5: 'sigRequired', 6: 'unauthorized',
};
const NONCE = OID.ocspNonce;
const BASIC = OID.ocspBasic;

function certId(der: Uint8Array, t: Tlv): OcspCertId {
  const [alg, nameHash, keyHash, serial] = children(der, t);
  if (!alg || !nameHash || !keyHash || !serial || serial.tag !== TAG.INTEGER) throw new DecodeFailure('CertID is incomplete');
  const oid = oidString(der, readTlv(der, alg.start, alg.end));
  return {
    hashAlgorithm: HASH_ALGORITHMS[oid] ?? oid,
    issuerNameHashHex: toHex(der, nameHash.start, nameHash.end),
    issuerKeyHashHex: toHex(der, keyHash.start, keyHash.end),
    serialHex: integerHex(der, serial),
  };
}

/** The nonce value: RFC 8954 wraps it in an OCTET STRING inside extnValue (as openssl does). */
function nonceFrom(der: Uint8Array, extsExplicit: Tlv): string | undefined {
  const seq = readTlv(der, extsExplicit.start, extsExplicit.end);
  const n = readExtensions(der, seq).find((e) => e.oid === NONCE);
  if (!n) return undefined;
  try {
    return toHex(extensionOctets(n.value));
  } catch {
    return toHex(n.value);
  }
}

export function decodeOcspRequest(input: Uint8Array): OcspRequestModel {
  return decoding('OCSP request', () => {
    const top = readTlv(input, 0);
    const der = input.subarray(0, top.next);
    const [tbs, sig] = children(der, top);
    if (!tbs || tbs.tag !== TAG.SEQUENCE) throw new DecodeFailure('not an OCSP request: expected tbsRequest');
    const model: OcspRequestModel = { kind: 'ocspRequest', certIds: [], signed: sig?.tag === 0xa0, der };
    for (const f of children(der, tbs)) {
      if (f.tag === 0xa1) model.requestorName = decodeGeneralName(der, readTlv(der, f.start, f.end));
      else if (f.tag === TAG.SEQUENCE) model.certIds = children(der, f).map((req) => certId(der, readTlv(der, req.start, req.end)));
      else if (f.tag === 0xa2) model.nonceHex = nonceFrom(der, f);
    }
    if (model.nonceHex === undefined) delete model.nonceHex;
    return model;
  });
}

function certStatus(der: Uint8Array, t: Tlv): OcspCertStatus {
  if (t.tag === 0x80) return { status: 'good' };
  if (t.tag === 0x82) return { status: 'unknown' };
  if (t.tag === 0xa1) {
    const [time, reason] = children(der, t);
    const out: OcspCertStatus = { status: 'revoked', revocationTime: timeValue(der, time) };
    if (reason?.tag === 0xa0) {
      const r = reasonName(integerValue(der, readTlv(der, reason.start, reason.end)));
      if (r) out.reason = r;
    }
    return out;
  }
  throw new DecodeFailure(`unknown certStatus tag 0x${t.tag.toString(16)}`);
}

function singleResponse(der: Uint8Array, t: Tlv): OcspSingleResponse {
  const f = children(der, t);
  const out: OcspSingleResponse = { certId: certId(der, f[0]), certStatus: certStatus(der, f[1]), thisUpdate: timeValue(der, f[2]) };
  for (const x of f.slice(3)) if (x.tag === 0xa0) out.nextUpdate = timeValue(der, readTlv(der, x.start, x.end));
  return out;
}

/** A BasicOCSPResponse as signed: tbsResponseData, signatureAlgorithm, signature, certs [0] (tags unchecked). */
export interface BasicResponseParts {
  basicDer: Uint8Array;
  tbs: Tlv;
  sigAlg: Tlv;
  sigValue: Tlv;
  certs?: Tlv;
}

/**
 * The one walk from an OCSPResponse to its BasicOCSPResponse, for the decoder and the signature
 * check (ocsp/client.ts). Undefined when the response has no responseBytes.
 */
export function splitBasicResponse(der: Uint8Array): BasicResponseParts | undefined {
  const [, bytesT] = children(der, readTlv(der, 0));
  if (!bytesT) return undefined;
  const [typeT, respT] = children(der, readTlv(der, bytesT.start, bytesT.end));
  const type = oidString(der, typeT);
  if (type !== BASIC) throw new DecodeFailure(`unsupported OCSP response type ${type}`);
  const basicDer = octets(der, respT);
  const [tbs, sigAlg, sigValue, certs] = children(basicDer, readTlv(basicDer, 0));
  return { basicDer, tbs, sigAlg, sigValue, certs };
}

export function decodeOcspResponse(input: Uint8Array): OcspResponseModel {
  return decoding('OCSP response', () => {
    const top = readTlv(input, 0);
    if (top.tag !== TAG.SEQUENCE) throw new DecodeFailure('not an OCSP response: expected SEQUENCE at byte 0');
    const der = input.subarray(0, top.next);
    const [statusT, bytesT] = children(der, top);
    if (!statusT || statusT.tag !== TAG.ENUMERATED) throw new DecodeFailure('not an OCSP response: expected responseStatus ENUMERATED');
    const code = integerValue(der, statusT);
    const responseStatus = RESPONSE_STATUS[code];
    if (!responseStatus) throw new DecodeFailure(`unknown OCSP responseStatus ${code}`);
    const model: OcspResponseModel = { kind: 'ocspResponse', responseStatus, der };
    const parts = bytesT && splitBasicResponse(der);
    if (!parts) return model;
    const { basicDer, tbs, sigAlg, certs: certsT } = parts;
    const fields = children(basicDer, tbs);
    let i = 0;
    if (fields[i]?.tag === 0xa0) i++;
    const rid = fields[i++];
    const responderId: { byName?: import('../model').DistinguishedName; byKeyHashHex?: string } = {};
    if (rid.tag === 0xa1) responderId.byName = decodeName(basicDer, readTlv(basicDer, rid.start, rid.end));
    else if (rid.tag === 0xa2) {
      const kh = readTlv(basicDer, rid.start, rid.end);
      responderId.byKeyHashHex = toHex(basicDer, kh.start, kh.end);
    } else throw new DecodeFailure('OCSP response: bad responderID');
    const producedAt = timeValue(basicDer, fields[i++]);
    const responses = children(basicDer, fields[i++]).map((s) => singleResponse(basicDer, s));
    let nonceHex: string | undefined;
    for (; i < fields.length; i++) if (fields[i].tag === 0xa1) nonceHex = nonceFrom(basicDer, fields[i]);
    const certificates = certsT?.tag === 0xa0
      ? children(basicDer, readTlv(basicDer, certsT.start, certsT.end)).map((c) => decodeCertificate(basicDer.subarray(c.offset, c.next)))
      : [];
    model.basic = { responderId, producedAt, responses, signatureAlgorithm: algorithmIdentifier(basicDer, sigAlg), certificates };
    if (nonceHex !== undefined) model.basic.nonceHex = nonceHex;
    return model;
  });
}
