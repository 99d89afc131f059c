// "Certscope: Export Broker Configuration" (certscope.broker.exportConfig): EMQX 4.x, EMQX 5.x or
// mosquitto configuration for the same certificates, CRLs and OCSP responder the local broker
// uses (settings + workspace CA). Published CRL URLs and a running OCSP responder are used when
// present. Opens the text in an untitled editor, or writes args.outFile. Args: { flavor, caDir,
// serverCert, serverKey, port, outFile }: serverCert may be any server certificate file the CA
// signed (an openssl-made CA keeps it outside issued/; its key is found beside it or asked for).
// Resolves to { text, warnings }.
import * as vscode from 'vscode';
import { writeFileSync } from 'node:fs';
import { exportBrokerConfig as render, EXPORT_FLAVORS, FLAVOR_LABELS, ExportError, type ExportFlavor, type ExportInput } from '../../core/export';
import { parseDuration } from '../../core/duration';
import type { Services } from '../services';
import { UserError } from '../errors';
import { requireLoop } from '../broker/loop';
import { planBroker } from '../broker/plan';
import { readBrokerSettings } from '../config';
import { argsOf, askPick, num, str } from './ca/args';

export async function exportBrokerConfig(services: Services, raw?: unknown): Promise<{ text: string; warnings: string[]; flavor: ExportFlavor }> {
  const a = argsOf(raw);
  const given = str(a, 'flavor');
  if (given && !(EXPORT_FLAVORS as readonly string[]).includes(given)) throw new UserError(`unknown flavour "${given}" (${EXPORT_FLAVORS.join(', ')})`);
  const flavor = (given as ExportFlavor | undefined) ?? (await askPick(
    EXPORT_FLAVORS.map((f) => ({ label: FLAVOR_LABELS[f], flavor: f })),
    { placeHolder: 'Broker' },
  )).flavor;
  const s = readBrokerSettings();
  const port = num(a, 'port') ?? (s.port || 8883);
  // The target's own revocation model: emqx5 reads distribution points, emqx4 URLs, mosquitto one file.
  const plan = await planBroker({ ...s, profile: flavor }, { caDir: str(a, 'caDir'), serverCert: str(a, 'serverCert'), serverKey: str(a, 'serverKey'), port, wssPort: null }, services.pki);
  const snap = requireLoop(services).controller.snapshot();
  const r = plan.raw;
  const caDir = plan.ca?.ca.paths.dir;
  const publishedUrl = caDir ? snap.crls.find((c) => c.caDir === caDir)?.derUrl : undefined;
  const crlUrls = (r.crl_cache_urls as string[]).length ? (r.crl_cache_urls as string[]) : publishedUrl ? [publishedUrl] : [];
  const ocspUrl = (r.ocsp_responder_url as string | undefined) ?? (snap.ocsp && snap.ocsp.caDir === caDir ? snap.ocsp.url : undefined);
  const notes: string[] = [];
  if (r.enable_ocsp_stapling && !ocspUrl) notes.push('OCSP stapling left out: no responder URL (set certscope.broker.ocspResponderUrl or start the OCSP responder)');
  const input: ExportInput = {
    certfile: String(r.certfile), keyfile: String(r.keyfile), cacertfile: String(r.cacertfile ?? ''),
    bind: String(r.bind), port, verifyPeer: r.verify === 'verify_peer', failIfNoPeerCert: r.fail_if_no_peer_cert === true,
    tlsVersions: (r.tls_versions as string[]).filter((v): v is 'tlsv1.2' | 'tlsv1.3' => v === 'tlsv1.2' || v === 'tlsv1.3'),
    crl: r.enable_crl_check ? {
      files: (r.crl_files as string[] | undefined) ?? [], urls: crlUrls,
      refreshIntervalMs: parseDuration(r.crl_cache_refresh_interval, 'crlCacheRefreshInterval'),
      httpTimeoutMs: parseDuration(r.crl_cache_http_timeout, 'crlCacheHttpTimeout'),
      distributionPoints: r.profile === 'emqx5',
    } : undefined,
    ocsp: r.enable_ocsp_stapling && ocspUrl ? {
      responderUrl: ocspUrl, issuerPem: String(r.ocsp_issuer_pem),
      refreshIntervalMs: parseDuration(r.ocsp_refresh_interval, 'ocspRefreshInterval'),
      httpTimeoutMs: parseDuration(r.ocsp_refresh_http_timeout, 'ocspRefreshHttpTimeout'),
    } : undefined,
  };
  let out;
  try {
    out = render(input, flavor);
  } catch (err) {
    if (err instanceof ExportError) throw new UserError(`cannot export for ${FLAVOR_LABELS[flavor]}: ${err.message}`);
    throw err;
  }
  const warnings = [...notes, ...out.warnings];
  const text = notes.map((n) => `# NOTE: ${n}\n`).join('') + out.text;
  const outFile = str(a, 'outFile');
  if (outFile) {
    writeFileSync(outFile, text);
  } else {
    const doc = await vscode.workspace.openTextDocument({ content: text, language: 'properties' });
    await vscode.window.showTextDocument(doc, { preview: false });
  }
  services.log.info(`exported ${FLAVOR_LABELS[flavor]} configuration${outFile ? ` to ${outFile}` : ''}${warnings.length ? ` with ${warnings.length} warning(s)` : ''}`);
  if (warnings.length) void vscode.window.showWarningMessage(`Certscope: ${warnings[0]}${warnings.length > 1 ? ` (+${warnings.length - 1} more in the file)` : ''}`);
  return { text, warnings, flavor };
}
