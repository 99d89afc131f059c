// Broker configuration, named after the EMQX SSL listener options so EMQX users recognise them.
// `resolveBrokerConfig` turns loose JSON (CLI file, VS Code settings) into a checked config with
// defaults and clear messages for every mistake.
import { isAbsolute, resolve } from 'node:path';
import { parseDuration } from '../duration';
import { parseSize } from './size';

type TlsVersionName = 'tlsv1.2' | 'tlsv1.3';

/**
 * Whose revocation model the broker follows:
 * - emqx5: CRLs from each client certificate's CRL distribution point (http only), fetched on
 *   first sight into a global cache, leaf only, fail closed; connected clients not re-checked.
 * - emqx4: crl_cache_urls and CRL files; every CA in the chain needs a current CRL.
 * - mosquitto: one crlfile, leaf only, reloaded when it changes; no CRL check on websockets; no stapling.
 */
export type BrokerProfile = 'emqx5' | 'emqx4' | 'mosquitto';
export const brokerProfiles: readonly BrokerProfile[] = ['emqx5', 'emqx4', 'mosquitto'];

export interface BrokerConfig {
  profile: BrokerProfile;
  /** Address to bind. Default 127.0.0.1 (never all interfaces unless asked). */
  bind: string;
  /** MQTT over TLS port. Default 8883; 0 picks a free port. */
  port: number;
  /** MQTT over WebSocket + TLS port (default 8084); null turns the listener off. */
  wssPort: number | null;
  /** WebSocket path (EMQX mqtt_path). Default "/mqtt". */
  wssPath: string;
  certfile: string;
  keyfile: string;
  /** Extra intermediates sent after the server certificate. */
  chainfile?: string;
  /** Trusted CAs for client certificates (EMQX cacertfile). */
  cacertfile?: string;
  /** verify_peer: two-way TLS; verify_none: server certificate only. */
  verify: 'verify_peer' | 'verify_none';
  /** With verify_peer: refuse clients that send no certificate (EMQX default true). */
  fail_if_no_peer_cert: boolean;
  tls_versions: TlsVersionName[];
  /** OpenSSL cipher list for TLS 1.2 (TLS 1.3 always uses the AEAD suites). */
  ciphers?: string;
  handshake_timeout: number;
  /** Time a TLS-connected client has to send MQTT CONNECT (EMQX idle_timeout). Default 15 s. */
  idle_timeout: number;
  max_connections: number;
  /**
   * Largest MQTT packet a client may send, in bytes (EMQX mqtt.max_packet_size, default 1MB).
   * A larger declared length ends the connection: MQTT 5 DISCONNECT 0x95, 3.1.1 a close.
   */
  max_packet_size: number;
  enable_crl_check: boolean;
  /** Local CRL files (PEM, several blocks allowed, or DER), reloaded when they change. */
  crl_files: string[];
  crl_cache_urls: string[];
  crl_cache_refresh_interval: number;
  crl_cache_http_timeout: number;
  /**
   * When a reloaded or refetched CRL revokes a connected client: disconnect it (MQTT 5 DISCONNECT
   * 0x98 administrative action, 3.1.1 a close), as AWS IoT does. Off by default, as in EMQX and
   * mosquitto, which keep such clients until they reconnect.
   */
  disconnect_on_revoke: boolean;
  /** Ask an OCSP responder about each client certificate (AIA or ocsp_clients_responder_url), cached. */
  ocsp_check_clients: boolean;
  ocsp_clients_responder_url?: string;
  /** No verified answer: "soft" accepts (with a note), "hard" refuses (certificate_unknown). */
  ocsp_clients_fail: 'soft' | 'hard';
  /** Longest a handshake waits for the responder; never more than handshake_timeout. Default 5 s. */
  ocsp_clients_timeout: number;
  /** emqx5: URLs the global CRL cache keeps (EMQX crl_cache.capacity, default 100). */
  crl_cache_capacity: number;
  /**
   * What to do when a CA in the client's chain has no CRL, or only an expired one. "reject"
   * (OpenSSL's and EMQX's behaviour): refuse the client and say exactly which CRL is missing
   * or stale. "allow": accept it if no loaded CRL lists any certificate of its chain.
   */
  crl_missing: 'reject' | 'allow';
  crl_stale: 'reject' | 'allow';
  /** How often local CRL files are stat()ed in case file watching misses a change. */
  crl_file_poll_interval: number;
  enable_ocsp_stapling: boolean;
  ocsp_responder_url?: string;
  ocsp_issuer_pem?: string;
  ocsp_refresh_interval: number;
  ocsp_refresh_http_timeout: number;
}

