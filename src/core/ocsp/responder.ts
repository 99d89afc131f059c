// OCSP responder logic (RFC 6960, RFC 5019 profile), free of HTTP: request DER in, signed response
// DER out. Status comes from a StatusSource (the CA database), asked afresh for every request so a
// revocation is visible to the very next request.
import { HASH_ALGORITHMS, reasonCode } from '../oids';
import { colonSerial, serialKey } from '../serial';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { signerFor, type Signer } from '../ca/keys';
import type { OcspCertId, OcspCertStatus, OcspRequestModel, OcspResponseStatus } from '../model';
import {
  bytesEqual, certFacts, completeDer, digest, HASH_BY_OID, OID, serialInteger, wholeSeconds,
  type CertFacts,
} from './asn1';
import { children, TAG, toHex, type Tlv } from '../der/reader';
import {
  bitString, enumerated, explicit, generalizedTime, implicitConstructed, implicitPrimitive, nullValue, octetString, oid, seq,
} from '../der/writer';
import { decodeOcspRequest } from '../decode/ocsp';

/** Where the responder learns a certificate's status. `serialHex` is normalised (see normalizeSerial). */
export interface StatusSource {
  status(serialHex: string): OcspCertStatus;
}

export interface OcspResponderOptions {
  /** The CA whose certificates this responder answers for (PEM or DER). */
  issuer: string | Uint8Array;
  /** Delegated responder certificate (issued by `issuer`, EKU ocspSigning). Default: the CA signs. */
  signerCert?: string | Uint8Array;
  /** Private key of the signer (the CA key, or the delegated responder's key). PEM or KeyObject. */
  signerKey: KeyObject | string | Buffer;
  source: StatusSource;
  /**
   * How the response names its signer (RFC 6960 §4.2.1 ResponderID): by the SHA-1 hash of its
   * public key (default, RFC 5019 §2.2.3), or by its subject Name.
   */
  responderId?: 'byKey' | 'byName';
  /** nextUpdate - thisUpdate, seconds. Default 3600. Always set (RFC 5019). */
  validitySeconds?: number;
  now?: () => Date;
}

/**
 * More CertIDs than any client sends in one request (openssl sends one per -cert; RFC 5019 one in
 * all): a bound on the work one network request can cause.
 */
const MAX_CERT_IDS = 100;

/** Digest name (decode's CertID hashAlgorithm) -> OID, to echo a CertID exactly as asked. */
const HASH_OID_BY_NAME: Record<string, string> = Object.fromEntries(Object.entries(HASH_ALGORITHMS).map(([o, n]) => [n, o]));

const RESPONSE_STATUS_CODE: Record<OcspResponseStatus, number> = {
  successful: 0, malformedRequest: 1, internalError: 2, tryLater: 3, sigRequired: 5, unauthorized: 6,
};

export interface ResponderAnswer {
  der: Uint8Array;
  responseStatus: OcspResponseStatus;
  /** Set for successful answers (for HTTP caching headers). */
  thisUpdate?: Date;
  nextUpdate?: Date;
  /** The request carried a nonce (the answer then must not be cached by HTTP intermediaries). */
  nonce: boolean;
  /** Per certificate: serial and status, for logs. */
  answers: Array<{ serialHex: string; status: OcspCertStatus['status'] }>;
  /** Why a request was malformed, for logs. */
  error?: string;
}

/** An OCSPResponse carrying only an error status (no signature, per RFC 6960 §4.2.1). */
export function errorResponseDer(status: Exclude<OcspResponseStatus, 'successful'>): Uint8Array {
  return new Uint8Array(seq(enumerated(RESPONSE_STATUS_CODE[status])));
}

class MalformedRequest extends Error {}

export class OcspResponder {
  private readonly issuer: CertFacts;
  private readonly signer: CertFacts;
  private readonly key: KeyObject;
  private readonly signing: Signer;
  /** DER ResponderID, the same in every response. */
  private readonly responderId: Uint8Array;
  /** Issuer name/key hashes (hex) per CertID digest name, computed once. */
  private readonly issuerHashes = new Map<string, { name: string; key: string }>();
  private readonly validityMs: number;
  private readonly now: () => Date;

