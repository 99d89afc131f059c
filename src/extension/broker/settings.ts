// Typed reader of the `certscope.broker.*` settings (named after EMQX's SSL listener options:
// enable_crl_check -> enableCrlCheck, ...). Read at each start, so changes apply on the next
// start/restart. Empty file settings mean "take it from the workspace CA".
import * as vscode from 'vscode';

export interface BrokerSettings {
  bind: string;
  port: number;
  wssPort: number | null;
  certfile: string;
  keyfile: string;
  cacertfile: string;
  verify: 'verify_peer' | 'verify_none';
  failIfNoPeerCert: boolean;
  tlsVersions: string[];
  enableCrlCheck: boolean;
  crlFiles: string[];
  crlCacheUrls: string[];
  crlCacheRefreshInterval: string;
  crlCacheHttpTimeout: string;
  enableOcspStapling: boolean;
  ocspResponderUrl: string;
  ocspIssuerPem: string;
  ocspRefreshInterval: string;
  ocspRefreshHttpTimeout: string;
}

export function readBrokerSettings(): BrokerSettings {
  const c = vscode.workspace.getConfiguration('certscope.broker');
  return {
    bind: c.get<string>('bind', '127.0.0.1'),
    port: c.get<number>('port', 8883),
    wssPort: c.get<number | null>('wssPort', 8084),
    certfile: c.get<string>('certfile', ''),
    keyfile: c.get<string>('keyfile', ''),
    cacertfile: c.get<string>('cacertfile', ''),
    verify: c.get<'verify_peer' | 'verify_none'>('verify', 'verify_peer'),
    failIfNoPeerCert: c.get<boolean>('failIfNoPeerCert', true),
    tlsVersions: c.get<string[]>('tlsVersions', ['tlsv1.3', 'tlsv1.2']),
    enableCrlCheck: c.get<boolean>('enableCrlCheck', true),
    crlFiles: c.get<string[]>('crlFiles', []),
    crlCacheUrls: c.get<string[]>('crlCacheUrls', []),
    crlCacheRefreshInterval: c.get<string>('crlCacheRefreshInterval', '15m'),
    crlCacheHttpTimeout: c.get<string>('crlCacheHttpTimeout', '15s'),
    enableOcspStapling: c.get<boolean>('enableOcspStapling', true),
    ocspResponderUrl: c.get<string>('ocspResponderUrl', ''),
    ocspIssuerPem: c.get<string>('ocspIssuerPem', ''),
    ocspRefreshInterval: c.get<string>('ocspRefreshInterval', '5m'),
    ocspRefreshHttpTimeout: c.get<string>('ocspRefreshHttpTimeout', '15s'),
  };
}

/** Setting name -> EMQX option name (README table, markdownDescriptions, export). */
export const EMQX_NAMES: Record<keyof BrokerSettings, string> = {
  bind: 'listeners.ssl.default.bind (4.x: listener.ssl.external)',
  port: 'listeners.ssl.default.bind (4.x: listener.ssl.external)',
  wssPort: 'listeners.wss.default.bind (4.x: listener.wss.external)',
  certfile: 'certfile',
  keyfile: 'keyfile',
  cacertfile: 'cacertfile',
  verify: 'verify',
  failIfNoPeerCert: 'fail_if_no_peer_cert',
  tlsVersions: 'versions (4.x: tls_versions)',
  enableCrlCheck: 'enable_crl_check',
  crlFiles: '(none: EMQX reads CRLs from URLs)',
  crlCacheUrls: 'crl_cache_urls',
  crlCacheRefreshInterval: 'crl_cache_refresh_interval (5.x: crl_cache.refresh_interval)',
  crlCacheHttpTimeout: 'crl_cache_http_timeout (5.x: crl_cache.http_timeout)',
  enableOcspStapling: 'enable_ocsp_stapling',
  ocspResponderUrl: 'ocsp_responder_url (5.x: ocsp.responder_url)',
  ocspIssuerPem: 'ocsp_issuer_pem (5.x: ocsp.issuer_pem)',
  ocspRefreshInterval: 'ocsp_refresh_interval (5.x: ocsp.refresh_interval)',
  ocspRefreshHttpTimeout: 'ocsp_refresh_http_timeout (5.x: ocsp.refresh_http_timeout)',
};
