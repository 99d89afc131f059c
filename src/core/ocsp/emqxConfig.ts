// EMQX's OCSP stapling settings -> StaplerOptions, so the broker, its VS Code settings and the
// `certscope broker --config` JSON all read them the same way.
//   enable_ocsp_stapling, ocsp_responder_url, ocsp_issuer_pem (a file path),
//   ocsp_refresh_interval (default 5m), ocsp_refresh_http_timeout (default 15s)
import type { StaplerOptions } from './stapler';
import { parseDuration } from '../duration';

export interface EmqxOcspSettings {
  enable_ocsp_stapling?: boolean | string;
  ocsp_responder_url?: string;
  ocsp_issuer_pem?: string;
  /** "5m", "300s", "1h", or milliseconds as a number. */
  ocsp_refresh_interval?: string | number;
  ocsp_refresh_http_timeout?: string | number;
}

export class OcspConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OcspConfigError';
  }
}

/** EMQX duration ("500ms", "15s", "5m", "1h", "1d"; a bare number is ms) -> milliseconds, positive. */
export function parseDurationMs(value: string | number, name: string): number {
  try {
    return parseDuration(value, name, { positive: true });
  } catch (err) {
    throw new OcspConfigError((err as Error).message);
  }
}

/**
 * Undefined when stapling is off. Throws OcspConfigError with the setting's name when a required
 * setting is missing or malformed. `readFile` reads ocsp_issuer_pem (injected: core stays I/O-agnostic).
 */
export function staplerOptionsFromEmqx(s: EmqxOcspSettings, readFile: (path: string) => string | Uint8Array): StaplerOptions | undefined {
  const on = s.enable_ocsp_stapling === true || s.enable_ocsp_stapling === 'true';
  if (!on) return undefined;
  if (!s.ocsp_issuer_pem) throw new OcspConfigError('enable_ocsp_stapling is on but ocsp_issuer_pem (the issuer certificate file) is not set');
  let issuer: string | Uint8Array;
  try {
    issuer = readFile(s.ocsp_issuer_pem);
  } catch (err) {
    throw new OcspConfigError(`ocsp_issuer_pem: cannot read ${s.ocsp_issuer_pem}: ${(err as Error).message}`);
  }
  if (s.ocsp_responder_url !== undefined) {
    let u: URL;
    try {
      u = new URL(s.ocsp_responder_url);
    } catch {
      throw new OcspConfigError(`ocsp_responder_url: "${s.ocsp_responder_url}" is not a URL`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new OcspConfigError(`ocsp_responder_url: use http:// (got ${u.protocol})`);
  }
  return {
    ...(s.ocsp_responder_url ? { responderUrl: s.ocsp_responder_url } : {}),
    issuer,
    refreshIntervalMs: parseDurationMs(s.ocsp_refresh_interval ?? '5m', 'ocsp_refresh_interval'),
    httpTimeoutMs: parseDurationMs(s.ocsp_refresh_http_timeout ?? '15s', 'ocsp_refresh_http_timeout'),
  };
}
