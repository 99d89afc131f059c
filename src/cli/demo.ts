// `certscope demo` (npm run demo): revocation end to end on loopback, in a few seconds, with no
// VS Code: a CA in a temporary folder, a server certificate and two client certificates, one of
// them revoked; the OCSP responder and the TLS MQTT broker (CRL check + stapling); then the probe
// with each client. Exit 0 only when the good client connects with a good staple and the revoked
// one gets the certificate_revoked alert. Everything is stopped and deleted at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import type { CliCommand } from './commands';
import { UsageError } from './usage-error';
import { CrlServer, initCa, type CertificateAuthority } from '../core/ca/index';
import { OcspResponder } from '../core/ocsp/responder';
import { OcspHttpServer } from '../core/ocsp/server';
import { IndexStatusSource } from '../core/ocsp/indexStatus';
import { TlsMqttBroker } from '../core/broker/broker';
import { resolveBrokerConfig } from '../core/broker/config';
import { formatProbe } from '../core/probe/format';
import { probe } from '../core/probe/probe';
import type { KnownRevocation, ProbeResult } from '../core/probe/types';
import { parseCli } from './args';
import { colonSerial } from '../core/serial';

const HELP = `Usage: certscope demo [--json] [--keep]
  Creates a CA, a broker certificate and two device certificates (one revoked) in a temporary
  folder, starts the OCSP responder and the TLS MQTT broker (CRL check + OCSP stapling) on
  127.0.0.1, and probes the broker with both devices.
  --json   print both probe results as JSON
  --keep   keep the temporary folder (its path is printed)
Exit 0 when the good device connects with a good staple and the revoked one gets certificate_revoked.`;

export interface DemoOutcome {
  good: ProbeResult;
  revoked: ProbeResult;
  /** Why an outcome is not as expected; empty when the demo passed. */
  problems: string[];
}

/** What the demo expects of each probe (also used by its interop test). */
export function checkDemo(good: ProbeResult, revoked: ProbeResult): string[] {
  const problems: string[] = [];
  if (!good.ok) problems.push(`the good device did not connect: ${good.diagnosis.map((d) => d.cause).join(' ') || good.error?.message}`);
  if (good.staple?.status !== 'good' || !good.staple.signatureValid || !good.staple.certIdMatches || !good.staple.fresh) {
    problems.push(`the good device did not get a valid good staple (${good.staple?.status ?? 'none'}${good.staple?.problems.length ? `: ${good.staple.problems.join('; ')}` : ''})`);
  }
  if (good.mqtt?.roundTrip?.ok !== true) problems.push('the good device\'s publish did not come back');
  if (revoked.ok) problems.push('the revoked device was accepted');
  if (!revoked.alerts.some((a) => a.direction === 'received' && a.name === 'certificate_revoked')) {
    problems.push(`the revoked device did not receive the certificate_revoked alert (got ${revoked.alerts.map((a) => a.name).join(', ') || 'no alert'})`);
  }
  if (!revoked.diagnosis.some((d) => d.kind === 'revoked')) problems.push('the revoked device\'s diagnosis does not say "revoked"');
  return problems;
}

function revocationsOf(ca: CertificateAuthority): KnownRevocation[] {
  return ca.list().filter((e) => e.status === 'R' && e.revoked).map((e) => ({
    serialHex: e.serialHex.toLowerCase().replace(/^0+(?=.)/, ''),
    revokedAt: e.revoked!.date.toISOString(),
    reason: e.revoked!.reason,
    source: `the CRL of "Certscope Demo CA" (${ca.paths.crlPem})`,
  }));
}

