// Step 3: the TLS handshake over a capturing RecordTap (the raw bytes both ways), and what the
// wire says about client authentication (CertificateRequest: accepted CA names and signature
// algorithms; our Certificate message).
import * as net from 'node:net';
import * as tls from 'node:tls';
import { errorCode, errorMessage, ProbeError, withTimeout } from '../errors';
import type { ProbeRun } from '../run';
import type { ProbeTarget } from '../url';
import { decodeName } from '../../x509/name';
import { readTlv } from '../../der/reader';
import { readWire } from '../../tls/handshakeReader';
import { RecordTap } from '../../tls/recordTap';
import { signatureSchemeName } from '../../tls/signatureSchemes';

export async function handshake(run: ProbeRun, t: ProbeTarget, caDers: Buffer[]): Promise<boolean> {
  const o = run.options;
  const servername = o.servername && !net.isIP(o.servername) ? o.servername : (!o.servername && !net.isIP(t.host) ? t.host : undefined);
  const step = run.trace.begin('tls', 'TLS handshake');
  step.detail('SNI', servername ?? '(none: IP address)');
  if (o.keylog) step.detail('key log', `session secrets appended to ${o.keylog.path ?? 'the key log'} (SSLKEYLOGFILE format): the file is secret`);
  const version = o.tlsVersion === '1.2' ? 'TLSv1.2' : o.tlsVersion === '1.3' ? 'TLSv1.3' : undefined;
  const tap = new RecordTap(run.socket!, { capture: true });
  run.tap = tap;
  // requestOCSP is a documented tls.connect option missing from @types/node.
  const connectOptions: tls.ConnectionOptions & { requestOCSP?: boolean } = {
    socket: tap as unknown as net.Socket,
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
  run.tlsSocket = sock;
  sock.on('keylog', (line: Buffer) => {
    run.keylog.push(line);
    o.keylog?.write(line);
  });
  sock.on('OCSPResponse', (r: Buffer | null) => { run.staple = r; });
  sock.on('session', () => { run.sessionTicket = true; });
  sock.on('error', (err: Error) => {
    // Node writing into a connection the server already closed: the close is the fact, not this.
    if ((err as NodeJS.ErrnoException).code === 'ERR_STREAM_WRITE_AFTER_END') {
      run.packets.close();
      return;
    }
    run.tlsErrors.push({ err, afterHandshake: run.secure, atMs: run.trace.elapsed() });
    run.packets.fail(err);
  });
  sock.on('close', () => run.packets.close());
  sock.on('end', () => run.packets.close());
  sock.on('data', (d: Buffer) => { if (t.scheme === 'mqtts') run.packets.push(d); });
  try {
    await withTimeout(new Promise<void>((resolve, reject) => {
      sock.once('secureConnect', () => { run.secure = true; resolve(); });
      const closed = (): void => reject(new ProbeError('ECLOSED', 'the server closed the connection during the TLS handshake'));
      sock.once('error', (err: NodeJS.ErrnoException) => (err.code === 'ERR_STREAM_WRITE_AFTER_END' ? closed() : reject(err)));
      sock.once('close', closed);
    }), run.timeout, 'TLS handshake');
  } catch (err) {
    // Read what the server still sends (its alert may be behind the reset we saw first).
    if (errorCode(err) !== 'ETIMEDOUT') await run.drain();
    run.wire = readWire(tap.receivedBytes(), tap.sentBytes(), run.keylog);
    const received = tap.receivedBytes();
    const first = received.subarray(0, 16);
    step.detail('error', errorMessage(err)).detail('code', errorCode(err));
    const notTls = first.length > 0 && !looksLikeTls(first);
    run.result.received = { bytes: received.length, tls: first.length ? !notTls : undefined, first: first.length ? printable(first) : undefined };
    if (notTls) step.detail('first bytes from server', printable(first));
    step.end('fail');
    run.fail('tls', err);
    if (notTls && run.result.error) run.result.error.notTls = true;
    clientCertStep(run, step.startMs);
    return false;
  }
  const cipher = sock.getCipher();
  run.result.tls = {
    version: sock.getProtocol() ?? undefined,
    cipher: cipher?.standardName ?? cipher?.name,
    alpn: sock.alpnProtocol ?? false,
    servername,
    acceptedCaNames: [],
    clientCertSent: false,
    sessionTicket: false,
    handshakeMs: Math.round((run.trace.elapsed() - step.startMs) * 10) / 10,
  };
  step.detail('version', run.result.tls.version).detail('cipher', run.result.tls.cipher)
    .detail('ALPN', sock.alpnProtocol || '(none)').end('ok');
  run.wire = readWire(tap.receivedBytes(), tap.sentBytes(), run.keylog);
  clientCertStep(run, step.startMs);
  return true;
}

/** What the wire says about client authentication (CertificateRequest, our Certificate). */
function clientCertStep(run: ProbeRun, startMs: number): void {
  const w = run.wire;
  if (!w || !w.version) return;
  const requested = !!w.certificateRequest;
  const names = (w.certificateRequest?.caNames ?? []).map(nameText);
  const sigAlgs = (w.certificateRequest?.signatureAlgorithms ?? []).map(signatureSchemeName);
  const sent = (w.clientCertificates?.length ?? 0) > 0;
  const facts = { clientCertRequested: requested, acceptedCaNames: names, acceptedSignatureAlgorithms: sigAlgs, clientCertSent: sent };
  if (run.result.tls) Object.assign(run.result.tls, facts);
  else run.result.tls = { version: w.version, ...facts, sessionTicket: false };
  const details: Array<[string, string]> = [['requested by server', requested ? 'yes (CertificateRequest)' : 'no']];
  if (names.length) details.push(['CAs the server accepts', names.join(' | ')]);
  if (sigAlgs.length) details.push(['signature algorithms it accepts', sigAlgs.join(', ')]);
  const count = w.clientCertificates?.length ?? 0;
  if (requested) details.push(['sent', sent ? `yes (${count} certificate${count > 1 ? 's' : ''})` : 'no (empty Certificate message)']);
  if (!requested && run.options.cert) details.push(['note', 'a client certificate was configured but the server did not ask for one']);
  run.trace.add('client-cert', 'Client certificate', requested && !sent ? 'warn' : 'ok', details, startMs);
}

/** A TLS record starts with a content type 20-24 and a 0x03 major version byte. */
function looksLikeTls(b: Buffer): boolean {
  return b[0] >= 20 && b[0] <= 24 && (b.length < 2 || b[1] === 3);
}

function printable(b: Buffer): string {
  return `${b.toString('hex')} "${b.toString('latin1').replace(/[^\x20-\x7e]/g, '.')}"`;
}

function nameText(der: Buffer): string {
  try {
    return decodeName(der, readTlv(der, 0)).rfc4514;
  } catch {
    return `(undecodable name ${der.subarray(0, 8).toString('hex')}…)`;
  }
}