const brokerDefaults = {
  profile: 'emqx5',
  bind: '127.0.0.1',
  port: 8883,
  wssPort: 8084,
  wssPath: '/mqtt',
  verify: 'verify_peer',
  fail_if_no_peer_cert: true,
  tls_versions: ['tlsv1.3', 'tlsv1.2'],
  handshake_timeout: 15_000,
  idle_timeout: 15_000,
  max_connections: 10_000,
  max_packet_size: 1024 * 1024,
  enable_crl_check: false,
  crl_files: [],
  crl_cache_urls: [],
  crl_cache_refresh_interval: 15 * 60_000,
  crl_cache_http_timeout: 15_000,
  crl_cache_capacity: 100,
  disconnect_on_revoke: false,
  ocsp_check_clients: false,
  ocsp_clients_fail: 'soft',
  ocsp_clients_timeout: 5_000,
  crl_missing: 'reject',
  crl_stale: 'reject',
  crl_file_poll_interval: 2_000,
  enable_ocsp_stapling: false,
  ocsp_refresh_interval: 5 * 60_000,
  ocsp_refresh_http_timeout: 15_000,
} satisfies Partial<BrokerConfig>;

const known = new Set<string>([
  'profile', 'crl_cache_capacity', 'disconnect_on_revoke', 'ocsp_check_clients', 'ocsp_clients_responder_url', 'ocsp_clients_fail', 'ocsp_clients_timeout', 'bind', 'port', 'wssPort', 'wssPath', 'certfile', 'keyfile', 'chainfile', 'cacertfile', 'verify', 'fail_if_no_peer_cert',
  'tls_versions', 'ciphers', 'handshake_timeout', 'idle_timeout', 'max_connections', 'max_packet_size', 'enable_crl_check', 'crl_files', 'crl_cache_urls',
  'crl_cache_refresh_interval', 'crl_cache_http_timeout', 'crl_missing', 'crl_stale', 'crl_file_poll_interval',
  'enable_ocsp_stapling', 'ocsp_responder_url', 'ocsp_issuer_pem', 'ocsp_refresh_interval', 'ocsp_refresh_http_timeout',
]);

export class BrokerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrokerConfigError';
  }
}

type Raw = Record<string, unknown>;

function str(raw: Raw, key: string): string | undefined {
  const v = raw[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new BrokerConfigError(`${key}: expected a string, got ${JSON.stringify(v)}`);
  return v;
}

function bool(raw: Raw, key: string, dflt: boolean): boolean {
  const v = raw[key];
  if (v === undefined) return dflt;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'on') return true;
  if (v === 'false' || v === 'off') return false;
  throw new BrokerConfigError(`${key}: expected true or false, got ${JSON.stringify(v)}`);
}

function port(raw: Raw, key: string, dflt: number | null): number | null {
  const v = raw[key];
  if (v === undefined) return dflt;
  if (v === null || v === false) return null;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 65535) throw new BrokerConfigError(`${key}: expected a port 0-65535, got ${JSON.stringify(v)}`);
  return n;
}

function list(raw: Raw, key: string): string[] {
  const v = raw[key];
  if (v === undefined || v === null || v === '') return [];
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.map((s) => s.trim()).filter(Boolean);
  throw new BrokerConfigError(`${key}: expected a list of strings, got ${JSON.stringify(v)}`);
}

function oneOf<T extends string>(raw: Raw, key: string, values: readonly T[], dflt: T): T {
  const v = raw[key];
  if (v === undefined) return dflt;
  if (typeof v === 'string' && (values as readonly string[]).includes(v)) return v as T;
  throw new BrokerConfigError(`${key}: expected one of ${values.join(', ')}, got ${JSON.stringify(v)}`);
}

function size(raw: Raw, key: string, dflt: number): number {
  if (raw[key] === undefined) return dflt;
  try {
    return parseSize(raw[key], key);
  } catch (err) {
    throw new BrokerConfigError((err as Error).message);
  }
}

function duration(raw: Raw, key: string, dflt: number): number {
  if (raw[key] === undefined) return dflt;
  try {
    return parseDuration(raw[key], key);
  } catch (err) {
    throw new BrokerConfigError((err as Error).message);
  }
}

/**
 * Checks and completes a configuration. Relative file paths are taken relative to `baseDir`
 * (the folder of the config file). Unknown keys are errors, so typos do not pass silently.
 */
