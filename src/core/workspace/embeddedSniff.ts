// The cheap test for base64-embedded certificates and keys (see embedded.ts), in a module without
// imports so the editor can run it on every document before loading any decoder.

/** Base64 of "-----BEGIN" (a PEM text stored as base64, as in Kubernetes Secrets). */
export const PEM_B64 = 'LS0tLS1CRUdJTi';

/** Does the text hold a base64 value that could be a PEM text or a DER certificate or key? */
export function mayHoldEmbedded(text: string): boolean {
  return text.includes(PEM_B64) || /(?<![A-Za-z0-9+/])MI[IJG][A-Za-z0-9+/]{77}/.test(text);
}
