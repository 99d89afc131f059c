// The probe's inputs and its result. The result is plain JSON (dates as ISO strings) so the CLI
// can print it with --json and the test panel can post it to the webview unchanged.

export type ProbeScheme = 'mqtts' | 'wss' | 'tls';
type TlsVersionChoice = '1.2' | '1.3';
type MqttVersionChoice = '3.1.1' | '5';

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

/** A CRL or OCSP response the user gave or the workspace holds (DER), and where it came from. */
export interface RevocationSource {
  der: Uint8Array;
  /** A file name or URL, for messages. */
  source: string;
}

/** Where the diagnosis is read: the CLI names flags (--cert), the Connection Test names its fields. */
export type Surface = 'cli' | 'form';

export interface ProbeContext {
  revocations?: KnownRevocation[];
  /** CRLs to judge the client certificate (and the server's CRL freshness) with. */
  crls?: RevocationSource[];
  /** OCSP responses about the client certificate. */
  ocspResponses?: RevocationSource[];
  /** Name of the CA the workspace issued the certificates from, for messages. */
  caName?: string;
  /** How fixes name the inputs. Default 'cli'. */
  surface?: Surface;
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
  /** Fetch the client certificate's CRL (CRL distribution point) / OCSP status (AIA) over HTTP. Off by default. */
  fetchRevocation?: boolean;
  /** Run a few short extra connections when the evidence is ambiguous. Default true. */
  differential?: boolean;
  /** Receives every key-log line (SSLKEYLOGFILE format). Never set by default: the lines are secrets. */
  keylog?: { write(line: Uint8Array): void; path?: string };
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
  /** True when it came before the probe wrote MQTT CONNECT. */
  beforeConnect?: boolean;
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
  /** Key algorithm: "RSA", "EC", "Ed25519", ... (with its size or curve in keyDetail). */
  keyType?: string;
  keyDetail?: string;
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

interface HostnameReport {
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

interface TlsReport {
  version?: string;
  cipher?: string;
  alpn?: string | false;
  servername?: string;
  /** true/false when seen on the wire (CertificateRequest), undefined when unknown. */
  clientCertRequested?: boolean;
  /** CA names the server listed in its CertificateRequest (RFC 4514-ish strings). */
  acceptedCaNames: string[];
  /** Signature algorithms the CertificateRequest allows for the client's signature. */
  acceptedSignatureAlgorithms?: string[];
  /** How long the handshake took (ms). */
  handshakeMs?: number;
  clientCertSent: boolean;
  /** How many certificates our Certificate message carried (leaf + intermediates), when read from the wire. */
  clientCertCount?: number;
  /** Node's session ticket arrived: for TLS 1.3 the server accepted our Finished (and certificate). */
  sessionTicket: boolean;
}

interface MqttReport {
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
  | 'server_unavailable' | 'mqtt_refused' | 'roundtrip_failed' | 'websocket_failed' | 'alert' | 'tls_protocol_error' | 'cancelled' | 'unknown'
  | 'server_crl_stale';

export type Confidence = 'certain' | 'likely' | 'possible';

export interface Diagnosis {
  kind: FailureKind;
  severity: 'error' | 'warning';
  /** What went wrong, in plain words. */
  cause: string;
  /** What to do about it (rendered for the surface the probe ran from: CLI flags or form fields). */
  fix: string;
  /** How sure: the server said so / the evidence points one way / one of several candidates. */
  confidence: Confidence;
  /** The facts this cause rests on, in plain words. */
  evidence: string[];
}

/** What the CRLs / OCSP responses given (or fetched) say about the client certificate. */
export interface RevocationEvidence {
  status: 'revoked' | 'good' | 'unknown';
  /** Which CRL / OCSP response decided it. */
  source?: string;
  revokedAt?: string;
  reason?: string;
  /** CRLs of the client certificate's issuer that are past nextUpdate (a server loading them refuses everyone). */
  staleCrls: Array<{ source: string; nextUpdate: string }>;
  /** Every source looked at, and what it said. */
  checked: string[];
}

export interface DifferentialProbe {
  /** "without the client certificate", "TLS 1.2", "another client id", "plain MQTT (no TLS)". */
  variant: string;
  /** What the server did, in words. */
  outcome: string;
  /** The variant got through (TLS handshake accepted, or CONNACK accepted for MQTT variants). */
  ok: boolean;
  /** The TLS handshake completed on our side. */
  handshake: boolean;
  /** The first alert the server sent, if any. */
  alert?: { name: string; number: number };
  /** A plain MQTT broker answered with a CONNACK (the port does not speak TLS). */
  plainMqtt?: boolean;
}

export interface ServerStackGuess {
  name: string;
  confidence: Confidence;
  evidence: string[];
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
  /** The other certificates in the client certificate file (intermediates), as summaries. */
  clientChain?: CertSummary[];
  /** Revocation facts about the client certificate. */
  revocation?: RevocationEvidence;
  /** The server closed right after the handshake, before it could have read CONNECT. */
  closedBeforeConnect?: boolean;
  /** What came back when the TLS handshake failed: byte count, whether it looked like TLS. */
  received?: { bytes: number; tls?: boolean; first?: string };
  /** Extra short probes run to tell causes apart. */
  differential?: DifferentialProbe[];
  /** The TLS version the probe was limited to, if any. */
  offeredTls?: TlsVersionChoice;
  /** The server's TLS stack, guessed from how it refused. */
  serverStack?: ServerStackGuess;
  diagnosis: Diagnosis[];
}
