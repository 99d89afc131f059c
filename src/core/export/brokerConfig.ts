// Broker configuration text for real brokers, from the same facts the local broker runs on: the
// server certificate, key and CA files, the CRL sources and the OCSP responder. Three flavours:
// EMQX 4.x (emqx.conf `listener.ssl.external.*` lines), EMQX 5.x (HOCON `listeners.ssl.default`)
// and mosquitto (`listener` + cafile/certfile/keyfile/crlfile). What a flavour cannot express
// (mosquitto has no OCSP stapling; EMQX reads CRLs from URLs only) becomes a warning, both in the
// returned list and as a comment in the text, so a user never ships a config that silently drops
// revocation checking.
import { formatDuration } from '../duration';

export type ExportFlavor = 'emqx4' | 'emqx5' | 'mosquitto';
export const EXPORT_FLAVORS: readonly ExportFlavor[] = ['emqx4', 'emqx5', 'mosquitto'];

type TlsVersion = 'tlsv1.2' | 'tlsv1.3';

export interface ExportInput {
  /** Server certificate (leaf, optionally followed by intermediates), absolute path. */
  certfile: string;
  keyfile: string;
  /** CAs that issue client certificates (and that clients trust), absolute path. */
  cacertfile: string;
  /** Address and port of the TLS listener. */
  bind: string;
  port: number;
  /** Two-way TLS: ask for and verify client certificates. */
  verifyPeer: boolean;
  failIfNoPeerCert: boolean;
  tlsVersions: TlsVersion[];
  /**
   * CRL checking; undefined = off. `distributionPoints`: the client certificates carry an http CRL
   * distribution point (what EMQX 5 reads); `capacity`: EMQX 5's crl_cache.capacity.
   */
  crl?: { files: string[]; urls: string[]; refreshIntervalMs: number; httpTimeoutMs: number; distributionPoints?: boolean; capacity?: number };
  /** OCSP stapling; undefined = off. */
  ocsp?: { responderUrl: string; issuerPem: string; refreshIntervalMs: number; httpTimeoutMs: number };
}

export interface ExportResult {
  flavor: ExportFlavor;
  /** Suggested file name. */
  fileName: string;
  text: string;
  /** What the flavour cannot do with this input, in words (also written as comments in `text`). */
  warnings: string[];
}

export class ExportError extends Error {
  override readonly name = 'ExportError';
}

export const FLAVOR_LABELS: Record<ExportFlavor, string> = {
  emqx4: 'EMQX 4.x (emqx.conf)',
  emqx5: 'EMQX 5.x (HOCON)',
  mosquitto: 'mosquitto (mosquitto.conf)',
};

/** 900000 -> "15m", 15000 -> "15s": the duration syntax EMQX 4 and 5 both read. */
export function emqxDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) throw new ExportError(`duration must be positive, got ${ms} ms`);
  return formatDuration(ms, { days: false });
}

