// The probe's inputs and its result. The result is plain JSON (dates as ISO strings) so the CLI
// can print it with --json and the test panel can post it to the webview unchanged.

export type ProbeScheme = 'mqtts' | 'wss' | 'tls';
export type TlsVersionChoice = '1.2' | '1.3';
export type MqttVersionChoice = '3.1.1' | '5';

/** PEM text plus where it came from (a file name), used only for messages. */
export interface PemInput {
  pem: string;
  source?: string;
}

/** What the workspace knows about a revocation, so the diagnosis can say which CRL/OCSP and why. */
export interface KnownRevocation {
  /** Normalised serial: lowercase hex, no colons, no leading zeros. */
  serialHex: string;
  revokedAt?: string;
  reason?: string;
  /** "CRL #3 of Demo CA (ca/crl.pem)" or "OCSP responder http://127.0.0.1:…". */
  source: string;
}

export interface ProbeContext {
  revocations?: KnownRevocation[];
  /** Name of the CA the workspace issued the certificates from, for messages. */
  caName?: string;
}

export interface ProbeOptions {
  url: string;
  /** Trusted CA certificates for the server chain (PEM, may hold several). Default: Node's bundle. */
  ca?: PemInput;
  /** Client certificate (leaf first, optional intermediates after it). */
  cert?: PemInput;
  key?: PemInput;
  servername?: string;
  tlsVersion?: TlsVersionChoice;
  /** Ask for a stapled OCSP response (status_request). */
  requestOcsp?: boolean;
  mqttVersion?: MqttVersionChoice;
  clientId?: string;
  username?: string;
  password?: string;
  /** Per-step timeout (DNS+TCP, TLS, each MQTT exchange). Default 10 s. */
  timeoutMs?: number;
  /** How long to keep reading after a TLS 1.3 handshake of a tls:// probe for a late rejection. Default 1.5 s. */
  lateAlertWaitMs?: number;
  /** Skip the subscribe/publish round trip. */
  skipRoundTrip?: boolean;
  context?: ProbeContext;
  now?: () => Date;
  /** Cancels the probe: sockets are destroyed and the result says "cancelled". */
  signal?: AbortSignal;
}

export type StepStatus = 'ok' | 'fail' | 'warn' | 'skipped';

export type StepName =
  | 'preflight' | 'dns' | 'tcp' | 'tls' | 'server-chain' | 'hostname' | 'staple' | 'client-cert'
  | 'late-alert' | 'websocket' | 'mqtt-connect' | 'mqtt-roundtrip';

export interface TraceStep {
  name: StepName;
  title: string;
  /** Milliseconds since the probe started. */
  startMs: number;
  durationMs: number;
  status: StepStatus;
  /** Ordered key/value lines for display. */
  details: Array<[string, string]>;
}

export interface AlertInfo {
  /** RFC 8446 name, e.g. "certificate_revoked". */
  name: string;
  number: number;
  level?: 'warning' | 'fatal';
  direction: 'received' | 'sent';
  /** Whether the alert came before or after our side finished the handshake (secureConnect). */
  phase: 'during-handshake' | 'after-handshake';
  /** How we learnt it: decrypted/plain record on the wire, or Node's error code/message. */
  evidence: 'record' | 'error';
  /** The Node error code or message it came with, if any. */
  raw?: string;
}

export interface CertSummary {
  subject: string;
  issuer: string;
  serialHex: string;
  notBefore: string;
  notAfter: string;
  sans: string[];
  sha256: string;
  isCA: boolean;
  selfSigned: boolean;
  mustStaple: boolean;
  /** Key usage purposes by name (serverAuth, clientAuth, ...) where known. */
  extKeyUsage: string[];
  /** Validity at probe time: "valid", "expired", "notYetValid". */
  validity: 'valid' | 'expired' | 'notYetValid';
  pem: string;
}

