// Key generation and the signature algorithm that goes with each key type. Always SHA-256 or
// stronger (pkijs' SHA-1 default is a pitfall we avoid by construction).
import { OID } from '../oids';
import { createPrivateKey, createPublicKey, generateKeyPair, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { nullValue, oid, seq } from '../der/writer';

export type KeySpec = 'rsa2048' | 'rsa3072' | 'rsa4096' | 'p256' | 'p384' | 'ed25519';
export const KEY_SPECS: readonly KeySpec[] = ['rsa2048', 'rsa3072', 'rsa4096', 'p256', 'p384', 'ed25519'];

const gen = promisify(generateKeyPair);

export async function generateKey(spec: KeySpec): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  switch (spec) {
    case 'rsa2048': case 'rsa3072': case 'rsa4096':
      return gen('rsa', { modulusLength: Number(spec.slice(3)), publicExponent: 0x10001 });
    case 'p256': return gen('ec', { namedCurve: 'P-256' });
    case 'p384': return gen('ec', { namedCurve: 'P-384' });
    case 'ed25519': return gen('ed25519');
  }
}

export function loadPrivateKey(pem: string | Buffer): KeyObject {
  return createPrivateKey(pem);
}

function publicKeyOf(key: KeyObject): KeyObject {
  return key.type === 'private' ? createPublicKey(key) : key;
}

export function spkiDer(key: KeyObject): Buffer {
  return publicKeyOf(key).export({ type: 'spki', format: 'der' });
}

export function privateKeyPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }) as string;
}

/**
 * The signer for a CA or OCSP responder key: AlgorithmIdentifier DER and the function producing the
 * signature. RSA PKCS#1 v1.5 with NULL parameters (RFC 4055); ECDSA and EdDSA identifiers carry no
 * parameters at all (RFC 5758 §3.2, RFC 8410 §3).
 */
export interface Signer {
  algorithmId: Buffer;
  sign(data: Uint8Array): Buffer;
}

export function signerFor(key: KeyObject): Signer {
  const type = key.asymmetricKeyType;
  if (type === 'rsa') {
    // sha256WithRSAEncryption with NULL parameters (RFC 4055).
    return { algorithmId: seq(oid(OID.sha256WithRsaEncryption), nullValue()), sign: (d) => sign('sha256', d, key) };
  }
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const [hash, alg] = curve === 'secp521r1' || curve === 'P-521' ? ['sha512', OID.ecdsaWithSha512]
      : curve === 'secp384r1' || curve === 'P-384' ? ['sha384', OID.ecdsaWithSha384]
        : ['sha256', OID.ecdsaWithSha256];
    return { algorithmId: seq(oid(alg)), sign: (d) => sign(hash, d, key) };
  }
  if (type === 'ed25519' || type === 'ed448') {
    return { algorithmId: seq(oid(type === 'ed25519' ? OID.ed25519 : OID.ed448)), sign: (d) => sign(null, d, key) };
  }
  throw new Error(`unsupported signing key type ${type ?? 'unknown'} (use RSA, ECDSA or EdDSA)`);
}
