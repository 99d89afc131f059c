// The connection probe: DNS -> TCP -> TLS (chain, hostname, staple, client certificate) -> the
// server's verdict on the client certificate -> [WebSocket] -> MQTT CONNECT/CONNACK ->
// subscribe/publish round trip. One module per step (steps/*.ts) sharing a ProbeRun. Every step
// has a timeout, the promise never rejects, and the socket is always closed at the end (after
// reading what the server still sent). We verify the server ourselves (rejectUnauthorized:false)
// so we can say *why* a chain fails, and we stop before sending credentials to a server that
// failed verification. When the evidence is ambiguous a few short extra probes tell causes apart.
import { colonSerial } from '../serial';
import { formatIso } from '../dates';
import { certificatesFromPem, summarizeSafe } from './certs';
import { collectAlerts } from './collect';
import { diagnose } from './diagnose';
import { runDifferential } from './differential';
import { preflight } from './preflight';
import { revocationEvidence } from './revocation';
import { ProbeRun } from './run';
import { connectTcp } from './steps/connect';
import { handshake } from './steps/handshake';
import { mqttSession } from './steps/mqtt';
import { checkServer } from './steps/server';
import { awaitVerdict, verdictPending } from './steps/verdict';
import { openWebSocket } from './steps/websocket';
import type { ProbeOptions, ProbeResult, StepName } from './types';
import { parseProbeUrl, ProbeUrlError } from './url';
import { namer } from './wording';
import { readWire } from '../tls/handshakeReader';
import { alertFromError } from '../tls/alerts';
import { errorMessage } from './errors';
import type { StepHandle } from './trace';

/**
 * Runs the probe. Never rejects: every failure ends up in the result and its diagnosis.
 *
 * Where the server's verdict on the client certificate can still come after the handshake (TLS 1.3,
 * terminators), the probe first writes CONNECT right away. A CONNACK (accepting or refusing) proves
 * the server accepted the handshake, and a fatal alert is its refusal (adoptAlertVerdict): either
 * is the answer a wait would give. Anything else (a close, a timeout) is decided by a second run
 * that waits for the verdict before writing a byte, so no failing answer comes from timing.
 * Measured: the settle wait (300 ms after the session ticket) made a working probe ~30x slower than
 * an mqtt.js connect (npm run bench probe).
 */
export async function probe(options: ProbeOptions): Promise<ProbeResult> {
  let run = await runOnce(options, 'pipelined');
  if (run.verdictUnproven && !options.signal?.aborted) run = await runOnce(options, 'wait', run);
  await finish(run);
  if (options.differential !== false && !run.result.ok && !options.signal?.aborted) {
    const extra = await runDifferential(run.result, options, probe);
    if (extra.length) {
      run.result.differential = extra;
      // Re-rank with what the extra probes showed.
      run.result.diagnosis = run.result.diagnosis.filter((d) => d.kind === 'bad_input');
      run.result.diagnosis.push(...diagnose(run.result, run.pre.findings, options.context));
    }
  }
  return run.result;
}

/** One connection. `prepared`: an earlier run whose checks of the inputs (and their steps) stand. */
async function runOnce(options: ProbeOptions, verdict: 'pipelined' | 'wait', prepared?: ProbeRun): Promise<ProbeRun> {
  const run = new ProbeRun(options, prepared);
  run.verdictMode = verdict;
  try {
    if (prepared) adopt(run, prepared);
    if (prepared || (await prepare(run))) await talk(run);
  } catch (err) {
    run.fail('tls', err);
  }
  await run.cleanup();
  return run;
}

/** The input checks: URL, CA file, pre-flight of the client certificate and its revocation. False: stop here. */
async function prepare(run: ProbeRun): Promise<boolean> {
  const o = run.options;
  const r = run.result;
  if (o.signal?.aborted) {
    run.cancel();
    run.fail('preflight', run.cancelError);
    return false;
  }
  const n = namer(o.context?.surface);
  try {
    run.target = parseProbeUrl(o.url);
  } catch (err) {
    if (!(err instanceof ProbeUrlError)) throw err;
    r.diagnosis.push({ kind: 'bad_input', severity: 'error', cause: err.message, fix: `Correct ${n('url')}.`, confidence: 'certain', evidence: [] });
    return false;
  }
  const t = run.target;
  Object.assign(r, { scheme: t.scheme, host: t.host, port: t.port, offeredTls: o.tlsVersion });
  const caDers = run.caDers = o.ca ? certificatesFromPem(o.ca.pem) : [];
  if (o.ca && caDers.length === 0) {
    r.diagnosis.push({ kind: 'bad_input', severity: 'error', cause: `${o.ca.source ?? 'the CA file'} contains no PEM certificate`, fix: `Give the CA certificate(s) in PEM form (${n('ca')}).`, confidence: 'certain', evidence: [] });
    return false;
  }

  if (o.cert || o.key) {
    const step = run.trace.begin('preflight', 'Pre-flight checks (client certificate and key)');
    run.pre = preflight(o.cert, o.key, caDers, run.now, n);
    const c = run.pre.clientCert;
    if (c) {
      r.clientCert = c;
      r.clientChain = run.pre.sentChain.slice(1).map((d) => summarizeSafe(d, run.now));
      step.detail('client certificate', c.subject).detail('serial', colonSerial(c.serialHex)).detail('valid until', formatIso(c.notAfter)).detail('certificates in file', run.pre.sentChain.length);
    }
    for (const f of run.pre.findings) step.detail(f.severity, f.cause);
    if (c && !run.pre.fatal) {
      r.revocation = await revocationEvidence({
        leaf: run.pre.sentChain[0], issuers: [...run.pre.sentChain.slice(1), ...caDers],
        crls: o.context?.crls ?? [], ocspResponses: o.context?.ocspResponses ?? [], known: o.context?.revocations ?? [],
        fetch: !!o.fetchRevocation, now: run.now,
      });
      for (const line of r.revocation.checked) step.detail('revocation', line);
    }
    step.end(run.pre.fatal ? 'fail' : run.pre.findings.length ? 'warn' : 'ok');
    if (run.pre.fatal) return false;
  }
  return true;
}

