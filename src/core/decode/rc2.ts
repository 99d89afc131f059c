// RC2-CBC decryption (RFC 2268), only for reading legacy PKCS#12 files: `openssl pkcs12 -legacy`,
// OpenSSL 1.x and many Windows/Java exports encrypt the certificates with RC2-40, which OpenSSL 3
// (and so Node) no longer offers without the legacy provider.

const PITABLE = Uint8Array.from(Buffer.from(
  'd978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2179a59f587b34f1361456d8d09817d32'
  + 'bd8f40eb86b77b0bf09521225c6b4e8254d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb626'
  + '6fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed708e8eade8052eef784aa72ac354d6a2a'
  + '961ad2715a1549744b9fd05e0418a4ecc2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731'
  + '2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a90d38341bab33ffb0bb480c5fb9b1cd2e'
  + 'c5f3db47e5a59c770aa62068fe7fc1ad',
  'hex',
));

export function expandKey(key: Uint8Array, effectiveBits: number): Uint16Array {
  const L = new Uint8Array(128);
  L.set(key);
  const T = key.length;
  for (let i = T; i < 128; i++) L[i] = PITABLE[(L[i - 1] + L[i - T]) & 0xff];
  const T8 = Math.ceil(effectiveBits / 8);
  const TM = 0xff >> (8 * T8 - effectiveBits);
  L[128 - T8] = PITABLE[L[128 - T8] & TM];
  for (let i = 127 - T8; i >= 0; i--) L[i] = PITABLE[L[i + 1] ^ L[i + T8]];
  const K = new Uint16Array(64);
  for (let i = 0; i < 64; i++) K[i] = L[2 * i] | (L[2 * i + 1] << 8);
  return K;
}

export function decryptBlock(K: Uint16Array, b: Uint8Array, at: number, out: Uint8Array): void {
  const R = [b[at] | (b[at + 1] << 8), b[at + 2] | (b[at + 3] << 8), b[at + 4] | (b[at + 5] << 8), b[at + 6] | (b[at + 7] << 8)];
  const S = [1, 2, 3, 5];
  let j = 63;
  const mix = (): void => {
    for (let i = 3; i >= 0; i--) {
      const r = R[i] & 0xffff;
      R[i] = ((r >>> S[i]) | (r << (16 - S[i]))) & 0xffff;
      R[i] = (R[i] - K[j--] - (R[(i + 3) & 3] & R[(i + 2) & 3]) - (~R[(i + 3) & 3] & R[(i + 1) & 3])) & 0xffff;
    }
  };
  const mash = (): void => {
    for (let i = 3; i >= 0; i--) R[i] = (R[i] - K[R[(i + 3) & 3] & 63]) & 0xffff;
  };
  for (let n = 0; n < 5; n++) mix();
  mash();
  for (let n = 0; n < 6; n++) mix();
  mash();
  for (let n = 0; n < 5; n++) mix();
  for (let i = 0; i < 4; i++) { out[2 * i] = R[i] & 0xff; out[2 * i + 1] = R[i] >> 8; }
}

/** RC2-CBC with PKCS#7 padding; throws on bad padding (wrong key). */
export function rc2CbcDecrypt(key: Uint8Array, effectiveBits: number, iv: Uint8Array, data: Uint8Array): Buffer {
  if (data.length === 0 || data.length % 8 !== 0) throw new Error('RC2: data is not a whole number of blocks');
  const K = expandKey(key, effectiveBits);
  const out = Buffer.alloc(data.length);
  const block = new Uint8Array(8);
  let prev = iv;
  for (let at = 0; at < data.length; at += 8) {
    decryptBlock(K, data, at, block);
    for (let i = 0; i < 8; i++) out[at + i] = block[i] ^ prev[i];
    prev = data.subarray(at, at + 8);
  }
  const pad = out[out.length - 1];
  if (pad < 1 || pad > 8) throw new Error('RC2: bad padding');
  for (let i = out.length - pad; i < out.length; i++) if (out[i] !== pad) throw new Error('RC2: bad padding');
  return out.subarray(0, out.length - pad);
}
