// Parses the probe target. mqtts:// defaults to 8883, wss:// to 443 and path /mqtt (EMQX, HiveMQ,
// mosquitto websockets all use /mqtt); tls:// has no default port because it can be any service.
import type { ProbeScheme } from './types';

export interface ProbeTarget {
  scheme: ProbeScheme;
  host: string;
  port: number;
  /** WebSocket path (wss only). */
  path: string;
}

export class ProbeUrlError extends Error {}

const DEFAULT_PORTS: Record<ProbeScheme, number | undefined> = { mqtts: 8883, wss: 443, tls: undefined };

export function parseProbeUrl(text: string): ProbeTarget {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new ProbeUrlError(`"${text}" is not a URL: use mqtts://host:8883, wss://host:8084/mqtt or tls://host:port`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme === 'mqtt' || scheme === 'ws' || scheme === 'tcp') {
    throw new ProbeUrlError(`${scheme}:// is unencrypted; the probe tests TLS: use ${scheme === 'ws' ? 'wss' : 'mqtts'}://`);
  }
  if (scheme !== 'mqtts' && scheme !== 'wss' && scheme !== 'tls' && scheme !== 'ssl') {
    throw new ProbeUrlError(`unsupported scheme "${scheme}://": use mqtts://, wss:// or tls://`);
  }
  const s: ProbeScheme = scheme === 'ssl' ? 'mqtts' : scheme;
  // URL keeps IPv6 brackets in hostname; net.connect wants them off.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new ProbeUrlError(`"${text}" has no host name`);
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[s];
  if (port === undefined) throw new ProbeUrlError(`tls:// needs a port, e.g. tls://${host}:443`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ProbeUrlError(`bad port in "${text}"`);
  const path = s === 'wss' ? (url.pathname && url.pathname !== '/' ? url.pathname + url.search : '/mqtt') : '';
  return { scheme: s, host, port, path };
}
