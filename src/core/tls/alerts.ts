// TLS alert descriptions (RFC 8446 §6, RFC 5246 §7.2) and how an OpenSSL server maps a
// certificate verification error to the alert it sends (ssl_verify_alarm_type in OpenSSL 3.0),
// so our broker's clients see what mosquitto's or EMQX's clients see.

export const AlertDescription = {
  closeNotify: 0,
  unexpectedMessage: 10,
  handshakeFailure: 40,
  badCertificate: 42,
  unsupportedCertificate: 43,
  certificateRevoked: 44,
  certificateExpired: 45,
  certificateUnknown: 46,
  unknownCa: 48,
  internalError: 80,
  certificateRequired: 116,
} as const;

export type AlertCode = (typeof AlertDescription)[keyof typeof AlertDescription];

const names: Record<number, string> = {
  0: 'close_notify',
  10: 'unexpected_message',
  40: 'handshake_failure',
  42: 'bad_certificate',
  43: 'unsupported_certificate',
  44: 'certificate_revoked',
  45: 'certificate_expired',
  46: 'certificate_unknown',
  48: 'unknown_ca',
  80: 'internal_error',
  116: 'certificate_required',
};

export function alertName(code: number): string {
  return names[code] ?? `alert ${code}`;
}

/**
 * The alert an OpenSSL server sends for a verification error. `code` is Node's
 * `authorizationError.code` (the X509_V_ERR_* name without the prefix).
 */
export function alertForVerifyError(code: string): AlertCode {
  switch (code) {
    case 'CERT_REVOKED':
      return AlertDescription.certificateRevoked;
    case 'CERT_HAS_EXPIRED':
    case 'CRL_HAS_EXPIRED':
      return AlertDescription.certificateExpired;
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_CRL':
    case 'UNABLE_TO_GET_CRL_ISSUER':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'CERT_CHAIN_TOO_LONG':
    case 'PATH_LENGTH_EXCEEDED':
    case 'INVALID_CA':
      return AlertDescription.unknownCa;
    case 'UNABLE_TO_DECRYPT_CERT_SIGNATURE':
    case 'UNABLE_TO_DECRYPT_CRL_SIGNATURE':
    case 'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY':
    case 'CERT_SIGNATURE_FAILURE':
    case 'CRL_SIGNATURE_FAILURE':
    case 'CERT_NOT_YET_VALID':
    case 'CRL_NOT_YET_VALID':
    case 'CERT_UNTRUSTED':
    case 'CERT_REJECTED':
      return AlertDescription.badCertificate;
    case 'INVALID_PURPOSE':
      return AlertDescription.unsupportedCertificate;
    default:
      return AlertDescription.certificateUnknown;
  }
}

/** What OpenSSL sends when a required client certificate is missing: 116 on TLS 1.3, 40 before. */
export function alertForMissingCertificate(tlsVersion: string): AlertCode {
  return tlsVersion === 'TLSv1.3' ? AlertDescription.certificateRequired : AlertDescription.handshakeFailure;
}