export interface ChainReport {
  /** As the server sent them (from the wire when available, else Node's view). */
  certificates: CertSummary[];
  /** "wire" when read from the handshake bytes; "node" when rebuilt by Node (order may be fixed up). */
  origin: 'wire' | 'node';
  trusted: boolean;
  /** OpenSSL/Node verification code, e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE. */
  errorCode?: string;
  problems: string[];
  /** Certscope's own RFC 5280 validation against the given CA (only with --ca). */
  pathValidation?: { valid: boolean; failure?: string; path: string[] };
}

export interface HostnameReport {
  host: string;
  ok: boolean;
  names: string[];
  message?: string;
}

export interface StapleReport {
  requested: boolean;
  present: boolean;
  /** good / revoked / unknown, or the responseStatus when unsuccessful. */
  status?: string;
  revokedAt?: string;
  reason?: string;
  thisUpdate?: string;
  nextUpdate?: string;
  producedAt?: string;
  signatureValid?: boolean;
  certIdMatches?: boolean;
  fresh?: boolean;
  mustStaple: boolean;
  problems: string[];
}

export interface TlsReport {
  version?: string;
  cipher?: string;
  alpn?: string | false;
  servername?: string;
  /** true/false when seen on the wire (CertificateRequest), undefined when unknown. */
  clientCertRequested?: boolean;
  /** CA names the server listed in its CertificateRequest (RFC 4514-ish strings). */
  acceptedCaNames: string[];
  clientCertSent: boolean;
  /** How many certificates our Certificate message carried (leaf + intermediates), when read from the wire. */
  clientCertCount?: number;
  /** Node's session ticket arrived: for TLS 1.3 the server accepted our Finished (and certificate). */
  sessionTicket: boolean;
}

export interface MqttReport {
  version: MqttVersionChoice;
  clientId: string;
  /** The user name sent in CONNECT (never the password). */
  username?: string;
  connack?: { code: number; name: string; sessionPresent: boolean; reasonString?: string; answeredAs?: '3.1.1' | '5' };
  roundTrip?: { topic: string; ok: boolean; subackCodes?: number[]; message?: string };
}

export type FailureKind =
  | 'revoked' | 'expired' | 'unknown_ca' | 'bad_certificate' | 'certificate_required' | 'handshake_failure'
  | 'protocol_version' | 'hostname_mismatch' | 'untrusted_server_chain' | 'incomplete_server_chain'
  | 'self_signed_server' | 'server_cert_expired' | 'staple_missing' | 'staple_revoked' | 'staple_invalid'
  | 'key_mismatch' | 'client_cert_expired' | 'client_cert_not_yet_valid' | 'client_cert_no_clientauth'
  | 'client_chain_not_to_ca' | 'client_intermediate_not_sent' | 'bad_input'
  | 'refused' | 'dns' | 'unreachable' | 'timeout' | 'not_tls' | 'closed' | 'rejected_after_handshake'
  | 'not_mqtt' | 'mqtt_protocol_version' | 'not_authorized' | 'bad_credentials' | 'identifier_rejected'
  | 'server_unavailable' | 'mqtt_refused' | 'roundtrip_failed' | 'websocket_failed' | 'alert' | 'tls_protocol_error' | 'cancelled' | 'unknown';

export interface Diagnosis {
  kind: FailureKind;
  severity: 'error' | 'warning';
  /** What went wrong, in plain words. */
  cause: string;
  /** What to do about it. */
  fix: string;
}

export interface ProbeResult {
  url: string;
  scheme: ProbeScheme;
  host: string;
  port: number;
  ok: boolean;
  startedAt: string;
  totalMs: number;
  steps: TraceStep[];
  tls?: TlsReport;
  chain?: ChainReport;
  hostname?: HostnameReport;
  staple?: StapleReport;
  alerts: AlertInfo[];
  mqtt?: MqttReport;
  /** The first hard error (code and message as Node reported it). */
  error?: { step: StepName; code?: string; message: string; notTls?: boolean };
  /** The client certificate we presented, if any. */
  clientCert?: CertSummary;
  diagnosis: Diagnosis[];
}
