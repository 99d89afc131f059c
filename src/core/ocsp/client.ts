// OCSP client: build a request for (certificate, issuer), fetch it over HTTP with a timeout and a
// size limit, and verify the answer (signature by the CA or its delegated responder, CertID,
// freshness, nonce). Results are plain data; nothing here throws on a bad response.
import { colonSerial, serialKey } from '../serial';
import { randomBytes, verify as cryptoVerify } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { OcspCertId, OcspResponseModel, OcspResponseStatus, RevocationReason } from '../model';
import {
  bytesEqual, certFacts, completeDer, digest, HASH_BY_OID, OID, OID_BY_HASH,
  serialInteger, SIG_HASH_BY_OID, type CertFacts,
} from './asn1';
import { bitStringBytes, raw, readTlv, TAG, toHex } from '../der/reader';
import { explicit, nullValue, octetString, oid, seq } from '../der/writer';
import { decodeOcspResponse, splitBasicResponse } from '../decode/ocsp';
import { formatDate } from '../dates';
import { formatDuration } from '../duration';

export type CertInput = string | Uint8Array;

export interface BuiltOcspRequest {
  der: Uint8Array;
  /** The nonce extension value sent (DER of the Nonce OCTET STRING), when one was sent. */
  nonce?: Uint8Array;
  serialHex: string;
}

/**
 * An OCSP request for one certificate. `nonce: true` adds a fresh 16-byte nonce (RFC 8954);
 * hashAlgorithm is the CertID hash (SHA-1 is what responders universally support, RFC 5019).
 */
export function buildOcspRequest(cert: CertInput, issuer: CertInput, options: { nonce?: boolean; hashAlgorithm?: 'sha1' | 'sha256' } = {}): BuiltOcspRequest {
  const c = certFacts(cert);
  const i = certFacts(issuer);
  const hash = options.hashAlgorithm ?? 'sha1';
  const certID = seq(
    seq(oid(OID_BY_HASH[hash]), nullValue()),
    octetString(digest(hash, i.subjectNameDer)),
    octetString(digest(hash, i.publicKeyBits)),
    serialInteger(c.serialHex),
  );
  // The Nonce is an OCTET STRING inside extnValue (RFC 8954 §2.1), as openssl sends it.
  const nonce = options.nonce ? new Uint8Array(octetString(randomBytes(16))) : undefined;
  // OCSPRequest { TBSRequest { requestList { Request { reqCert } }, requestExtensions [2] } }.
  const tbs = seq(
    seq(seq(certID)),
    ...(nonce ? [explicit(2, seq(seq(oid(OID.ocspNonce), octetString(nonce))))] : []),
  );
  return { der: new Uint8Array(seq(tbs)), nonce, serialHex: c.serialHex };
}

export class OcspFetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OcspFetchError';
  }
}

export interface FetchOptions {
  /** Whole exchange, connect to last byte. Default 15 s (EMQX ocsp_refresh_http_timeout). */
  timeoutMs?: number;
  /** Largest accepted response body. Default 256 KiB. */
  maxBytes?: number;
  /** POST (default) or GET with the URL-encoded base64 request in the path (RFC 5019). */
  method?: 'POST' | 'GET';
  signal?: AbortSignal;
}

/**
 * Sends the request and returns the body once it is known to be an OCSPResponse. Throws
 * OcspFetchError for transport problems, HTTP errors, oversized or non-OCSP bodies (error pages).
 */
