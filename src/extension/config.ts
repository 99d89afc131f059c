// The one typed reader of Certscope settings. Features call readConfig() when they need a value
// (never cache it across commands), so changes to settings apply without reloading.
// Every key here must be declared in package.json `contributes.configuration`.
import * as vscode from 'vscode';

export interface CertscopeConfig {
  /** certscope.inspect.openToSide: open decoded documents beside the current editor. */
  inspectOpenToSide: boolean;
  /** Inspection features (helper F): workspace index, hover, CodeLens, diagnostics, decorations. */
  inspectInclude: string;
  inspectExclude: string[];
  inspectMaxFileSizeKB: number;
  inspectCodeLens: boolean;
  inspectHover: boolean;
  inspectFileDecorations: boolean;
  diagnosticsEnabled: boolean;
  diagnosticsExpiringDays: number;
}

export function readConfig(scope?: vscode.ConfigurationScope): CertscopeConfig {
  const c = vscode.workspace.getConfiguration('certscope', scope);
  return {
    inspectOpenToSide: c.get<boolean>('inspect.openToSide', false),
    inspectInclude: c.get<string>('inspect.include', '**/*.{pem,crt,cer,cert,der,crl,csr,key,p7b,p7c,p12,pfx,ocsp,resp,yaml,yml,json}'),
    inspectExclude: c.get<string[]>('inspect.exclude', ['**/node_modules/**', '**/.git/**']),
    inspectMaxFileSizeKB: c.get<number>('inspect.maxFileSizeKB', 5120),
    inspectCodeLens: c.get<boolean>('inspect.codeLens', true),
    inspectHover: c.get<boolean>('inspect.hover', true),
    inspectFileDecorations: c.get<boolean>('inspect.fileDecorations', true),
    diagnosticsEnabled: c.get<boolean>('diagnostics.enabled', true),
    diagnosticsExpiringDays: c.get<number>('diagnostics.expiringDays', 30),
  };
}

/**
 * certscope.broker.*: named after EMQX's SSL listener options (enable_crl_check -> enableCrlCheck,
 * ...). Read at each broker start, so changes apply on the next start/restart. Empty file settings
 * mean "take it from the workspace CA".
 */
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
  maxPacketSize: string;
  disconnectOnRevoke: boolean;
  ocspCheckClients: boolean;
  ocspClientsResponderUrl: string;
  ocspClientsFail: 'soft' | 'hard';
  profile: 'emqx5' | 'emqx4' | 'mosquitto';
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
  const c = vscode.workspace.getConfiguration('certscope');
  return {
    bind: c.get<string>('broker.bind', '127.0.0.1'),
    port: c.get<number>('broker.port', 8883),
    wssPort: c.get<number | null>('broker.wssPort', 8084),
    certfile: c.get<string>('broker.certfile', ''),
    keyfile: c.get<string>('broker.keyfile', ''),
    cacertfile: c.get<string>('broker.cacertfile', ''),
    verify: c.get<'verify_peer' | 'verify_none'>('broker.verify', 'verify_peer'),
    failIfNoPeerCert: c.get<boolean>('broker.failIfNoPeerCert', true),
    tlsVersions: c.get<string[]>('broker.tlsVersions', ['tlsv1.3', 'tlsv1.2']),
    maxPacketSize: c.get<string>('broker.maxPacketSize', '1MB'),
    disconnectOnRevoke: c.get<boolean>('broker.disconnectOnRevoke', false),
    ocspCheckClients: c.get<boolean>('broker.ocspCheckClients', false),
    ocspClientsResponderUrl: c.get<string>('broker.ocspClientsResponderUrl', ''),
    ocspClientsFail: c.get<'soft' | 'hard'>('broker.ocspClientsFail', 'soft'),
    profile: c.get<'emqx5' | 'emqx4' | 'mosquitto'>('broker.profile', 'emqx5'),
    enableCrlCheck: c.get<boolean>('broker.enableCrlCheck', true),
    crlFiles: c.get<string[]>('broker.crlFiles', []),
    crlCacheUrls: c.get<string[]>('broker.crlCacheUrls', []),
    crlCacheRefreshInterval: c.get<string>('broker.crlCacheRefreshInterval', '15m'),
    crlCacheHttpTimeout: c.get<string>('broker.crlCacheHttpTimeout', '15s'),
    enableOcspStapling: c.get<boolean>('broker.enableOcspStapling', true),
    ocspResponderUrl: c.get<string>('broker.ocspResponderUrl', ''),
    ocspIssuerPem: c.get<string>('broker.ocspIssuerPem', ''),
    ocspRefreshInterval: c.get<string>('broker.ocspRefreshInterval', '5m'),
    ocspRefreshHttpTimeout: c.get<string>('broker.ocspRefreshHttpTimeout', '15s'),
  };
}
