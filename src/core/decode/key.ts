// Keys -> KeyModel: type, size/curve and the SPKI SHA-256 that pairs a key with its certificate.
// The secret stays inside a Node KeyObject for the moment needed to derive the public key and is
// never copied into the model.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readTlv } from '../der/reader';
import type { KeyModel } from '../model';
import { DecodeFailure } from './errors';
import { KdfBudget } from './kdfBudget';
import { chargeEncryptedPkcs8 } from './pbe';
import { buf } from './signature';
import { decodeSpki } from './spki';

export type KeyEncoding = 'spki' | 'pkcs1-public' | 'pkcs8' | 'encrypted-pkcs8' | 'pkcs1' | 'sec1';

function publicInfo(pub: KeyObject) {
  const spki = new Uint8Array(pub.export({ type: 'spki', format: 'der' }));
  return decodeSpki(spki, readTlv(spki, 0));
}

/**
 * Decodes key metadata. `pemEncrypted` marks legacy PEM encryption (Proc-Type: 4,ENCRYPTED);
 * `pemText` is then needed (with a password) to decrypt it. `kdfBudget` is the file's
 * key-derivation budget: an encrypted PKCS#8 key's KDF is charged to it before OpenSSL runs it.
 */
export function decodeKey(der: Uint8Array, encoding: KeyEncoding, format: string, opts: { password?: string; pemEncrypted?: boolean; pemText?: string; kdfBudget?: KdfBudget } = {}): KeyModel {
  const isPublic = encoding === 'spki' || encoding === 'pkcs1-public';
  const model: KeyModel = { kind: isPublic ? 'publicKey' : 'privateKey', format, encrypted: encoding === 'encrypted-pkcs8' || !!opts.pemEncrypted };
  try {
    if (encoding === 'spki') {
      model.publicKey = decodeSpki(der, readTlv(der, 0));
    } else if (encoding === 'pkcs1-public') {
      model.publicKey = publicInfo(createPublicKey({ key: buf(der), format: 'der', type: 'pkcs1' }));
    } else if (opts.pemEncrypted) {
      if (opts.password !== undefined && opts.pemText) model.publicKey = publicInfo(createPublicKey(createPrivateKey({ key: opts.pemText, passphrase: opts.password })));
    } else if (encoding === 'encrypted-pkcs8') {
      if (opts.password !== undefined) {
        chargeEncryptedPkcs8(der, opts.kdfBudget ?? new KdfBudget(), `the ${format} key`);
        model.publicKey = publicInfo(createPublicKey(createPrivateKey({ key: buf(der), format: 'der', type: 'pkcs8', passphrase: opts.password })));
      }
    } else {
      model.publicKey = publicInfo(createPublicKey(createPrivateKey({ key: buf(der), format: 'der', type: encoding })));
    }
  } catch (e) {
    if (e instanceof DecodeFailure) throw e; // over budget or malformed encryption parameters
    const msg = e instanceof Error ? e.message : String(e);
    if (model.encrypted) throw new DecodeFailure(`cannot decrypt the ${format} key: wrong password?`);
    throw new DecodeFailure(`not a valid ${format} key: ${msg.replace(/^error:[0-9A-F]+:/i, '')}`);
  }
  return model;
}
