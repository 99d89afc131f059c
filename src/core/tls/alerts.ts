// TLS alert descriptions (RFC 8446 §6, RFC 5246 §7.2); how an OpenSSL server maps a certificate
// verification error to the alert it sends (ssl_verify_alarm_type in OpenSSL 3.0), so our broker's
// clients see what mosquitto's or EMQX's clients see; and how a client recognises an alert in the
// errors Node/OpenSSL give it (ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED, "...SSL alert number 44").

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

/** Every alert description by number (RFC 8446 §6, RFC 5246 §7.2): the one alert table. */
const ALERTS: Record<number, string> = {
  0: 'close_notify', 10: 'unexpected_message', 20: 'bad_record_mac', 21: 'decryption_failed',
  22: 'record_overflow', 30: 'decompression_failure', 40: 'handshake_failure', 41: 'no_certificate',
  42: 'bad_certificate', 43: 'unsupported_certificate', 44: 'certificate_revoked', 45: 'certificate_expired',
  46: 'certificate_unknown', 47: 'illegal_parameter', 48: 'unknown_ca', 49: 'access_denied', 50: 'decode_error',
  51: 'decrypt_error', 60: 'export_restriction', 70: 'protocol_version', 71: 'insufficient_security',
  80: 'internal_error', 86: 'inappropriate_fallback', 90: 'user_canceled', 100: 'no_renegotiation',
  109: 'missing_extension', 110: 'unsupported_extension', 111: 'certificate_unobtainable',
  112: 'unrecognized_name', 113: 'bad_certificate_status_response', 114: 'bad_certificate_hash_value',
  115: 'unknown_psk_identity', 116: 'certificate_required', 120: 'no_application_protocol',
};

const BY_NAME = new Map(Object.entries(ALERTS).map(([n, name]) => [name, Number(n)]));

export function alertName(code: number): string {
  return ALERTS[code] ?? `alert_${code}`;
}

export function alertNumber(name: string): number | undefined {
  return BY_NAME.get(name);
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

// OpenSSL's reason names differ from the RFC names in a few places.
const OPENSSL_NAME_FIXUPS: Record<string, string> = {
  tlsv1_unrecognized_name: 'unrecognized_name',
};

export interface ErrorAlert {
  name: string;
  number: number;
}

/** The alert a peer sent, as told by a Node TLS error (code or message), or undefined. */
export function alertFromError(err: { code?: unknown; message?: unknown } | undefined): ErrorAlert | undefined {
  if (!err) return undefined;
  const code = typeof err.code === 'string' ? err.code : '';
  const message = typeof err.message === 'string' ? err.message : '';
  // "SSL alert number 44" is the most precise: OpenSSL prints the wire value.
  const num = /SSL alert number (\d+)/i.exec(message);
  if (num) {
    const n = Number(num[1]);
    return { name: alertName(n), number: n };
  }
  const m = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_([A-Z0-9_]+)$/.exec(code) ?? /^ERR_SSL_(TLSV1_UNRECOGNIZED_NAME)$/.exec(code);
  if (m) {
    const lower = m[1].toLowerCase();
    const name = OPENSSL_NAME_FIXUPS[lower] ?? lower;
    const n = BY_NAME.get(name);
    if (n !== undefined) return { name, number: n };
  }
  // Messages without a code: "... alert certificate revoked ..." / "tlsv13 alert certificate required".
  const words = /(?:sslv3|tlsv1|tlsv13) alert ([a-z ]+?)(?:[:\s]*$|:|\s*\.\.\.|\s+SSL)/i.exec(message);
  if (words) {
    const name = words[1].trim().toLowerCase().replace(/ /g, '_');
    const n = BY_NAME.get(name);
    if (n !== undefined) return { name, number: n };
  }
  return undefined;
}
