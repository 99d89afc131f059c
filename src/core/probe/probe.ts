// The connection probe: DNS -> TCP -> TLS (chain, hostname, staple, client certificate) ->
// [WebSocket] -> MQTT CONNECT/CONNACK -> subscribe/publish round trip. Every step has a timeout,
// the promise never rejects, and the socket is always destroyed at the end. We verify the server
// ourselves (rejectUnauthorized:false) so we can say *why* a chain fails, and we stop before
// sending credentials to a server that failed verification.
import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import * as net from 'node:net';
import * as tls from 'node:tls';
import WebSocket from 'ws';
import { alertFromError, alertName } from './alerts';
import { analyseChain } from './chain';
import { certificatesFromPem } from './certs';
import { diagnose } from './diagnose';
import { errorCode, errorMessage, ProbeError, withTimeout } from './errors';
import { decodeConnack, decodePublish, decodeSuback, encodeConnect, encodeDisconnect, encodePublish, encodeSubscribe, MqttFramingError, PACKET } from './mqtt-codec';
import { PacketStream } from './packet-stream';
import { preflight, type PreflightResult } from './preflight';
import { checkStaple, stapleOk } from './staple';
import { TappedSocket } from './tap';
import { readWire, type WireFlight } from './tls-records';
import { Trace } from './trace';
import type { AlertInfo, ProbeOptions, ProbeResult, StepName } from './types';
import { parseProbeUrl, ProbeUrlError, type ProbeTarget } from './url';
import { decodeName } from '../decode/name';
import { readTlv } from '../der/reader';
import { verifyCertificate } from '../verify';

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_LATE_ALERT_MS = 1_500;

interface TlsErrorEvent {
  err: Error;
  afterHandshake: boolean;
}

/** Runs the probe. Never rejects: every failure ends up in the result and its diagnosis. */
export async function probe(options: ProbeOptions): Promise<ProbeResult> {
  const run = new ProbeRun(options);
  try {
    await run.execute();
  } catch (err) {
    run.fail('tls', err);
  } finally {
    run.cleanup();
  }
  return run.finish();
}

class ProbeRun {
  private readonly trace = new Trace();
  private readonly now: Date;
  private readonly timeout: number;
  readonly result: ProbeResult;
  private target: ProbeTarget | undefined;
  private socket: net.Socket | undefined;
  private tlsSocket: tls.TLSSocket | undefined;
  private tap: TappedSocket | undefined;
  private ws: WebSocket | undefined;
  private readonly keylog: Buffer[] = [];
  private readonly tlsErrors: TlsErrorEvent[] = [];
  private staple: Buffer | null | undefined;
  private secure = false;
  private sessionTicket = false;
  private completed = false;
  private pre: PreflightResult = { sentChain: [], findings: [], fatal: false };
  private readonly packets = new PacketStream();
  private wire: WireFlight | undefined;
  private connecting: net.Socket | undefined;
  private readonly cancelError = new ProbeError('ECANCELED', 'the test was cancelled');
  private cancelled = false;
  /** Rejects when the caller aborts; raced against waits that sockets cannot interrupt (DNS). */
  private readonly whenCancelled: Promise<never>;
  private rejectCancelled: (err: Error) => void = () => undefined;

  constructor(private readonly options: ProbeOptions) {
    this.whenCancelled = new Promise<never>((_, reject) => { this.rejectCancelled = reject; });
    this.whenCancelled.catch(() => undefined);
    options.signal?.addEventListener('abort', () => this.cancel(), { once: true });
    this.now = options.now?.() ?? new Date();
    this.timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.result = {
      url: options.url, scheme: 'tls', host: '', port: 0, ok: false, startedAt: new Date().toISOString(), totalMs: 0,
      steps: this.trace.steps, alerts: [], diagnosis: [],
    };
  }