  constructor(private readonly options: OcspResponderOptions) {
    this.issuer = certFacts(options.issuer);
    this.signer = options.signerCert ? certFacts(options.signerCert) : this.issuer;
    this.key = typeof options.signerKey === 'object' && 'asymmetricKeyType' in options.signerKey
      ? options.signerKey
      : createPrivateKey(options.signerKey as string | Buffer);
    if (this.key.type !== 'private') throw new Error('the OCSP signer key must be a private key');
    const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'der' });
    if (!spki(createPublicKey(this.key)).equals(spki(this.signer.x509.publicKey))) {
      throw new Error(`the OCSP signer key does not belong to the signer certificate (${this.signer.subjectText})`);
    }
    if (options.signerCert) this.checkDelegate();
    this.signing = signerFor(this.key);
    this.responderId = options.responderId === 'byName'
      ? explicit(1, this.signer.subjectNameDer)
      : explicit(2, octetString(digest('sha1', this.signer.publicKeyBits)));
    for (const hash of Object.values(HASH_BY_OID)) {
      this.issuerHashes.set(hash, { name: toHex(digest(hash, this.issuer.subjectNameDer)), key: toHex(digest(hash, this.issuer.publicKeyBits)) });
    }
    this.validityMs = (options.validitySeconds ?? 3600) * 1000;
    if (!(this.validityMs > 0)) throw new Error('validitySeconds must be positive');
    this.now = options.now ?? (() => new Date());
  }

  /** Subject of the signing certificate, for logs and the CLI. */
  get signerSubject(): string {
    return this.signer.subjectText;
  }

  private checkDelegate(): void {
    const who = `delegated responder certificate (${this.signer.subjectText})`;
    if (!bytesEqual(this.signer.issuerNameDer, this.issuer.subjectNameDer) || !this.signer.x509.verify(this.issuer.x509.publicKey)) {
      throw new Error(`${who} is not issued by the CA (${this.issuer.subjectText})`);
    }
    if (!this.signer.extKeyUsage?.includes(OID.ocspSigning)) {
      throw new Error(`${who} lacks extendedKeyUsage OCSPSigning: clients will reject its responses`);
    }
  }

  /** Answers one DER request. Never throws: bad input becomes malformedRequest, failures internalError. */
  respond(requestDer: Uint8Array): ResponderAnswer {
    try {
      return this.answer(requestDer);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const status = err instanceof MalformedRequest ? 'malformedRequest' : 'internalError';
      return { der: errorResponseDer(status), responseStatus: status, nonce: false, answers: [], error: message };
    }
  }

  private parseRequest(der: Uint8Array): OcspRequestModel {
    let req: OcspRequestModel;
    try {
      checkRequestShape(der, completeDer(der, 'OCSP request'));
      req = decodeOcspRequest(der);
    } catch (err) {
      throw new MalformedRequest(err instanceof Error ? err.message : String(err));
    }
    if (req.certIds.length === 0) throw new MalformedRequest('OCSP request lists no certificates');
    if (req.certIds.length > MAX_CERT_IDS) throw new MalformedRequest(`OCSP request lists ${req.certIds.length} certificates (at most ${MAX_CERT_IDS} are answered)`);
    for (const id of req.certIds) {
      if (id.serialHex.startsWith('-')) throw new MalformedRequest(`OCSP request: negative serial number ${colonSerial(id.serialHex)}`);
    }
    return req;
  }

  private answer(requestDer: Uint8Array): ResponderAnswer {
    const req = this.parseRequest(requestDer);
    const now = wholeSeconds(this.now());
    const thisUpdate = now;
    const nextUpdate = new Date(now.getTime() + Math.max(1000, Math.floor(this.validityMs / 1000) * 1000));
    const answers: ResponderAnswer['answers'] = [];
    let ours = 0;
    const responses = req.certIds.map((id) => {
      const serialHex = serialKey(id.serialHex);
      const hashes = this.issuerHashes.get(id.hashAlgorithm);
      const forUs = !!hashes && id.issuerNameHashHex === hashes.name && id.issuerKeyHashHex === hashes.key;
      if (forUs) ours++;
      // A certificate of another CA, or a hash we cannot compute: "unknown" (RFC 6960 §2.2).
      const status: OcspCertStatus = forUs ? this.options.source.status(serialHex) : { status: 'unknown' };
      answers.push({ serialHex, status: status.status });
      // SingleResponse: certID, certStatus, thisUpdate, nextUpdate [0].
      return seq(certIdDer(id), certStatusDer(status), generalizedTime(thisUpdate), explicit(0, generalizedTime(nextUpdate)));
    });
    // Not one certificate of ours: this responder is not authoritative (RFC 6960 §2.3).
    if (ours === 0) {
      return { der: errorResponseDer('unauthorized'), responseStatus: 'unauthorized', nonce: false, answers, error: 'no certificate in the request was issued by this CA' };
    }
    // The nonce goes back as the RFC 8954 Nonce OCTET STRING, which is what clients send and compare.
    const nonce = req.nonceHex !== undefined ? octetString(Buffer.from(req.nonceHex, 'hex')) : undefined;
    // ResponseData: version v1 (DEFAULT, omitted), responderID, producedAt, responses, responseExtensions [1].
    const tbs = seq(
      this.responderId,
      generalizedTime(now),
      seq(...responses),
      ...(nonce ? [explicit(1, seq(seq(oid(OID.ocspNonce), octetString(nonce))))] : []),
    );
    const signature = this.signing.sign(tbs);
    // The signer's certificate: required for a delegated responder, harmless for the CA itself.
    const basic = seq(tbs, this.signing.algorithmId, bitString(signature), explicit(0, seq(this.signer.der)));
    const response = seq(enumerated(0), explicit(0, seq(oid(OID.ocspBasic), octetString(basic))));
    return { der: new Uint8Array(response), responseStatus: 'successful', thisUpdate, nextUpdate, nonce: !!nonce, answers };
  }
}