/** The connection: TCP, TLS, the server's verdict, [WebSocket], MQTT. */
async function talk(run: ProbeRun): Promise<void> {
  const t = run.target!;
  const caDers = run.caDers;
  if (!(await connectTcp(run, t))) return;
  if (!(await handshake(run, t, caDers))) return;
  if (!(await checkServer(run, t, caDers))) return;
  const pending = verdictPending(run);
  if (pending && run.verdictMode === 'pipelined' && t.scheme === 'mqtts') {
    // CONNECT now; the CONNACK (or its absence) is the verdict (see probe()).
    const step = run.trace.begin('late-alert', 'After the handshake: the server\'s verdict on the client certificate');
    const stepsBefore = run.trace.steps.length;
    await mqttSession(run);
    if (run.result.mqtt?.connack) step.detail('result', 'the server answered CONNECT: it accepted the handshake').end('ok');
    else if (!adoptAlertVerdict(run, step, stepsBefore)) run.verdictUnproven = true;
    return;
  }
  if (pending && !(await awaitVerdict(run))) return;
  if (t.scheme === 'tls') {
    run.completed = true;
    return;
  }
  if (t.scheme === 'wss' && !(await openWebSocket(run, t))) return;
  await mqttSession(run);
}

/**
 * A pipelined run that got a fatal alert instead of a CONNACK has its verdict: the server's TLS
 * stack sent it in answer to the handshake (the client's Finished precedes CONNECT on the wire) and
 * it reached us intact, so a wait would give the same answer. Taking it here spares a second
 * connection that the broker would log as a second rejection. The MQTT step is dropped: CONNECT
 * never reached a broker that had accepted the handshake. A close or a timeout proves nothing.
 */
function adoptAlertVerdict(run: ProbeRun, step: StepHandle, stepsBefore: number): boolean {
  const alert = run.tlsErrors.find((x) => {
    const a = alertFromError(x.err as { code?: unknown; message?: unknown });
    return a !== undefined && a.name !== 'close_notify';
  });
  if (!alert) return false;
  run.trace.steps.splice(stepsBefore);
  run.result.mqtt = undefined;
  run.result.error = undefined;
  run.connectWrittenMs = undefined;
  step.detail('error', errorMessage(alert.err)).end('fail');
  run.fail('late-alert', alert.err);
  return true;
}

const AFTER_HANDSHAKE: Partial<Record<StepName, number>> = { 'late-alert': 1, websocket: 2, 'mqtt-connect': 3, 'mqtt-roundtrip': 4 };

/** A second connection of the same probe: the inputs were checked once, by `from`. */
function adopt(run: ProbeRun, from: ProbeRun): void {
  const f = from.result;
  run.target = from.target;
  run.caDers = from.caDers;
  run.pre = from.pre;
  Object.assign(run.result, { scheme: f.scheme, host: f.host, port: f.port, offeredTls: f.offeredTls, clientCert: f.clientCert, clientChain: f.clientChain, revocation: f.revocation });
  run.trace.steps.push(...from.trace.steps.filter((s) => s.name === 'preflight'));
}

async function finish(run: ProbeRun): Promise<void> {
  const r = run.result;
  if (run.tap) run.wire = readWire(run.tap.receivedBytes(), run.tap.sentBytes(), run.keylog);
  r.alerts = collectAlerts(run.tlsErrors, run.wire, run.connectWrittenMs);
  if (r.tls) r.tls.sessionTicket = run.sessionTicket || !!run.wire?.sessionTicket;
  if (run.wire && r.tls && run.wire.clientCertificates) {
    r.tls.clientCertSent = run.wire.clientCertificates.length > 0;
    r.tls.clientCertCount = run.wire.clientCertificates.length;
  }
  const socketError = run.tap?.socketError;
  if (r.error) {
    const step = r.steps.find((s) => s.name === r.error!.step && s.status === 'fail');
    const alerts = r.alerts.filter((a) => a.direction === 'received');
    const alert = alerts[0] ?? r.alerts.find((a) => a.direction === 'sent');
    if (step && alert) {
      step.details.unshift(['ALERT', `${alerts.length > 1 ? alerts.map((a) => `${a.name} (${a.number})`).join(' then ') : `${alert.name} (${alert.number})`} ${alert.direction === 'received' ? 'received' : 'sent by the probe'} ${alert.phase === 'after-handshake' ? 'after' : 'during'} the handshake`]);
    }
    if (step && socketError) step.details.push(['TCP', `${(socketError as NodeJS.ErrnoException).code ?? socketError.message} (read on until the close: the alert above, if any, came first)`]);
  }
  // Same start (the verdict step opens as CONNECT is written): the protocol's order.
  r.steps.sort((a, b) => a.startMs - b.startMs || (AFTER_HANDSHAKE[a.name] ?? 0) - (AFTER_HANDSHAKE[b.name] ?? 0));
  r.ok = run.completed && !r.steps.some((s) => s.status === 'fail') && !r.diagnosis.some((d) => d.kind === 'bad_input');
  r.diagnosis.push(...diagnose(r, run.pre.findings, run.options.context));
  r.totalMs = run.trace.elapsed();
}