  /** Stops whatever is in flight: every pending wait fails with ECANCELED. */
  private cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.rejectCancelled(this.cancelError);
    this.packets.fail(this.cancelError);
    try {
      this.ws?.terminate();
    } catch {
      // already closed
    }
    this.tlsSocket?.destroy(this.cancelError);
    this.connecting?.destroy(this.cancelError);
    this.socket?.destroy(this.cancelError);
  }

  fail(step: StepName, err: unknown): void {
    if (this.cancelled) err = this.cancelError;
    if (!this.result.error) this.result.error = { step, code: errorCode(err), message: errorMessage(err) };
  }

  async execute(): Promise<void> {
    if (this.options.signal?.aborted) {
      this.cancel();
      this.fail('preflight', this.cancelError);
      return;
    }
    try {
      this.target = parseProbeUrl(this.options.url);
    } catch (err) {
      if (!(err instanceof ProbeUrlError)) throw err;
      this.result.diagnosis.push({ kind: 'bad_input', severity: 'error', cause: err.message, fix: 'Correct the URL.' });
      return;
    }
    const t = this.target;
    Object.assign(this.result, { scheme: t.scheme, host: t.host, port: t.port });
    const caDers = this.options.ca ? certificatesFromPem(this.options.ca.pem) : [];
    if (this.options.ca && caDers.length === 0) {
      this.result.diagnosis.push({ kind: 'bad_input', severity: 'error', cause: `${this.options.ca.source ?? 'the CA file'} contains no PEM certificate`, fix: 'Give the CA certificate(s) in PEM form.' });
      return;
    }

    if (this.options.cert || this.options.key) {
      const step = this.trace.begin('preflight', 'Pre-flight checks (client certificate and key)');
      this.pre = preflight(this.options.cert, this.options.key, caDers, this.now);
      if (this.pre.clientCert) {
        this.result.clientCert = this.pre.clientCert;
        step.detail('client certificate', this.pre.clientCert.subject).detail('serial', this.pre.clientCert.serialHex)
          .detail('valid until', this.pre.clientCert.notAfter).detail('certificates in file', this.pre.sentChain.length);
      }
      for (const f of this.pre.findings) step.detail(f.severity, f.cause);
      step.end(this.pre.fatal ? 'fail' : this.pre.findings.length ? 'warn' : 'ok');
      if (this.pre.fatal) return;
    }

    if (!(await this.connectTcp(t))) return;
    if (!(await this.handshake(t, caDers))) return;
    if (!(await this.checkServer(t, caDers))) return;

    if (t.scheme === 'tls') {
      await this.waitForLateAlert();
      return;
    }
    // TLS 1.3 with client authentication: the verdict on our certificate comes after the
    // handshake. Wait for it (a session ticket means accepted) before writing CONNECT, or a write
    // into the closing connection can hit a reset that discards the alert.
    if (this.result.tls?.version === 'TLSv1.3' && this.result.tls.clientCertRequested) {
      await this.waitForLateAlert();
      if (!this.completed) return;
      this.completed = false;
    }
    if (t.scheme === 'wss' && !(await this.openWebSocket(t))) return;
    await this.mqtt();
  }

  private async connectTcp(t: ProbeTarget): Promise<boolean> {
    let addresses = [t.host];
    if (!net.isIP(t.host)) {
      const step = this.trace.begin('dns', `DNS lookup ${t.host}`);
      try {
        const r = await withTimeout(Promise.race([lookup(t.host, { all: true }), this.whenCancelled]), this.timeout, `DNS lookup of ${t.host}`);
        addresses = r.map((a) => a.address);
        step.detail(addresses.length > 1 ? 'addresses' : 'address', addresses.join(', ')).end('ok');
      } catch (err) {
        step.detail('error', errorMessage(err)).end('fail');
        this.fail('dns', err);
        return false;
      }
    }
    // Try each address in turn ("localhost" may resolve to ::1 first while the broker listens
    // on 127.0.0.1 only); report the first error if none accepts.
    let firstError: unknown;
    for (const address of addresses) {
      const step = this.trace.begin('tcp', `TCP connect ${net.isIPv6(address) ? `[${address}]` : address}:${t.port}`);
      if (this.cancelled) break;
      const socket = net.connect({ host: address, port: t.port });
      this.connecting = socket;
      try {
        await withTimeout(new Promise<void>((resolve, reject) => {
          socket.once('connect', resolve);
          socket.once('error', reject);
        }), this.timeout, `TCP connect to ${address}:${t.port}`, () => socket.destroy());
        step.detail('local', `${socket.localAddress}:${socket.localPort}`).end('ok');
        this.socket = socket;
        return true;
      } catch (err) {
        socket.destroy();
        step.detail('error', errorMessage(err)).end(address === addresses[addresses.length - 1] ? 'fail' : 'warn');
        firstError ??= err;
      }
    }
    this.fail('tcp', this.cancelled ? this.cancelError : firstError);
    return false;
  }

  private async handshake(t: ProbeTarget, caDers: Buffer[]): Promise<boolean> {
    const o = this.options;
    const servername = o.servername && !net.isIP(o.servername) ? o.servername : (!o.servername && !net.isIP(t.host) ? t.host : undefined);
    const step = this.trace.begin('tls', 'TLS handshake');
    step.detail('SNI', servername ?? '(none: IP address)');
    const version = o.tlsVersion === '1.2' ? 'TLSv1.2' : o.tlsVersion === '1.3' ? 'TLSv1.3' : undefined;
    this.tap = new TappedSocket(this.socket!);
    // requestOCSP is a documented tls.connect option missing from @types/node.
    const connectOptions: tls.ConnectionOptions & { requestOCSP?: boolean } = {
      socket: this.tap,
      host: t.host,
      servername,
      ca: caDers.length ? o.ca!.pem : undefined,
      cert: o.cert?.pem,
      key: o.key?.pem,
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
      requestOCSP: !!o.requestOcsp,
      minVersion: version,
      maxVersion: version,
      ALPNProtocols: t.scheme === 'wss' ? ['http/1.1'] : undefined,
    };
    const sock = tls.connect(connectOptions);
    this.tlsSocket = sock;
    sock.on('keylog', (line: Buffer) => this.keylog.push(line));
    sock.on('OCSPResponse', (r: Buffer | null) => { this.staple = r; });
    sock.on('session', () => { this.sessionTicket = true; });
    sock.on('error', (err: Error) => {
      this.tlsErrors.push({ err, afterHandshake: this.secure });
      this.packets.fail(err);
    });
    sock.on('close', () => this.packets.close());
    sock.on('end', () => this.packets.close());
    sock.on('data', (d: Buffer) => { if (t.scheme === 'mqtts') this.packets.push(d); });
    try {
      await withTimeout(new Promise<void>((resolve, reject) => {
        sock.once('secureConnect', () => { this.secure = true; resolve(); });
        sock.once('error', reject);
        sock.once('close', () => reject(new ProbeError('ECLOSED', 'the server closed the connection during the TLS handshake')));
      }), this.timeout, 'TLS handshake');
    } catch (err) {
      this.wire = readWire(this.tap.receivedBuffer(), this.tap.sentBuffer(), this.keylog);
      const first = this.tap.receivedBuffer().subarray(0, 16);
      step.detail('error', errorMessage(err)).detail('code', errorCode(err));
      const notTls = first.length > 0 && !looksLikeTls(first);
      if (notTls) step.detail('first bytes from server', `${first.toString('hex')} "${first.toString('latin1').replace(/[^\x20-\x7e]/g, '.')}"`);
      step.end('fail');
      this.fail('tls', err);
      if (notTls && this.result.error) this.result.error.notTls = true;
      this.clientCertStep(step.startMs);
      return false;
    }
    const cipher = sock.getCipher();
    this.result.tls = {
      version: sock.getProtocol() ?? undefined,
      cipher: cipher?.standardName ?? cipher?.name,
      alpn: sock.alpnProtocol ?? false,
      servername,
      acceptedCaNames: [],
      clientCertSent: false,
      sessionTicket: false,
    };
    step.detail('version', this.result.tls.version).detail('cipher', this.result.tls.cipher)
      .detail('ALPN', sock.alpnProtocol || '(none)').end('ok');
    this.wire = readWire(this.tap.receivedBuffer(), this.tap.sentBuffer(), this.keylog);
    this.clientCertStep(step.startMs);
    return true;
  }

  /** What the wire says about client authentication (CertificateRequest, our Certificate). */
  private clientCertStep(startMs: number): void {
    const w = this.wire;
    if (!w || !w.version) return;
    const requested = !!w.certificateRequest;
    const names = (w.certificateRequest?.caNames ?? []).map(nameText);
    const sent = (w.clientCertificates?.length ?? 0) > 0;
    if (this.result.tls) Object.assign(this.result.tls, { clientCertRequested: requested, acceptedCaNames: names, clientCertSent: sent });
    else this.result.tls = { version: w.version, clientCertRequested: requested, acceptedCaNames: names, clientCertSent: sent, sessionTicket: false };
    const details: Array<[string, string]> = [['requested by server', requested ? 'yes (CertificateRequest)' : 'no']];
    if (names.length) details.push(['CAs the server accepts', names.join(' | ')]);
    const count = w.clientCertificates?.length ?? 0;
    if (requested) details.push(['sent', sent ? `yes (${count} certificate${count > 1 ? 's' : ''})` : 'no (empty Certificate message)']);
    if (!requested && this.options.cert) details.push(['note', 'a client certificate was configured but the server did not ask for one']);
    this.trace.add('client-cert', 'Client certificate', requested && !sent ? 'warn' : 'ok', details, startMs);
  }

  private async checkServer(t: ProbeTarget, caDers: Buffer[]): Promise<boolean> {
    const sock = this.tlsSocket!;
    const w = this.wire;
    const fromWire = w && w.certificates.length > 0;
    const certs = fromWire ? w.certificates : nodeChain(sock);
    const chain = analyseChain({
      certificates: certs, origin: fromWire ? 'wire' : 'node', authorized: sock.authorized,
      authorizationError: sock.authorizationError ? String(sock.authorizationError) : undefined, trusted: caDers, now: this.now,
    });
    this.result.chain = chain;
    if (caDers.length && certs.length) {
      // Our own RFC 5280 path validation, next to OpenSSL's verdict: its messages are more specific.
      try {
        const v = await verifyCertificate(certs[0], { anchors: caDers, pool: certs.slice(1), at: this.now, purpose: 'serverAuth' });
        chain.pathValidation = { valid: v.valid, failure: v.failure?.message, path: v.path.map((p) => p.subject) };
        if (!v.valid && v.failure && !chain.problems.some((p) => p.includes(v.failure!.message))) chain.problems.push(`path validation: ${v.failure.message}`);
      } catch (err) {
        chain.pathValidation = { valid: false, failure: `path validation could not run: ${errorMessage(err)}`, path: [] };
      }
    }
    const cs: Array<[string, string]> = chain.certificates.map((c, i) => [`#${i}`, `${c.subject}  (issuer ${c.issuer}; until ${c.notAfter.slice(0, 10)})`]);
    if (chain.pathValidation) cs.push(['path validation', chain.pathValidation.valid ? `valid: ${chain.pathValidation.path.join(' <- ')}` : `failed: ${chain.pathValidation.failure}`]);
    cs.push(['trusted', chain.trusted ? `yes${caDers.length ? ' (by the given CA file)' : ' (by the system CA bundle)'}` : `no${chain.errorCode ? ` (${chain.errorCode})` : ''}`]);
    for (const p of chain.problems) cs.push(['problem', p]);
    this.trace.add('server-chain', `Server certificate chain (${chain.certificates.length} sent)`, chain.trusted ? (chain.problems.length ? 'warn' : 'ok') : 'fail', cs);

    // Hostname: against --servername when given (what SNI asked for), else the URL's host.
    const host = this.options.servername ?? t.host;
    const peer = sock.getPeerCertificate();
    const names = (peer.subjectaltname ?? '').split(', ').filter(Boolean);
    const err = peer.raw ? tls.checkServerIdentity(host, peer) : new Error('no server certificate');
    this.result.hostname = { host, ok: !err, names, message: err?.message };
    this.trace.add('hostname', `Hostname check (${host})`, err ? 'fail' : 'ok',
      [['certificate names', names.join(', ') || `(no subjectAltName; CN=${peer.subject?.CN ?? '?'})`], ...(err ? [['problem', err.message] as [string, string]] : [])]);

    const leafMustStaple = chain.certificates[0]?.mustStaple ?? false;
    let stapleGood = true;
    if (this.options.requestOcsp || leafMustStaple) {
      const response = this.staple ?? w?.staple;
      const report = checkStaple({
        requested: !!this.options.requestOcsp, response: response ?? undefined, leaf: certs[0],
        issuerCandidates: [...certs.slice(1), ...caDers], mustStaple: leafMustStaple, now: this.now,
      });
      this.result.staple = report;
      stapleGood = stapleOk(report);
      const d: Array<[string, string]> = [['stapled', report.present ? 'yes' : 'no']];
      if (report.status) d.push(['status', report.status]);
      if (report.revokedAt) d.push(['revoked at', report.revokedAt]);
      if (report.reason) d.push(['reason', report.reason]);
      if (report.thisUpdate) d.push(['thisUpdate', report.thisUpdate]);
      if (report.nextUpdate) d.push(['nextUpdate', report.nextUpdate]);
      if (report.signatureValid !== undefined) d.push(['signature', report.signatureValid ? 'valid (by the issuer or its responder)' : 'INVALID']);
      if (report.certIdMatches !== undefined) d.push(['certID', report.certIdMatches ? 'matches the server certificate' : 'does NOT match']);
      if (report.fresh !== undefined) d.push(['fresh', report.fresh ? 'yes' : 'no']);
      d.push(['must-staple', leafMustStaple ? 'yes' : 'no']);
      for (const p of report.problems) d.push(['problem', p]);
      this.trace.add('staple', 'Stapled OCSP response', stapleGood ? (report.present ? 'ok' : 'warn') : 'fail', d);
    }
    return chain.trusted && !err && stapleGood;
  }

  /** tls://: on TLS 1.3 a rejected client certificate is only reported after the handshake. */
  private async waitForLateAlert(): Promise<void> {
    const sock = this.tlsSocket!;
    if (this.result.tls?.version !== 'TLSv1.3') {
      this.completed = true;
      return;
    }
    const wait = this.options.lateAlertWaitMs ?? DEFAULT_LATE_ALERT_MS;
    const step = this.trace.begin('late-alert', 'After the TLS 1.3 handshake: the server\'s verdict on the client certificate');
    const outcome = await new Promise<string>((resolve) => {
      if (this.tlsErrors.length) return resolve('error');
      const timer = setTimeout(() => resolve('quiet'), wait);
      const done = (what: string) => () => { clearTimeout(timer); resolve(what); };
      sock.once('session', done('ticket'));
      sock.once('error', done('error'));
      sock.once('close', done('close'));
      sock.once('end', done('close'));
    });
    if (outcome === 'error') {
      const e = this.tlsErrors[this.tlsErrors.length - 1].err;
      step.detail('error', errorMessage(e)).end('fail');
      this.fail('late-alert', e);
      return;
    }
    if (outcome === 'close') {
      step.detail('result', 'the server closed the connection without an alert').end('fail');
      this.fail('late-alert', new ProbeError('ECLOSED', 'the server closed the connection right after the TLS 1.3 handshake'));
      return;
    }
    step.detail('result', outcome === 'ticket' ? 'the server sent a session ticket: it accepted the handshake' : `no rejection within ${wait / 1000} s`).end('ok');
    this.completed = true;
  }

  private async openWebSocket(t: ProbeTarget): Promise<boolean> {
    const step = this.trace.begin('websocket', `WebSocket upgrade ${t.path}`);
    const hostPart = net.isIPv6(t.host) ? `[${t.host}]` : t.host;
    const sock = this.tlsSocket!;
    try {
      const ws = new WebSocket(`wss://${hostPart}:${t.port}${t.path}`, ['mqtt'], {
        createConnection: (() => sock) as unknown as typeof net.createConnection,
        handshakeTimeout: this.timeout,
        perMessageDeflate: false,
      });
      this.ws = ws;
      ws.binaryType = 'nodebuffer';
      await withTimeout(new Promise<void>((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('unexpected-response', (_req, res) => reject(new ProbeError('EWSUPGRADE', `the server answered the WebSocket upgrade with HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim())));
        ws.once('error', reject);
        ws.once('close', () => reject(new ProbeError('ECLOSED', 'the connection closed during the WebSocket upgrade')));
      }), this.timeout, 'WebSocket upgrade');
      ws.on('message', (data: Buffer) => this.packets.push(data));
      ws.on('close', (code: number, reason: Buffer) => this.packets.fail(new ProbeError('ECLOSED', `the server closed the WebSocket (${code}${reason.length ? ` ${reason.toString()}` : ''})`)));
      ws.on('error', (err) => this.packets.fail(err));
      step.detail('subprotocol', ws.protocol || '(none)').end('ok');
      return true;
    } catch (err) {
      const tlsErr = this.tlsErrors[0]?.err;
      step.detail('error', errorMessage(tlsErr ?? err)).end('fail');
      this.fail('websocket', tlsErr ?? err);
      return false;
    }
  }

  private send(buf: Buffer): void {
    if (this.ws) this.ws.send(buf);
    else this.tlsSocket!.write(buf);
  }

  private async mqtt(): Promise<void> {
    const o = this.options;
    const version = o.mqttVersion === '5' ? 5 : 4;
    const clientId = o.clientId ?? `certscope-probe-${randomBytes(4).toString('hex')}`;
    this.result.mqtt = { version: version === 5 ? '5' : '3.1.1', clientId, username: o.username };
    const step = this.trace.begin('mqtt-connect', `MQTT ${version === 5 ? '5' : '3.1.1'} CONNECT -> CONNACK`);
    step.detail('client id', clientId).detail('username', o.username);
    let connack;
    try {
      this.send(encodeConnect({ version, clientId, username: o.username, password: o.password, keepAliveSeconds: 30 }));
      const p = await this.packets.next([PACKET.CONNACK], this.timeout, 'MQTT CONNACK');
      connack = decodeConnack(p.body, version);
    } catch (err) {
      this.mqttFailure(step, err);
      return;
    }
    this.result.mqtt.connack = { code: connack.code, name: connack.name, sessionPresent: connack.sessionPresent, reasonString: connack.reasonString, answeredAs: connack.answeredAs };
    step.detail('CONNACK', `${connack.answeredAs === '5' ? `0x${connack.code.toString(16).padStart(2, '0')}` : connack.code} ${connack.name}`)
      .detail('reason string', connack.reasonString).detail('answered as', connack.answeredAs !== this.result.mqtt.version ? `MQTT ${connack.answeredAs}` : undefined);
    if (!connack.accepted) {
      step.end('fail');
      this.fail('mqtt-connect', new ProbeError('ECONNACK', `CONNACK ${connack.code}: ${connack.name}`));
      return;
    }
    step.end('ok');
    if (o.skipRoundTrip) {
      this.completed = true;
      this.disconnect(version);
      return;
    }
    const rt = this.trace.begin('mqtt-roundtrip', 'MQTT subscribe/publish round trip');
    const topic = `certscope/probe/${randomBytes(6).toString('hex')}`;
    this.result.mqtt.roundTrip = { topic, ok: false };
    rt.detail('topic', topic);
    try {
      this.send(encodeSubscribe(version, 1, topic));
      const suback = decodeSuback((await this.packets.next([PACKET.SUBACK], this.timeout, 'MQTT SUBACK')).body, version);
      this.result.mqtt.roundTrip.subackCodes = suback.codes;
      rt.detail('SUBACK', suback.codes.map((c) => `0x${c.toString(16).padStart(2, '0')}`).join(' '));
      if (suback.codes.some((c) => c >= 0x80)) {
        throw new ProbeError('ESUBACK', `the broker refused the subscription to ${topic} (SUBACK 0x${suback.codes[0].toString(16)})`);
      }
      const payload = Buffer.from(`certscope probe ${randomBytes(4).toString('hex')}`);
      this.send(encodePublish(version, topic, payload));
      for (;;) {
        const p = await this.packets.next([PACKET.PUBLISH], this.timeout, 'our own published message');
        const msg = decodePublish(p.flags, p.body, version);
        if (msg.topic === topic && msg.payload.equals(payload)) break;
      }
      this.result.mqtt.roundTrip.ok = true;
      rt.detail('message', 'published and received back').end('ok');
      this.completed = true;
      this.disconnect(version);
    } catch (err) {
      this.result.mqtt.roundTrip.message = errorMessage(err);
      this.mqttFailure(rt, err);
    }
  }

  private mqttFailure(step: ReturnType<Trace['begin']>, err: unknown): void {
    // A TLS error that arrived meanwhile (the alert) explains more than "closed".
    const tlsErr = this.tlsErrors.find((e) => e.afterHandshake && alertFromError(e.err as { code?: unknown; message?: unknown }))?.err;
    const shown = err instanceof MqttFramingError ? err : tlsErr ?? err;
    if (err instanceof MqttFramingError && this.packets.firstBytes) {
      const b = this.packets.firstBytes.subarray(0, 24);
      step.detail('server sent', `${b.toString('hex')} "${b.toString('latin1').replace(/[^\x20-\x7e]/g, '.')}"`);
    }
    step.detail('error', errorMessage(shown)).detail('code', errorCode(shown)).end('fail');
    this.fail(step.name, shown);
  }

  private disconnect(version: 4 | 5): void {
    try {
      this.send(encodeDisconnect(version));
    } catch {
      // Closing anyway.
    }
  }

  cleanup(): void {
    try {
      this.ws?.terminate();
    } catch {
      // already closed
    }
    const sock = this.tlsSocket;
    if (sock && !sock.destroyed) {
      // close_notify + FIN, then give the server 200 ms to close its side before we cut it.
      const timer = setTimeout(() => sock.destroy(), 200);
      sock.once('close', () => clearTimeout(timer));
      sock.end();
    }
    if (!sock) this.socket?.destroy();
  }

  finish(): ProbeResult {
    const r = this.result;
    if (this.tap) this.wire = readWire(this.tap.receivedBuffer(), this.tap.sentBuffer(), this.keylog);
    r.alerts = collectAlerts(this.tlsErrors, this.wire, this.secure);
    if (r.tls) r.tls.sessionTicket = this.sessionTicket;
    if (this.wire && r.tls && this.wire.clientCertificates) {
      r.tls.clientCertSent = this.wire.clientCertificates.length > 0;
      r.tls.clientCertCount = this.wire.clientCertificates.length;
    }
    if (r.error) {
      const step = r.steps.find((s) => s.name === r.error!.step && s.status === 'fail');
      const alert = r.alerts.find((a) => a.direction === 'received') ?? r.alerts.find((a) => a.direction === 'sent');
      if (step && alert) step.details.unshift(['ALERT', `${alert.name} (${alert.number}) ${alert.direction === 'received' ? 'received' : 'sent by the probe'} ${alert.phase === 'after-handshake' ? 'after' : 'during'} the handshake`]);
    }
    r.steps.sort((a, b) => a.startMs - b.startMs);
    r.ok = this.completed && !r.steps.some((s) => s.status === 'fail') && !r.diagnosis.some((d) => d.kind === 'bad_input');
    r.diagnosis.push(...diagnose(r, this.pre.findings, this.options.context));
    r.totalMs = this.trace.elapsed();
    return r;
  }
}

function nodeChain(sock: tls.TLSSocket): Buffer[] {
  const out: Buffer[] = [];
  let c: tls.DetailedPeerCertificate | undefined = sock.getPeerCertificate(true);
  const seen = new Set<string>();
  while (c && c.raw && !seen.has(c.fingerprint256)) {
    seen.add(c.fingerprint256);
    out.push(c.raw);
    c = c.issuerCertificate;
  }
  return out;
}

/** A TLS record starts with a content type 20-24 and a 0x03 major version byte. */
function looksLikeTls(b: Buffer): boolean {
  return b[0] >= 20 && b[0] <= 24 && (b.length < 2 || b[1] === 3);
}

function nameText(der: Buffer): string {
  try {
    return decodeName(der, readTlv(der, 0)).rfc4514;
  } catch {
    return `(undecodable name ${der.subarray(0, 8).toString('hex')}…)`;
  }
}

function collectAlerts(errors: TlsErrorEvent[], wire: WireFlight | undefined, secure: boolean): AlertInfo[] {
  const out: AlertInfo[] = [];
  for (const { err, afterHandshake } of errors) {
    const a = alertFromError(err as { code?: unknown; message?: unknown });
    if (a && !out.some((x) => x.number === a.number && x.direction === 'received')) {
      out.push({ name: a.name, number: a.number, level: 'fatal', direction: 'received', phase: afterHandshake ? 'after-handshake' : 'during-handshake', evidence: 'error', raw: errorCode(err) ?? err.message });
    }
  }
  for (const w of wire?.alerts ?? []) {
    if (w.description === 0) continue; // close_notify: an orderly close, not a rejection
    const known = out.find((x) => x.number === w.description && x.direction === 'received');
    if (known) {
      known.evidence = 'record';
      known.level = w.level === 1 ? 'warning' : 'fatal';
    } else {
      out.push({ name: alertName(w.description), number: w.description, level: w.level === 1 ? 'warning' : 'fatal', direction: 'received', phase: secure ? 'after-handshake' : 'during-handshake', evidence: 'record' });
    }
  }
  for (const w of wire?.sentAlerts ?? []) {
    if (w.description === 0) continue;
    out.push({ name: alertName(w.description), number: w.description, level: w.level === 1 ? 'warning' : 'fatal', direction: 'sent', phase: secure ? 'after-handshake' : 'during-handshake', evidence: 'record' });
  }
  return out;
}
