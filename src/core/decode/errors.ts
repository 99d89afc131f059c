import { DerError } from '../der/reader';

/** Thrown by the single-object decoders (decodeCertificate, decodeCrl, ...); decodeBytes never throws. */
export class DecodeFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecodeFailure';
  }
}

/** Runs a decoder and turns low-level DER/crypto errors into a DecodeFailure that names the object. */
export function decoding<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof DecodeFailure) throw e;
    // A TypeError here means a required field was absent (undefined child): say so plainly.
    const msg = e instanceof DerError ? e.message : e instanceof TypeError ? 'required fields are missing or malformed' : e instanceof Error ? e.message : String(e);
    throw new DecodeFailure(`not a valid ${what}: ${msg}`);
  }
}