function check(input: ExportInput): void {
  const files: Array<[string, string | undefined]> = [
    ['certfile', input.certfile], ['keyfile', input.keyfile], ['cacertfile', input.cacertfile],
    ...(input.crl?.files ?? []).map((f): [string, string] => ['crl file', f]),
    ['ocsp issuer', input.ocsp?.issuerPem],
  ];
  for (const [what, f] of files) {
    if (f === undefined) continue;
    if (!f) throw new ExportError(`${what}: empty path`);
    // Every format here is line-based: a line break in a path would inject configuration.
    if (/[\r\n]/.test(f)) throw new ExportError(`${what}: the path contains a line break`);
  }
  if (!Number.isInteger(input.port) || input.port < 1 || input.port > 65535) throw new ExportError(`port must be 1-65535, got ${input.port}`);
  if (input.tlsVersions.length === 0) throw new ExportError('at least one TLS version is needed');
  if (input.crl && input.crl.files.length === 0 && input.crl.urls.length === 0 && !input.crl.distributionPoints) throw new ExportError('CRL checking is on but no CRL file, URL or distribution point is given');
  if (input.crl && !input.verifyPeer) throw new ExportError('CRL checking needs verify_peer (CRLs are checked against client certificates)');
  for (const u of [...(input.crl?.urls ?? []), ...(input.ocsp ? [input.ocsp.responderUrl] : [])]) {
    if (!/^https?:\/\/[^\s"]+$/i.test(u)) throw new ExportError(`"${u}" is not an http(s) URL`);
  }
}

function header(flavor: ExportFlavor, comment: string): string[] {
  return [
    `${comment} ${FLAVOR_LABELS[flavor]}: TLS listener with client certificates, written by Certscope.`,
    `${comment} Paths are absolute; copy the files with the configuration if the broker runs elsewhere.`,
  ];
}

export function exportBrokerConfig(input: ExportInput, flavor: ExportFlavor): ExportResult {
  check(input);
  switch (flavor) {
    case 'emqx4': return emqx4(input);
    case 'emqx5': return emqx5(input);
    case 'mosquitto': return mosquitto(input);
    default: throw new ExportError(`unknown flavour "${String(flavor)}" (${EXPORT_FLAVORS.join(', ')})`);
  }
}

function hostPort(bind: string, port: number): string {
  return `${bind.includes(':') ? `[${bind}]` : bind}:${port}`;
}

function emqx4(i: ExportInput): ExportResult {
  const warnings: string[] = [];
  const p = 'listener.ssl.external';
  const lines = header('emqx4', '##');
  lines.push(`${p} = ${hostPort(i.bind, i.port)}`);
  lines.push(`${p}.keyfile = ${i.keyfile}`, `${p}.certfile = ${i.certfile}`, `${p}.cacertfile = ${i.cacertfile}`);
  lines.push(`${p}.verify = ${i.verifyPeer ? 'verify_peer' : 'verify_none'}`);
  lines.push(`${p}.fail_if_no_peer_cert = ${i.verifyPeer && i.failIfNoPeerCert}`);
  lines.push(`${p}.tls_versions = ${i.tlsVersions.join(',')}`);
  if (i.crl) {
    lines.push(`${p}.enable_crl_check = true`);
    if (i.crl.urls.length) lines.push(`${p}.crl_cache_urls = ${i.crl.urls.join(',')}`);
    else if (i.crl.distributionPoints) warnings.push('EMQX 4 does not read CRL distribution points: list the CRL URLs in crl_cache_urls (publish the CRL with "Certscope: Publish CRL" and export again)');
    else warnings.push('EMQX fetches CRLs from URLs only (crl_cache_urls); publish the CRL over HTTP ("Certscope: Publish CRL") and export again');
    lines.push(`crl_cache_refresh_interval = ${emqxDuration(i.crl.refreshIntervalMs)}`);
    lines.push(`crl_cache_http_timeout = ${emqxDuration(i.crl.httpTimeoutMs)}`);
  }
  if (i.ocsp) {
    lines.push(`${p}.enable_ocsp_stapling = true`);
    lines.push(`${p}.ocsp_responder_url = ${i.ocsp.responderUrl}`);
    lines.push(`${p}.ocsp_issuer_pem = ${i.ocsp.issuerPem}`);
    lines.push(`${p}.ocsp_refresh_interval = ${emqxDuration(i.ocsp.refreshIntervalMs)}`);
    lines.push(`${p}.ocsp_refresh_http_timeout = ${emqxDuration(i.ocsp.httpTimeoutMs)}`);
  }
  return finish('emqx4', 'emqx.conf', lines, warnings, '##');
}

function emqx5(i: ExportInput): ExportResult {
  const warnings: string[] = [];
  const q = (s: string): string => JSON.stringify(s);
  const lines = header('emqx5', '#');
  lines.push('listeners.ssl.default {');
  lines.push(`  bind = ${q(hostPort(i.bind, i.port))}`);
  lines.push('  ssl_options {');
  lines.push(`    keyfile = ${q(i.keyfile)}`, `    certfile = ${q(i.certfile)}`, `    cacertfile = ${q(i.cacertfile)}`);
  lines.push(`    verify = ${i.verifyPeer ? 'verify_peer' : 'verify_none'}`);
  lines.push(`    fail_if_no_peer_cert = ${i.verifyPeer && i.failIfNoPeerCert}`);
  lines.push(`    versions = [${i.tlsVersions.map(q).join(', ')}]`);
  if (i.crl) {
    lines.push('    enable_crl_check = true');
    if (!i.crl.distributionPoints) {
      warnings.push('EMQX 5 fetches each client certificate\'s CRL from the certificate\'s CRL distribution point URL (http only) and refuses clients whose CRL it cannot get: issue client certificates with the published CRL URL'
        + (i.crl.urls.length ? ` (${i.crl.urls.join(', ')})` : ''));
    }
  }
  if (i.ocsp) {
    lines.push('    ocsp {');
    lines.push('      enable_ocsp_stapling = true');
    lines.push(`      responder_url = ${q(i.ocsp.responderUrl)}`);
    lines.push(`      issuer_pem = ${q(i.ocsp.issuerPem)}`);
    lines.push(`      refresh_interval = ${emqxDuration(i.ocsp.refreshIntervalMs)}`);
    lines.push(`      refresh_http_timeout = ${emqxDuration(i.ocsp.httpTimeoutMs)}`);
    lines.push('    }');
  }
  lines.push('  }', '}');
  if (i.crl) {
    lines.push('crl_cache {');
    lines.push(`  refresh_interval = ${emqxDuration(i.crl.refreshIntervalMs)}`);
    lines.push(`  http_timeout = ${emqxDuration(i.crl.httpTimeoutMs)}`);
    lines.push(`  capacity = ${i.crl.capacity ?? 100}`);
    lines.push('}');
  }
  return finish('emqx5', 'emqx.conf', lines, warnings, '#');
}

function mosquitto(i: ExportInput): ExportResult {
  const warnings: string[] = [];
  const lines = header('mosquitto', '#');
  lines.push(`listener ${i.port} ${i.bind}`);
  lines.push(`cafile ${i.cacertfile}`, `certfile ${i.certfile}`, `keyfile ${i.keyfile}`);
  // mosquitto's tls_version is the minimum version accepted.
  lines.push(`tls_version ${i.tlsVersions.includes('tlsv1.2') ? 'tlsv1.2' : 'tlsv1.3'}`);
  if (i.verifyPeer) {
    lines.push('require_certificate true');
    // The certificate is the client's identity: without this, mosquitto 2 treats the client as
    // anonymous and refuses it (allow_anonymous defaults to false).
    lines.push('use_identity_as_username true');
    if (!i.failIfNoPeerCert) warnings.push('mosquitto cannot make client certificates optional when it verifies them: require_certificate is true');
  }
  if (i.crl) {
    if (i.crl.files.length) {
      // mosquitto 2 checks the client certificate only (not its CAs), reads the file at start and on
      // SIGHUP, and refuses every client once the CRL passes its nextUpdate.
      lines.push('# crlfile: leaf only; reload with SIGHUP after publishing a new CRL; a CRL past nextUpdate refuses every client');
      lines.push(`crlfile ${i.crl.files[0]}`);
      if (i.crl.files.length > 1) warnings.push(`mosquitto reads one crlfile: concatenate ${i.crl.files.join(', ')} into one PEM file`);
    } else {
      warnings.push('mosquitto reads CRLs from a local file only (crlfile), not from URLs: download the CRL and point crlfile at it');
    }
  }
  if (i.crl && i.verifyPeer) lines.push('# a websockets listener (protocol websockets) does no CRL check in mosquitto 2: keep device traffic on this listener');
  if (i.ocsp) warnings.push('mosquitto has no OCSP stapling for its listeners: clients must check revocation themselves');
  return finish('mosquitto', 'mosquitto.conf', lines, warnings, '#');
}

function finish(flavor: ExportFlavor, fileName: string, lines: string[], warnings: string[], comment: string): ExportResult {
  const notes = warnings.map((w) => `${comment} WARNING: ${w}`);
  const text = [...lines.slice(0, 2), ...notes, ...lines.slice(2)].join('\n') + '\n';
  return { flavor, fileName, text, warnings };
}