export function resolveBrokerConfig(input: unknown, baseDir = process.cwd()): BrokerConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new BrokerConfigError('the broker configuration must be a JSON object');
  const raw = input as Raw;
  const unknown = Object.keys(raw).filter((k) => !known.has(k));
  if (unknown.length) throw new BrokerConfigError(`unknown option${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
  const file = (key: string): string | undefined => {
    const v = str(raw, key);
    return v === undefined ? undefined : isAbsolute(v) ? v : resolve(baseDir, v);
  };
  const certfile = file('certfile');
  const keyfile = file('keyfile');
  if (!certfile) throw new BrokerConfigError('certfile is required (the server certificate, PEM)');
  if (!keyfile) throw new BrokerConfigError('keyfile is required (the server private key, PEM)');
  const versions = list(raw, 'tls_versions').map((v) => v.toLowerCase());
  for (const v of versions) if (v !== 'tlsv1.2' && v !== 'tlsv1.3') throw new BrokerConfigError(`tls_versions: "${v}" is not supported (use tlsv1.2 and/or tlsv1.3)`);
  const verify = oneOf(raw, 'verify', ['verify_peer', 'verify_none'] as const, brokerDefaults.verify);
  const cacertfile = file('cacertfile');
  if (verify === 'verify_peer' && !cacertfile) throw new BrokerConfigError('verify = verify_peer needs cacertfile (the CAs that issue client certificates)');
  const urls = list(raw, 'crl_cache_urls');
  for (const u of urls) if (!/^https?:\/\//i.test(u)) throw new BrokerConfigError(`crl_cache_urls: "${u}" is not an http(s) URL`);
  // Without a profile: emqx5, unless CRL files or URL lists are given, which only EMQX 4's model has.
  const impliedProfile: BrokerProfile = list(raw, 'crl_files').length || list(raw, 'crl_cache_urls').length ? 'emqx4' : brokerDefaults.profile as BrokerProfile;
  const profile = oneOf(raw, 'profile', brokerProfiles, impliedProfile);
  const cfg: BrokerConfig = {
    profile,
    bind: str(raw, 'bind') ?? brokerDefaults.bind,
    port: port(raw, 'port', brokerDefaults.port) ?? brokerDefaults.port,
    wssPort: port(raw, 'wssPort', brokerDefaults.wssPort),
    wssPath: str(raw, 'wssPath') ?? brokerDefaults.wssPath,
    certfile,
    keyfile,
    chainfile: file('chainfile'),
    cacertfile,
    verify,
    fail_if_no_peer_cert: bool(raw, 'fail_if_no_peer_cert', brokerDefaults.fail_if_no_peer_cert),
    tls_versions: (versions.length ? versions : brokerDefaults.tls_versions) as TlsVersionName[],
    ciphers: str(raw, 'ciphers'),
    handshake_timeout: duration(raw, 'handshake_timeout', brokerDefaults.handshake_timeout),
    idle_timeout: duration(raw, 'idle_timeout', brokerDefaults.idle_timeout),
    max_connections: Number(raw.max_connections ?? brokerDefaults.max_connections),
    max_packet_size: size(raw, 'max_packet_size', brokerDefaults.max_packet_size),
    enable_crl_check: bool(raw, 'enable_crl_check', brokerDefaults.enable_crl_check),
    crl_files: list(raw, 'crl_files').map((f) => (isAbsolute(f) ? f : resolve(baseDir, f))),
    crl_cache_urls: urls,
    crl_cache_refresh_interval: duration(raw, 'crl_cache_refresh_interval', brokerDefaults.crl_cache_refresh_interval),
    crl_cache_http_timeout: duration(raw, 'crl_cache_http_timeout', brokerDefaults.crl_cache_http_timeout),
    crl_cache_capacity: Number(raw.crl_cache_capacity ?? brokerDefaults.crl_cache_capacity),
    disconnect_on_revoke: bool(raw, 'disconnect_on_revoke', brokerDefaults.disconnect_on_revoke),
    ocsp_check_clients: bool(raw, 'ocsp_check_clients', brokerDefaults.ocsp_check_clients),
    ocsp_clients_responder_url: str(raw, 'ocsp_clients_responder_url'),
    ocsp_clients_fail: oneOf(raw, 'ocsp_clients_fail', ['soft', 'hard'] as const, brokerDefaults.ocsp_clients_fail as 'soft'),
    ocsp_clients_timeout: duration(raw, 'ocsp_clients_timeout', brokerDefaults.ocsp_clients_timeout),
    crl_missing: oneOf(raw, 'crl_missing', ['reject', 'allow'] as const, brokerDefaults.crl_missing),
    crl_stale: oneOf(raw, 'crl_stale', ['reject', 'allow'] as const, brokerDefaults.crl_stale),
    crl_file_poll_interval: duration(raw, 'crl_file_poll_interval', brokerDefaults.crl_file_poll_interval),
    enable_ocsp_stapling: bool(raw, 'enable_ocsp_stapling', brokerDefaults.enable_ocsp_stapling),
    ocsp_responder_url: str(raw, 'ocsp_responder_url'),
    ocsp_issuer_pem: file('ocsp_issuer_pem'),
    ocsp_refresh_interval: duration(raw, 'ocsp_refresh_interval', brokerDefaults.ocsp_refresh_interval),
    ocsp_refresh_http_timeout: duration(raw, 'ocsp_refresh_http_timeout', brokerDefaults.ocsp_refresh_http_timeout),
  };
  if (!Number.isInteger(cfg.max_connections) || cfg.max_connections < 1) throw new BrokerConfigError(`max_connections: expected a positive integer, got ${JSON.stringify(raw.max_connections)}`);
  // MQTT's remaining length field ends at 268,435,455 (256 MB); below 64 bytes no CONNECT fits.
  if (cfg.max_packet_size < 64 || cfg.max_packet_size > 268_435_460) throw new BrokerConfigError(`max_packet_size: expected 64 bytes to 256MB, got ${JSON.stringify(raw.max_packet_size)}`);
  if (cfg.handshake_timeout <= 0 || cfg.idle_timeout <= 0) throw new BrokerConfigError('handshake_timeout and idle_timeout must be positive');
  if (cfg.crl_cache_refresh_interval <= 0 || cfg.crl_cache_http_timeout <= 0) throw new BrokerConfigError('crl_cache_refresh_interval and crl_cache_http_timeout must be positive');
  if (cfg.enable_crl_check && cfg.verify !== 'verify_peer') throw new BrokerConfigError('enable_crl_check needs verify = verify_peer (CRLs are checked against client certificates)');
  if (!Number.isInteger(cfg.crl_cache_capacity) || cfg.crl_cache_capacity < 1) throw new BrokerConfigError(`crl_cache_capacity: expected a positive integer, got ${JSON.stringify(raw.crl_cache_capacity)}`);
  checkProfile(cfg);
  if (cfg.ocsp_check_clients && cfg.verify !== 'verify_peer') throw new BrokerConfigError('ocsp_check_clients needs verify = verify_peer (it checks client certificates)');
  if (cfg.ocsp_clients_responder_url && !/^https?:\/\//i.test(cfg.ocsp_clients_responder_url)) throw new BrokerConfigError(`ocsp_clients_responder_url: "${cfg.ocsp_clients_responder_url}" is not an http(s) URL`);
  if (cfg.wssPort !== null && cfg.wssPort !== 0 && cfg.wssPort === cfg.port) throw new BrokerConfigError(`port and wssPort are both ${cfg.port}`);
  if (!cfg.wssPath.startsWith('/')) throw new BrokerConfigError(`wssPath must start with "/", got "${cfg.wssPath}"`);
  return cfg;
}

/** The options each broker has: a setting the modelled broker does not know is an error, not ignored. */
function checkProfile(cfg: BrokerConfig): void {
  const hasCrlConfig = cfg.crl_files.length > 0 || cfg.crl_cache_urls.length > 0;
  switch (cfg.profile) {
    case 'emqx5':
      if (hasCrlConfig) {
        throw new BrokerConfigError('profile emqx5: EMQX 5 has no crl_files or crl_cache_urls: it fetches each client certificate\'s CRL from the certificate\'s CRL distribution point (use profile emqx4 or mosquitto for CRL files and URL lists)');
      }
      return;
    case 'emqx4':
      if (cfg.enable_crl_check && !hasCrlConfig) throw new BrokerConfigError('enable_crl_check is on but no CRL is configured: set crl_files and/or crl_cache_urls');
      return;
    case 'mosquitto':
      if (cfg.crl_cache_urls.length) throw new BrokerConfigError('profile mosquitto: mosquitto reads CRLs from one crlfile only, not from URLs (crl_cache_urls)');
      if (cfg.enable_crl_check && cfg.crl_files.length !== 1) throw new BrokerConfigError(`profile mosquitto: crlfile is one file (it may hold several CRLs); got ${cfg.crl_files.length} in crl_files`);
      if (cfg.enable_ocsp_stapling) throw new BrokerConfigError('profile mosquitto: mosquitto listeners do not staple OCSP responses (turn enable_ocsp_stapling off)');
      return;
  }
}