export function fetchOcspResponse(url: string, requestDer: Uint8Array, options: FetchOptions = {}): Promise<Uint8Array> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxBytes = options.maxBytes ?? 256 * 1024;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.reject(new OcspFetchError(`not a URL: ${url}`));
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return Promise.reject(new OcspFetchError(`unsupported OCSP URL scheme ${target.protocol} (use http:)`));
  const get = options.method === 'GET';
  if (get) {
    const base = target.pathname.endsWith('/') ? target.pathname : target.pathname + '/';
    target.pathname = base + encodeURIComponent(Buffer.from(requestDer).toString('base64'));
  }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (msg: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(new OcspFetchError(`${url}: ${msg}`));
    };
    const req = send(target, {
      method: get ? 'GET' : 'POST',
      headers: get ? { Accept: 'application/ocsp-response' } : {
        'Content-Type': 'application/ocsp-request', 'Content-Length': requestDer.byteLength, Accept: 'application/ocsp-response',
      },
      ...(options.signal ? { signal: options.signal } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) return fail(`response larger than ${maxBytes} bytes`);
        chunks.push(c);
      });
      res.on('error', (e) => fail(e.message));
      res.on('end', () => {
        if (settled) return;
        const body = new Uint8Array(Buffer.concat(chunks));
        const type = String(res.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
        if (res.statusCode !== 200) return fail(`HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim() + (type ? ` (${type})` : ''));
        if (type && type !== 'application/ocsp-response') return fail(`Content-Type is ${type}, not application/ocsp-response`);
        const problem = notAnOcspResponse(body);
        if (problem) return fail(problem);
        settled = true;
        clearTimeout(timer);
        resolve(body);
      });
    });
    const timer = setTimeout(() => fail(`no complete answer within ${formatDuration(timeoutMs)}`), timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => fail(e.code ? `${e.code} ${e.message}` : e.message));
    if (!get) req.write(requestDer);
    req.end();
  });
}

/**
 * Undefined when the bytes have the shape of an OCSPResponse (one complete SEQUENCE starting with
 * the responseStatus ENUMERATED), else why not. Only a sniff against error pages: the full parse
 * is verifyOcspResponse's, once per response.
 */
function notAnOcspResponse(body: Uint8Array): string | undefined {
  if (body.byteLength === 0) return 'empty body';
  try {
    const top = completeDer(body, 'OCSP response');
    const status = top.tag === TAG.SEQUENCE && top.start < top.end ? readTlv(body, top.start, top.end) : undefined;
    if (status?.tag !== TAG.ENUMERATED) throw new Error('expected a SEQUENCE starting with responseStatus ENUMERATED');
    return undefined;
  } catch (err) {
    return `body is not an OCSP response (${(err as Error).message})`;
  }
}

export interface VerifyOptions {
  /** The certificate asked about, and its issuer (the CA). */
  cert: CertInput;
  issuer: CertInput;
  /** The nonce sent (BuiltOcspRequest.nonce): the response must echo it. */
  nonce?: Uint8Array;
  now?: Date;
  /** Tolerance for a thisUpdate slightly in the future (clock skew). Default 300 s. */
  skewSeconds?: number;
  /** When the response has no nextUpdate: reject it when thisUpdate is older than this. */
  maxAgeSeconds?: number;
}

export interface OcspCheckResult {
  /** True only when the response is authentic, about this certificate, fresh, and echoes the nonce. */
  valid: boolean;
  /** The responder's status, or 'notOcsp' when the bytes are no OCSP response at all. */
  responseStatus: OcspResponseStatus | 'notOcsp';
  /** The certificate's status; 'error' unless `valid` (see `claimedStatus` for what was said). */
  status: 'good' | 'revoked' | 'unknown' | 'error';
  /** What the response said about the certificate, even when it failed verification. */
  claimedStatus?: 'good' | 'revoked' | 'unknown';
  revocationTime?: Date;
  reason?: RevocationReason;
  thisUpdate?: Date;
  nextUpdate?: Date;
  producedAt?: Date;
  /** Who signed: the signer's subject when known, else the responder ID. */
  responder?: string;
  /** 'issuer' when the CA signed itself, 'delegated' for an authorised responder certificate. */
  signedBy?: 'issuer' | 'delegated';
  /** Every reason the response is not acceptable, in words. Empty when valid. */
  problems: string[];
}

/** The decoded response, complete DER without trailing bytes. */
function readOcspResponse(der: Uint8Array): OcspResponseModel {
  completeDer(der, 'OCSP response');
  return decodeOcspResponse(der);
}

/** What decode/ocsp.ts's model leaves out and a signature check needs: the signed bytes and the signature. */
interface SignedPart {
  tbsResponseData: Uint8Array;
  signature: Uint8Array;
}

function signedPart(responseDer: Uint8Array): SignedPart {
  const p = splitBasicResponse(responseDer);
  if (p?.tbs?.tag !== TAG.SEQUENCE || p.sigAlg?.tag !== TAG.SEQUENCE || p.sigValue?.tag !== TAG.BIT_STRING) throw new Error('expected tbsResponseData, signatureAlgorithm and signature');
  return { tbsResponseData: raw(p.basicDer, p.tbs), signature: bitStringBytes(p.basicDer, p.sigValue) };
}

/** The Nonce's content: decode/ocsp.ts shows the content of the Nonce OCTET STRING, and so compare that. */
function nonceContentHex(nonce: Uint8Array): string {
  try {
    const t = readTlv(nonce, 0);
    if (t.tag === TAG.OCTET_STRING && t.next === nonce.byteLength) return toHex(nonce, t.start, t.end);
  } catch {
    // Not an OCTET STRING: compare the bytes as they are.
  }
  return toHex(nonce);
}

/** Verifies a DER OCSP response for (cert, issuer). Never throws. */
export function verifyOcspResponse(responseDer: Uint8Array, options: VerifyOptions): OcspCheckResult {
  const problems: string[] = [];
  const result: OcspCheckResult = { valid: false, responseStatus: 'notOcsp', status: 'error', problems };
  let resp: OcspResponseModel;
  try {
    resp = readOcspResponse(responseDer);
  } catch (err) {
    problems.push(`not an OCSP response: ${(err as Error).message}`);
    return result;
  }
  result.responseStatus = resp.responseStatus;
  if (resp.responseStatus !== 'successful') {
    problems.push(`the responder answered "${resp.responseStatus}" instead of a status`);
    return result;
  }
  const data = resp.basic;
  if (!data) {
    problems.push('a successful response without responseBytes');
    return result;
  }
  let signed: SignedPart;
  let cert: CertFacts;
  let issuer: CertFacts;
  try {
    signed = signedPart(responseDer);
  } catch (err) {
    problems.push(`malformed BasicOCSPResponse: ${(err as Error).message}`);
    return result;
  }
  try {
    cert = certFacts(options.cert);
    issuer = certFacts(options.issuer);
  } catch (err) {
    problems.push(`bad certificate input: ${(err as Error).message}`);
    return result;
  }
  const now = options.now ?? new Date();
  result.producedAt = data.producedAt;

  // 1. Who signed, and is that signer allowed to speak for this CA?
  const signer = findSigner(data, issuer, now, problems);
  if (signer) {
    result.responder = signer.facts.subjectText;
    result.signedBy = signer.delegated ? 'delegated' : 'issuer';
    const sigOid = data.signatureAlgorithm.oid;
    if (!(sigOid in SIG_HASH_BY_OID)) {
      problems.push(`unsupported signature algorithm ${sigOid}`);
    } else {
      try {
        if (!cryptoVerify(SIG_HASH_BY_OID[sigOid], signed.tbsResponseData, signer.facts.x509.publicKey, signed.signature)) {
          problems.push(`bad signature: the response was not signed by ${signer.facts.subjectText}`);
        }
      } catch (err) {
        problems.push(`signature check failed: ${(err as Error).message}`);
      }
    }
  } else {
    result.responder = responderIdText(data.responderId);
  }

  // 2. The answer about our certificate (CertID: issuer name/key hash and serial).
  const single = data.responses.find((r) => certIdMatches(r.certId, cert, issuer));
  if (!single) {
    problems.push(`the response does not cover serial ${colonSerial(cert.serialHex)} of ${issuer.subjectText}`);
  } else {
    result.thisUpdate = single.thisUpdate;
    if (single.nextUpdate) result.nextUpdate = single.nextUpdate;
    const s = single.certStatus;
    result.claimedStatus = s.status;
    if (s.status === 'revoked') {
      result.revocationTime = s.revocationTime;
      if (s.reason) result.reason = s.reason;
    }
    // 3. Freshness.
    const skewMs = (options.skewSeconds ?? 300) * 1000;
    if (single.thisUpdate.getTime() > now.getTime() + skewMs) problems.push(`thisUpdate ${formatDate(single.thisUpdate)} is in the future`);
    if (single.nextUpdate && single.nextUpdate.getTime() < now.getTime()) problems.push(`stale: nextUpdate ${formatDate(single.nextUpdate)} has passed`);
    if (!single.nextUpdate && options.maxAgeSeconds !== undefined && now.getTime() - single.thisUpdate.getTime() > options.maxAgeSeconds * 1000) {
      problems.push(`stale: no nextUpdate and thisUpdate is older than ${formatDuration(options.maxAgeSeconds * 1000)}`);
    }
  }

  // 4. Nonce: a replayed response would carry another (or no) nonce.
  if (options.nonce) {
    if (data.nonceHex === undefined) problems.push('the response does not echo the nonce that was sent');
    else if (data.nonceHex !== nonceContentHex(options.nonce)) problems.push('the response carries a different nonce (replayed?)');
  }

  result.valid = problems.length === 0;
  if (result.valid && result.claimedStatus) result.status = result.claimedStatus;
  return result;
}

function certIdMatches(id: OcspCertId, cert: CertFacts, issuer: CertFacts): boolean {
  // decode names the CertID hash by its digest name, the same names HASH_BY_OID maps to.
  if (!Object.values(HASH_BY_OID).includes(id.hashAlgorithm)) return false;
  return serialKey(id.serialHex) === serialKey(cert.serialHex)
    && id.issuerNameHashHex === toHex(digest(id.hashAlgorithm, issuer.subjectNameDer))
    && id.issuerKeyHashHex === toHex(digest(id.hashAlgorithm, issuer.publicKeyBits));
}

type ResponderId = NonNullable<OcspResponseModel['basic']>['responderId'];

function responderIdText(id: ResponderId): string {
  if (id.byName) return id.byName.rfc4514;
  if (id.byKeyHashHex !== undefined) return `key hash ${id.byKeyHashHex}`;
  return '(unknown responder id)';
}

function matchesResponderId(id: ResponderId, c: CertFacts): boolean {
  if (id.byName) return id.byName.derHex === toHex(c.subjectNameDer);
  if (id.byKeyHashHex !== undefined) return id.byKeyHashHex === toHex(digest('sha1', c.publicKeyBits));
  return false;
}

/**
 * The certificate that signed the response: the issuer itself, or an embedded certificate that the
 * issuer signed with extendedKeyUsage id-kp-OCSPSigning, valid now (RFC 6960 §4.2.2.2).
 */
function findSigner(data: NonNullable<OcspResponseModel['basic']>, issuer: CertFacts, now: Date, problems: string[]): { facts: CertFacts; delegated: boolean } | undefined {
  const id = data.responderId;
  if (matchesResponderId(id, issuer)) return { facts: issuer, delegated: false };
  const embedded: CertFacts[] = [];
  for (const c of data.certificates) {
    try {
      embedded.push(certFacts(c.der));
    } catch {
      // An undecodable embedded certificate cannot be the signer.
    }
  }
  const candidate = embedded.find((c) => matchesResponderId(id, c));
  if (!candidate) {
    problems.push(`the responder (${responderIdText(id)}) is neither the issuer nor a certificate included in the response`);
    return undefined;
  }
  if (bytesEqual(candidate.publicKeyBits, issuer.publicKeyBits)) return { facts: issuer, delegated: false };
  const who = `responder certificate ${candidate.subjectText}`;
  if (!bytesEqual(candidate.issuerNameDer, issuer.subjectNameDer) || !candidate.x509.verify(issuer.x509.publicKey)) {
    problems.push(`${who} is not issued by ${issuer.subjectText}: not authorised to answer for it`);
  }
  if (!candidate.extKeyUsage?.includes(OID.ocspSigning)) problems.push(`${who} lacks extendedKeyUsage OCSPSigning`);
  const from = new Date(candidate.x509.validFrom);
  const to = new Date(candidate.x509.validTo);
  if (now < from || now > to) problems.push(`${who} is not valid now (valid ${formatDate(from)} to ${formatDate(to)})`);
  return { facts: candidate, delegated: true };
}

export interface CheckOptions extends FetchOptions {
  /** Responder URL; default: the certificate's authorityInfoAccess OCSP URL. */
  url?: string;
  /** Send a nonce (default true) and require its echo. */
  nonce?: boolean;
  now?: Date;
}

/** Build, fetch and verify in one call. Transport failures come back as problems, never thrown. */
export async function checkOcsp(cert: CertInput, issuer: CertInput, options: CheckOptions = {}): Promise<OcspCheckResult & { url?: string }> {
  let url = options.url;
  let built: BuiltOcspRequest;
  try {
    url ??= certFacts(cert).ocspUrls[0];
    built = buildOcspRequest(cert, issuer, { nonce: options.nonce ?? true });
  } catch (err) {
    return { valid: false, responseStatus: 'notOcsp', status: 'error', problems: [`bad certificate input: ${(err as Error).message}`] };
  }
  if (!url) return { valid: false, responseStatus: 'notOcsp', status: 'error', problems: ['no responder URL: the certificate has no OCSP authorityInfoAccess; give one'] };
  let der: Uint8Array;
  try {
    der = await fetchOcspResponse(url, built.der, options);
  } catch (err) {
    return { url, valid: false, responseStatus: 'notOcsp', status: 'error', problems: [(err as Error).message] };
  }
  return { url, ...verifyOcspResponse(der, { cert, issuer, nonce: built.nonce, now: options.now }) };
}
