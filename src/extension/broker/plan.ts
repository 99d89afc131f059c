// Turns settings + the workspace CA into a broker configuration. Explicit settings win; empty
// ones are filled from a CA of the workspace: its newest server certificate (or the one picked),
// its chain as cacertfile, the CRLs of the CAs in that chain, and Certscope's own OCSP responder
// for stapling. The result goes through the broker's own resolveBrokerConfig checks.
import * as vscode from 'vscode';
import { existsSync, readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import type { CertificateAuthority } from '../../core/ca';
import { localCdpOf } from '../../core/ca/localCdp';
import { resolveBrokerConfig, BrokerConfigError, type BrokerConfig } from '../../core/broker/config';
import { httpCdpUrls } from '../../core/broker/distributionPoints';
import { UserError } from '../errors';
import { findWorkspaceCas, issuedFiles, pickCa } from '../commands/ca/workspaceCas';
import type { BrokerSettings } from '../config';
import type { PkiWorkspace } from '../views/pkiWorkspace';
import { pickerTitle } from '../commands/invocation';
import { serverFilesOutsideIssued, workspacePath } from './serverFiles';

export interface BrokerPlan {
  /** Raw options for resolveBrokerConfig (ocsp_responder_url filled in by the caller when `ocspCa` is set). */
  raw: Record<string, unknown>;
  ca?: { ca: CertificateAuthority; name: string };
  /** Start Certscope's OCSP responder for this CA and staple from it. */
  ocspCa?: { ca: CertificateAuthority; name: string };
  baseDir: string;
  /** Said to the user at start: why the plan differs from the settings (e.g. emqx5 -> emqx4). */
  notice?: string;
  /** emqx5: distribution points on this machine the CA's client certificates name; served by Certscope's CRL server unless something else does. */
  localCdps?: { ca: CertificateAuthority; name: string; urls: string[] };
}

export interface PlanOverrides {
  caDir?: string;
  /** Path of the server certificate (issued/<name>/cert.pem or fullchain.pem, or any file the CA signed) or its issued name. */
  serverCert?: string;
  /** Its private key, when the certificate is outside issued/ and the key not beside it. */
  serverKey?: string;
  port?: number;
  wssPort?: number | null;
}

export async function planBroker(s: BrokerSettings, o: PlanOverrides, pki?: PkiWorkspace): Promise<BrokerPlan> {
  const baseDir = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
  const raw: Record<string, unknown> = {
    profile: s.profile,
    bind: s.bind,
    port: o.port ?? s.port,
    wssPort: o.wssPort !== undefined ? o.wssPort : s.wssPort,
    verify: s.verify,
    fail_if_no_peer_cert: s.failIfNoPeerCert,
    tls_versions: s.tlsVersions,
    max_packet_size: s.maxPacketSize,
    disconnect_on_revoke: s.disconnectOnRevoke,
    ocsp_check_clients: s.ocspCheckClients && s.verify === 'verify_peer',
    ocsp_clients_responder_url: s.ocspClientsResponderUrl || undefined,
    ocsp_clients_fail: s.ocspClientsFail,
    enable_crl_check: s.enableCrlCheck && s.verify === 'verify_peer',
    crl_cache_urls: s.crlCacheUrls,
    crl_cache_refresh_interval: s.crlCacheRefreshInterval,
    crl_cache_http_timeout: s.crlCacheHttpTimeout,
    // mosquitto listeners do not staple.
    enable_ocsp_stapling: s.enableOcspStapling && s.profile !== 'mosquitto',
    ocsp_refresh_interval: s.ocspRefreshInterval,
    ocsp_refresh_http_timeout: s.ocspRefreshHttpTimeout,
  };
  const needCa = !s.certfile || !s.keyfile || (s.verify === 'verify_peer' && !s.cacertfile)
    || (raw.enable_crl_check && s.profile !== 'emqx5' && s.crlFiles.length === 0 && s.crlCacheUrls.length === 0)
    || (raw.enable_ocsp_stapling && (!s.ocspResponderUrl || !s.ocspIssuerPem))
    || (raw.enable_crl_check && s.profile === 'emqx5');
  const plan: BrokerPlan = { raw, baseDir };
  const ca = needCa ? await pickCa(o.caDir) : undefined;
  plan.ca = ca;

  if (s.certfile && s.keyfile) {
    raw.certfile = s.certfile;
    raw.keyfile = s.keyfile;
  } else {
    const server = await pickServerCert(ca!.ca, ca!.name, o.serverCert, o.serverKey);
    raw.certfile = server.cert;
    raw.keyfile = server.key;
  }
  raw.cacertfile = s.cacertfile || (ca ? (existsSync(ca.ca.paths.caChain) ? ca.ca.paths.caChain : ca.ca.paths.certificate) : undefined);
  const cdps = raw.enable_crl_check && s.profile === 'emqx5' && ca ? clientCdps(ca.ca) : undefined;
  if (ca && cdps && !cdps.all) {
    // A CA made before Create Development CA wrote distribution points (or with
    // certscope.ca.crlServerPort 0): EMQX 5 would refuse its clients (fail closed).
    raw.profile = 'emqx4';
    plan.notice = `the client certificates of ${ca.name} carry no http CRL distribution point, so EMQX 5 would refuse every client (fail closed): started with profile emqx4 (the CA's CRL files). A CA made by "Create Development CA" puts one into its certificates (certscope.ca.crlServerPort); for this CA issue client certificates with a CRL URL (certscope ca issue --crl-url) to use emqx5; "certscope ca check --broker emqx5" lists what else EMQX 5 needs.`;
  }
  const local = ca && cdps?.all ? cdps.urls.filter((u) => localCdpOf(u)) : [];
  if (ca && local.length) plan.localCdps = { ca: ca.ca, name: ca.name, urls: local };
  if (raw.enable_crl_check && raw.profile === 'mosquitto') {
    // mosquitto: one crlfile, checked against the leaf only.
    raw.crl_files = s.crlFiles.length ? s.crlFiles : [ca!.ca.paths.crlPem];
  } else if (raw.enable_crl_check && raw.profile === 'emqx4') {
    raw.crl_files = s.crlFiles.length || s.crlCacheUrls.length ? s.crlFiles : await chainCrlFiles(ca!.ca, pki);
  }
  if (raw.enable_ocsp_stapling) {
    raw.ocsp_issuer_pem = s.ocspIssuerPem || issuerOf(String(raw.certfile), ca);
    if (s.ocspResponderUrl) raw.ocsp_responder_url = s.ocspResponderUrl;
    else plan.ocspCa = ca;
  }
  return plan;
}

export function resolvePlan(plan: BrokerPlan): BrokerConfig {
  try {
    return resolveBrokerConfig(plan.raw, plan.baseDir);
  } catch (err) {
    if (err instanceof BrokerConfigError) throw new UserError(`broker settings: ${err.message}`);
    throw err;
  }
}

async function pickServerCert(ca: CertificateAuthority, caName: string, wanted?: string, wantedKey?: string): Promise<{ cert: string; key: string }> {
  const servers = issuedFiles(ca).filter((f) => f.serverAuth && f.keyPath);
  if (wanted) {
    const hit = servers.find((f) => f.name === wanted || f.certPath === wanted || f.fullchainPath === wanted);
    // A file outside issued/ (an openssl-made CA keeps its server certificate anywhere).
    if (!hit && (/[/\\]/.test(wanted) || existsSync(workspacePath(wanted)))) return serverFilesOutsideIssued(ca, caName, wanted, wantedKey);
    if (!hit) throw new UserError(`${wanted} is not a server certificate with a key issued by ${caName}`);
    return { cert: hit.fullchainPath ?? hit.certPath, key: hit.keyPath! };
  }
  if (servers.length === 0) return serverFilesOutsideIssued(ca, caName, undefined, wantedKey, `${caName} has no server certificate with a key under issued/: choose the server certificate it signed`);
  if (servers.length === 1) return { cert: servers[0].fullchainPath ?? servers[0].certPath, key: servers[0].keyPath! };
  const picked = await vscode.window.showQuickPick(
    [...servers.map((f) => ({ label: f.name, description: f.subject, f })), { label: '$(folder-opened) Another file...', description: 'a server certificate of this CA outside issued/', f: undefined }],
    { title: pickerTitle(), placeHolder: 'Server certificate for the broker', ignoreFocusOut: true },
  );
  if (!picked) throw new vscode.CancellationError();
  if (!picked.f) return serverFilesOutsideIssued(ca, caName, undefined, wantedKey);
  return { cert: picked.f.fullchainPath ?? picked.f.certPath, key: picked.f.keyPath! };
}

/**
 * The current CRL of the CA and of every CA above it (OpenSSL needs a CRL per CA in the chain): the
 * newest CRL each one signed anywhere in the workspace, whatever its name, as the revocation service
 * finds it (the same CRL the tree, Verify and the CA view use); crl.pem in the CA folder otherwise.
 */
async function chainCrlFiles(ca: CertificateAuthority, pki?: PkiWorkspace): Promise<string[]> {
  const chain = ca.chainPem().match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (pki) {
    const [{ caCrlFiles }, { decodeCertificate }, { certificatesFromPem }] = await Promise.all([
      import('../../core/revocation/discovery'), import('../../core/decode/certificate'), import('../../core/probe/certs'),
    ]);
    await pki.reload((await findWorkspaceCas()).flatMap((w) => caCrlFiles(w.dir)));
    const a = pki.analysis();
    if (a) {
      const found = chain.flatMap((pem) => certificatesFromPem(pem).slice(0, 1)).map((der) => {
        const ref = a.revocation.crlsIssuedBy(decodeCertificate(der)).find((c) => c.crl.deltaCrlIndicator === undefined && c.loc.sub === undefined);
        return ref?.loc.file;
      });
      if (found.length && found.every((f) => f !== undefined)) return [...new Set(found as string[])];
    }
  }
  const files = [ca.paths.crlPem];
  const above = chain.slice(1).map((p) => new X509Certificate(p).fingerprint256);
  if (above.length) {
    for (const w of await findWorkspaceCas()) {
      if (w.ca && above.includes(new X509Certificate(w.ca.certPem).fingerprint256)) files.push(w.ca.paths.crlPem);
    }
  }
  return files.filter((f) => existsSync(f));
}

function issuerOf(certfile: string, ca?: { ca: CertificateAuthority }): string {
  if (ca) return ca.ca.paths.certificate;
  throw new UserError(`set certscope.broker.ocspIssuerPem: the issuer of ${certfile} is needed to check OCSP responses`);
}

/**
 * The http CRL distribution points of the CA's client certificates (what EMQX 5 reads); `all`:
 * there are client certificates and every one carries one.
 */
function clientCdps(ca: CertificateAuthority): { all: boolean; urls: string[] } {
  const clients = issuedFiles(ca).filter((f) => f.clientAuth).map((f) => httpCdpUrls(readFileSync(f.certPath, 'utf8')));
  return { all: clients.length > 0 && clients.every((u) => u.length > 0), urls: [...new Set(clients.flat())] };
}
