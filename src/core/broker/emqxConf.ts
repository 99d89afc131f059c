// Reads the EMQX 4.x emqx.conf lines EMQX users already have (`listener.ssl.external.*`,
// `listener.wss.external*`, `crl_cache_*`) into the raw option object resolveBrokerConfig takes.
// Other EMQX keys are listed as ignored so the user sees what had no effect.
import { unquote } from '../confValue';

export interface EmqxConfResult {
  options: Record<string, unknown>;
  /** Keys that mean nothing to this broker (acceptors, zone, ...), with their line numbers. */
  ignored: Array<{ line: number; key: string }>;
  /** Lines that are not `key = value`. */
  errors: Array<{ line: number; message: string }>;
}

const SSL = 'listener.ssl.external';
const WSS = 'listener.wss.external';

/** EMQX option name (after the listener prefix) -> our option name. */
const sslKeys: Record<string, string> = {
  keyfile: 'keyfile',
  certfile: 'certfile',
  cacertfile: 'cacertfile',
  verify: 'verify',
  fail_if_no_peer_cert: 'fail_if_no_peer_cert',
  tls_versions: 'tls_versions',
  ciphers: 'ciphers',
  handshake_timeout: 'handshake_timeout',
  idle_timeout: 'idle_timeout',
  max_connections: 'max_connections',
  enable_crl_check: 'enable_crl_check',
  crl_cache_urls: 'crl_cache_urls',
  crl_cache_refresh_interval: 'crl_cache_refresh_interval',
  crl_cache_http_timeout: 'crl_cache_http_timeout',
  enable_ocsp_stapling: 'enable_ocsp_stapling',
  ocsp_responder_url: 'ocsp_responder_url',
  ocsp_issuer_pem: 'ocsp_issuer_pem',
  ocsp_refresh_interval: 'ocsp_refresh_interval',
  ocsp_refresh_http_timeout: 'ocsp_refresh_http_timeout',
};

/** "8883", "0.0.0.0:8883", "[::1]:8883" -> bind and port. */
function listenAddress(v: string): { bind?: string; port: number } | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(v) ?? /^()()(\d+)$/.exec(v);
  if (!m) return undefined;
  const bind = m[1] || m[2] || undefined;
  return { bind, port: Number(m[3]) };
}

export function parseEmqxConf(text: string): EmqxConfResult {
  // emqx.conf lines are EMQX 4.x: its revocation model (crl_cache_urls) is the emqx4 profile.
  const options: Record<string, unknown> = { profile: 'emqx4' };
  const ignored: EmqxConfResult['ignored'] = [];
  const errors: EmqxConfResult['errors'] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((rawLine, i) => {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq < 0) {
      errors.push({ line: i + 1, message: `expected "key = value": ${line.slice(0, 80)}` });
      return;
    }
    const key = line.slice(0, eq).trim();
    const value = unquote(line.slice(eq + 1));
    if (key === SSL || key === WSS) {
      const addr = listenAddress(value);
      if (!addr) {
        errors.push({ line: i + 1, message: `${key}: expected a port or host:port, got "${value}"` });
        return;
      }
      if (key === SSL) {
        options.port = addr.port;
        if (addr.bind) options.bind = addr.bind;
      } else {
        options.wssPort = addr.port;
      }
      return;
    }
    if (key === `${WSS}.mqtt_path`) {
      options.wssPath = value;
      return;
    }
    if (key === 'zone.external.idle_timeout' || key === 'mqtt.idle_timeout') {
      options.idle_timeout = value;
      return;
    }
    if (key === 'zone.external.max_packet_size' || key === 'mqtt.max_packet_size') {
      options.max_packet_size = value;
      return;
    }
    const name = key.startsWith(`${SSL}.`) ? key.slice(SSL.length + 1) : key.startsWith('crl_cache_') ? key : undefined;
    const ours = name === undefined ? undefined : sslKeys[name];
    if (!ours) {
      ignored.push({ line: i + 1, key });
      return;
    }
    options[ours] = value;
  });
  return { options, ignored, errors };
}
