// OCSP responder logic (RFC 6960, RFC 5019 profile), free of HTTP: request DER in, signed response
// DER out. Status comes from a StatusSource (the CA database), asked afresh for every request so a
// revocation is visible to the very next request.
import { reasonCode } from '../oids';
import { serialKey } from '../serial';
import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { OcspCertStatus, OcspResponseStatus } from '../model';
import {
  bytesEqual, certFacts, digest, HASH_BY_OID, OID, parseDer, wholeSeconds,
  type CertFacts,
} from './asn1';
import { toHex } from '../der/reader';

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
  /** nextUpdate - thisUpdate, seconds. Default 3600. Always set (RFC 5019). */
  validitySeconds?: number;
  now?: () => Date;
}

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
  const r = new pkijs.OCSPResponse({ responseStatus: new asn1js.Enumerated({ value: RESPONSE_STATUS_CODE[status] }) });
  return new Uint8Array(r.toSchema().toBER());
}

interface SignerAlgorithm {
  hash: string | null;
  algorithm: pkijs.AlgorithmIdentifier;
}

function signerAlgorithm(key: KeyObject): SignerAlgorithm {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      // RSA PKCS#1 v1.5 with SHA-256; NULL parameters (DESIGN §3 pitfall 3).
      return { hash: 'sha256', algorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256WithRsaEncryption, algorithmParams: new asn1js.Null() }) };
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === 'secp384r1') return { hash: 'sha384', algorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.ecdsaWithSha384 }) };
      if (curve === 'secp521r1') return { hash: 'sha512', algorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.ecdsaWithSha512 }) };
      return { hash: 'sha256', algorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.ecdsaWithSha256 }) };
    }
    case 'ed25519':
      return { hash: null, algorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.ed25519 }) };
    case 'ed448':
      return { hash: null, algorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.ed448 }) };
    default:
      throw new Error(`OCSP signing with a ${key.asymmetricKeyType ?? 'unknown'} key is not supported (use RSA, EC or Ed25519)`);
  }
}

class MalformedRequest extends Error {}

export class OcspResponder {
  private readonly issuer: CertFacts;
  private readonly signer: CertFacts;
  private readonly key: KeyObject;
  private readonly alg: SignerAlgorithm;
  private readonly signerPkijs: pkijs.Certificate;
  private readonly responderKeyHash: Uint8Array;
  /** Issuer name/key hashes per CertID hash OID, computed once. */
  private readonly issuerHashes = new Map<string, { name: Uint8Array; key: Uint8Array }>();
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
    this.alg = signerAlgorithm(this.key);
    this.signerPkijs = new pkijs.Certificate({ schema: parseDer(this.signer.der, 'signer certificate') });
    this.responderKeyHash = digest('sha1', this.signer.publicKeyBits);
    for (const [oid, hash] of Object.entries(HASH_BY_OID)) {
      this.issuerHashes.set(oid, { name: digest(hash, this.issuer.subjectNameDer), key: digest(hash, this.issuer.publicKeyBits) });
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

  private parseRequest(der: Uint8Array): pkijs.OCSPRequest {
    try {
      const req = new pkijs.OCSPRequest({ schema: parseDer(der, 'OCSP request') });
      if (req.tbsRequest.requestList.length === 0) throw new Error('OCSP request lists no certificates');
      return req;
    } catch (err) {
      throw new MalformedRequest(err instanceof Error ? err.message : String(err));
    }
  }

  private answer(requestDer: Uint8Array): ResponderAnswer {
    const req = this.parseRequest(requestDer);
    const now = wholeSeconds(this.now());
    const thisUpdate = now;
    const nextUpdate = new Date(now.getTime() + Math.max(1000, Math.floor(this.validityMs / 1000) * 1000));
    const answers: ResponderAnswer['answers'] = [];
    let ours = 0;
    const responses = req.tbsRequest.requestList.map((r) => {
      const id = r.reqCert;
      const serialHex = serialKey(toHex(id.serialNumber.valueBlock.valueHexView));
      const hashes = this.issuerHashes.get(id.hashAlgorithm.algorithmId);
      const forUs = !!hashes
        && bytesEqual(new Uint8Array(id.issuerNameHash.valueBlock.valueHexView), hashes.name)
        && bytesEqual(new Uint8Array(id.issuerKeyHash.valueBlock.valueHexView), hashes.key);
      if (forUs) ours++;
      // A certificate of another CA, or a hash we cannot compute: "unknown" (RFC 6960 §2.2).
      const status: OcspCertStatus = forUs ? this.options.source.status(serialHex) : { status: 'unknown' };
      answers.push({ serialHex, status: status.status });
      return new pkijs.SingleResponse({ certID: id, certStatus: certStatusAsn1(status), thisUpdate, nextUpdate });
    });
    // Not one certificate of ours: this responder is not authoritative (RFC 6960 §2.3).
    if (ours === 0) {
      return { der: errorResponseDer('unauthorized'), responseStatus: 'unauthorized', nonce: false, answers, error: 'no certificate in the request was issued by this CA' };
    }
    const nonceExt = req.tbsRequest.requestExtensions?.find((e) => e.extnID === OID.ocspNonce);
    const data = new pkijs.ResponseData({
      responderID: new asn1js.OctetString({ valueHex: this.responderKeyHash }),
      producedAt: now,
      responses,
      ...(nonceExt
        ? { responseExtensions: [new pkijs.Extension({ extnID: OID.ocspNonce, critical: false, extnValue: nonceExt.extnValue.valueBlock.valueHexView.slice().buffer })] }
        : {}),
    });
    const tbs = new Uint8Array(data.toSchema(true).toBER());
    data.tbsView = tbs;
    const signature = sign(this.alg.hash, tbs, this.key);
    const basic = new pkijs.BasicOCSPResponse({
      tbsResponseData: data,
      signatureAlgorithm: this.alg.algorithm,
      signature: new asn1js.BitString({ valueHex: new Uint8Array(signature) }),
      // The signer's certificate: required for a delegated responder, harmless for the CA itself.
      certs: [this.signerPkijs],
    });
    const response = new pkijs.OCSPResponse({
      responseStatus: new asn1js.Enumerated({ value: 0 }),
      responseBytes: new pkijs.ResponseBytes({
        responseType: OID.ocspBasic,
        response: new asn1js.OctetString({ valueHex: basic.toSchema().toBER() }),
      }),
    });
    return { der: new Uint8Array(response.toSchema().toBER()), responseStatus: 'successful', thisUpdate, nextUpdate, nonce: !!nonceExt, answers };
  }
}

function certStatusAsn1(s: OcspCertStatus): asn1js.BaseBlock {
  switch (s.status) {
    case 'good':
      return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } });
    case 'unknown':
      return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 } });
    case 'revoked': {
      const value: asn1js.BaseBlock[] = [new asn1js.GeneralizedTime({ valueDate: wholeSeconds(s.revocationTime) })];
      if (s.reason) {
        value.push(new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Enumerated({ value: reasonCode(s.reason) })] }));
      }
      return new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value });
    }
  }
}