async function waitForStaple(broker: TlsMqttBroker, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (broker.state().staples.some((s) => s.stapling && s.status === 'good')) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

export async function runDemo(log: (line: string) => void, opts: { keep?: boolean; color?: boolean } = {}): Promise<DemoOutcome> {
  const t0 = performance.now();
  const at = (): string => `+${((performance.now() - t0) / 1000).toFixed(2)} s`.padStart(9);
  const dir = mkdtempSync(join(tmpdir(), 'certscope-demo-'));
  let ocsp: OcspHttpServer | undefined;
  let crlServer: CrlServer | undefined;
  let broker: TlsMqttBroker | undefined;
  // Ctrl+C / kill: the temporary CA (its keys included) goes before the process does. Removed
  // synchronously first, so a server that is slow to stop cannot keep the keys on disk.
  const onSignal = (signal: NodeJS.Signals): void => {
    if (opts.keep) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const ca = await initCa(join(dir, 'ca'), { subject: '/O=Certscope Demo/CN=Certscope Demo CA', key: 'p256' });
    log(`${at()}  CA "Certscope Demo CA" created in ${dir}`);

    ocsp = new OcspHttpServer(new OcspResponder({
      issuer: ca.certPem, signerKey: readFileSync(ca.paths.privateKey), source: new IndexStatusSource(ca.paths.database), validitySeconds: 3600,
    }), { host: '127.0.0.1', port: 0 });
    const { url: ocspUrl } = await ocsp.start();
    log(`${at()}  OCSP responder listening on ${ocspUrl}`);

    // EMQX 5 reads each client certificate's CRL distribution point: the devices carry the URL of
    // Certscope's CRL server for this CA.
    crlServer = new CrlServer({ derPath: ca.paths.crlDer, pemPath: ca.paths.crlPem, host: '127.0.0.1', port: 0 });
    const { derUrl: crlUrl } = await crlServer.start();
    log(`${at()}  CRL published on ${crlUrl}`);

    const server = await ca.issue({ profile: 'server', name: 'broker', subject: '/CN=localhost', dns: ['localhost'], ip: ['127.0.0.1'], ocspUrls: [ocspUrl] });
    const good = await ca.issue({ profile: 'client', name: 'device-good', subject: '/CN=device-good', crlUrls: [crlUrl] });
    const bad = await ca.issue({ profile: 'client', name: 'device-revoked', subject: '/CN=device-revoked', crlUrls: [crlUrl] });
    const revocation = await ca.revoke(bad.paths.cert, 'keyCompromise');
    log(`${at()}  issued server certificate CN=localhost and devices CN=device-good, CN=device-revoked`);
    log(`${at()}  revoked CN=device-revoked (serial ${colonSerial(revocation.serialHex)}, keyCompromise); CRL #${revocation.crlNumber} written`);

    broker = new TlsMqttBroker(resolveBrokerConfig({
      profile: 'emqx5', port: 0, wssPort: null, certfile: server.paths.cert, keyfile: server.paths.key, cacertfile: ca.paths.certificate,
      verify: 'verify_peer', fail_if_no_peer_cert: true,
      enable_crl_check: true,
      enable_ocsp_stapling: true, ocsp_responder_url: ocspUrl, ocsp_issuer_pem: ca.paths.certificate,
    }, dir));
    const brokerLog: string[] = [];
    broker.onEvent((e) => {
      if (e.type !== 'connection') return;
      const who = e.clientCert?.subject ?? 'no certificate';
      brokerLog.push(e.outcome === 'accepted'
        ? `broker: accepted ${who} (${e.tlsVersion})`
        : `broker: rejected ${who}: ${e.reason ?? e.verifyError ?? 'no reason'}${e.alert ? ` -> alert ${e.alert.name} (${e.alert.code})${e.alert.sent ? ' sent' : ' NOT sent'}` : ''}`);
    });
    const listeners = await broker.start();
    const port = listeners.find((l) => l.transport === 'mqtts')!.port;
    const stapled = await waitForStaple(broker, 5000);
    log(`${at()}  broker (EMQX 5 profile) listening on mqtts://localhost:${port} (CRL check from the distribution points, OCSP stapling ${stapled ? 'ready' : 'NOT ready'})`);

    const common = {
      url: `mqtts://localhost:${port}`, ca: { pem: ca.certPem, source: ca.paths.certificate }, requestOcsp: true, timeoutMs: 5000,
      context: { revocations: revocationsOf(ca), caName: 'Certscope Demo CA' },
    };
    const goodResult = await probe({ ...common, cert: { pem: good.certPem, source: good.paths.cert }, key: { pem: good.keyPem!, source: good.paths.key } });
    const badResult = await probe({ ...common, cert: { pem: bad.certPem, source: bad.paths.cert }, key: { pem: bad.keyPem!, source: bad.paths.key } });
    log('');
    log('── Device 1: CN=device-good ─────────────────────────────────────────────');
    log(formatProbe(goodResult, { color: opts.color }));
    log('── Device 2: CN=device-revoked ──────────────────────────────────────────');
    log(formatProbe(badResult, { color: opts.color }));
    log('── What the broker saw ──────────────────────────────────────────────────');
    for (const l of brokerLog) log(`  ${l}`);
    log('');
    return { good: goodResult, revoked: badResult, problems: checkDemo(goodResult, badResult) };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await broker?.stop();
    await ocsp?.close();
    await crlServer?.close();
    if (opts.keep) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseCli(argv, { json: { type: 'boolean' }, keep: { type: 'boolean' } }, HELP);
  if (positionals.length) throw new UsageError(`demo: unexpected argument "${positionals[0]}"\n\n${HELP}`);
  const json = v.json === true;
  const lines: string[] = [];
  const log = json ? (l: string) => { lines.push(l); } : (l: string) => process.stdout.write(l + '\n');
  const outcome = await runDemo(log, { keep: v.keep === true, color: !json && process.stdout.isTTY && !process.env.NO_COLOR });
  if (json) {
    process.stdout.write(JSON.stringify({ ok: outcome.problems.length === 0, problems: outcome.problems, good: outcome.good, revoked: outcome.revoked }, null, 2) + '\n');
  } else if (outcome.problems.length === 0) {
    process.stdout.write('Demo passed: the good device connects with a good OCSP staple; the revoked device gets certificate_revoked, explained.\n');
  } else {
    process.stdout.write(`Demo FAILED:\n${outcome.problems.map((p) => `  - ${p}`).join('\n')}\n`);
  }
  return outcome.problems.length === 0 ? 0 : 1;
}

export const demoCommand: CliCommand = { summary: 'revocation end to end on loopback: CA, OCSP responder, broker, two devices', run };