/**
 * The outline decodeOcspRequest does not insist on (it reads what it recognises): OCSPRequest is
 * tbsRequest plus an optional [0] signature, and TBSRequest is version [0]?, requestorName [1]?,
 * requestList, requestExtensions [2]?, in that order. A certificate or CRL posted by mistake stops here.
 */
function checkRequestShape(der: Uint8Array, top: Tlv): void {
  const parts = top.tag === TAG.SEQUENCE ? children(der, top) : [];
  const [tbs, signature] = parts;
  if (tbs?.tag !== TAG.SEQUENCE || (signature && signature.tag !== 0xa0) || parts.length > 2) {
    throw new Error('not an OCSPRequest: expected SEQUENCE { tbsRequest, optionalSignature [0] }');
  }
  const tags = children(der, tbs).map((f) => f.tag);
  let i = 0;
  for (const optional of [0xa0, 0xa1]) if (tags[i] === optional) i++;
  const requestList = tags[i++] === TAG.SEQUENCE;
  if (tags[i] === 0xa2) i++;
  if (!requestList || i !== tags.length) {
    throw new Error('not an OCSPRequest: TBSRequest must be version [0]?, requestorName [1]?, requestList, requestExtensions [2]?');
  }
}

/** The CertID as the client sent it (hash parameters NULL, as openssl and RFC 5019 clients send them). */
function certIdDer(id: OcspCertId): Uint8Array {
  const hashOid = HASH_OID_BY_NAME[id.hashAlgorithm] ?? id.hashAlgorithm;
  return seq(
    seq(oid(hashOid), nullValue()),
    octetString(Buffer.from(id.issuerNameHashHex, 'hex')),
    octetString(Buffer.from(id.issuerKeyHashHex, 'hex')),
    serialInteger(id.serialHex),
  );
}

/** CertStatus: good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT NULL. */
function certStatusDer(s: OcspCertStatus): Uint8Array {
  switch (s.status) {
    case 'good':
      return implicitPrimitive(0, new Uint8Array(0));
    case 'unknown':
      return implicitPrimitive(2, new Uint8Array(0));
    case 'revoked':
      return implicitConstructed(1,
        generalizedTime(wholeSeconds(s.revocationTime)),
        ...(s.reason ? [explicit(0, enumerated(reasonCode(s.reason)))] : []));
  }
}
