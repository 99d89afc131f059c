// Pairs private keys with certificates by public key (SHA-256 of the SubjectPublicKeyInfo DER).
import { EVERY, type Steps } from './slices';
import type { CertRef, KeyRef } from './types';
import { pushTo } from '../multiMap';

export interface KeyPairing {
  /** Certificates (any occurrence) whose public key matches this key. Empty: an unpaired key. */
  certsForKey(key: KeyRef): CertRef[];
  /** Private keys in the workspace for this public key hash. */
  keysForSpki(spkiSha256: string): KeyRef[];
}

export function* pairKeysSteps(certs: CertRef[], keys: KeyRef[]): Steps<KeyPairing> {
  const certsBySpki = new Map<string, CertRef[]>();
  for (let i = 0; i < certs.length; i++) {
    pushTo(certsBySpki, certs[i].cert.publicKey.spkiSha256, certs[i]);
    if ((i & (EVERY - 1)) === 0) yield;
  }
  const keysBySpki = new Map<string, KeyRef[]>();
  for (const k of keys) {
    if (k.key.kind === 'privateKey' && k.key.publicKey) pushTo(keysBySpki, k.key.publicKey.spkiSha256, k);
  }
  return {
    certsForKey: (k) => (k.key.publicKey ? certsBySpki.get(k.key.publicKey.spkiSha256) ?? [] : []),
    keysForSpki: (h) => keysBySpki.get(h) ?? [],
  };
}

