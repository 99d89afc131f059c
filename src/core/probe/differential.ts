// Differential probing: when the evidence stays ambiguous (a silent close after the handshake, a
// handshake cut without an alert, handshake_failure with one TLS version), a few short extra
// connections that tell the causes apart, and what each showed. Never more than MAX_EXTRA.
import * as net from 'node:net';
import { encodeConnect } from './mqtt';
import type { DifferentialProbe, ProbeOptions, ProbeResult } from './types';

const MAX_EXTRA = 3;
const EXTRA_TIMEOUT_MS = 3_000;

type Prober = (o: ProbeOptions) => Promise<ProbeResult>;

interface Variant {
  variant: string;
  /** Options for a TLS variant, or undefined for the plain-MQTT check. */
  options?: Partial<ProbeOptions>;
}

/** Which extra probes would tell the causes apart for this result (empty when it is clear). */
function variantsFor(r: ProbeResult, o: ProbeOptions): Variant[] {
  const e = r.error;
  if (!e || r.ok) return [];
  const received = r.alerts.filter((a) => a.direction === 'received');
  const code = e.code ?? '';
  const closed = code === 'ECLOSED' || code === 'ECONNRESET' || code === 'EPIPE';
  const out: Variant[] = [];
  const otherTls = r.tls?.version === 'TLSv1.3' || o.tlsVersion === '1.3' ? '1.2' : '1.3';
  if (!received.length && closed && e.step === 'late-alert') {
    // Silent close right after the handshake: is it the certificate or the TLS version?
    out.push({ variant: `TLS ${otherTls}`, options: { tlsVersion: otherTls } });
    if (o.cert) out.push({ variant: 'without the client certificate', options: { cert: undefined, key: undefined } });
  } else if (!received.length && closed && r.tls?.version && (e.step === 'mqtt-connect' || e.step === 'websocket')) {
    // The TLS session was accepted; the close came with CONNECT: the MQTT version or the client id?
    if (r.mqtt?.version === '5') out.push({ variant: 'MQTT 3.1.1', options: { mqttVersion: '3.1.1' } });
    out.push({ variant: 'another client id', options: { clientId: undefined } });
  } else if (!received.length && (closed || code === 'ETIMEDOUT') && e.step === 'tls' && !r.received?.bytes && r.scheme !== 'tls') {
    // Cut (or left hanging) during the handshake with nothing said: a plain MQTT port answers a plain CONNECT.
    out.push({ variant: 'plain MQTT (no TLS)' });
  } else if (received[0]?.name === 'handshake_failure' && !r.tls?.version && o.tlsVersion) {
    out.push({ variant: `TLS ${o.tlsVersion === '1.2' ? '1.3' : '1.2'}`, options: { tlsVersion: o.tlsVersion === '1.2' ? '1.3' : '1.2' } });
  }
  return out.slice(0, MAX_EXTRA);
}

export async function runDifferential(r: ProbeResult, o: ProbeOptions, probe: Prober): Promise<DifferentialProbe[]> {
  const out: DifferentialProbe[] = [];
  for (const v of variantsFor(r, o)) {
    if (o.signal?.aborted) break;
    if (!v.options) {
      out.push(await plainMqtt(r.host, r.port, v.variant));
      continue;
    }
    const x = await probe({
      ...o, ...v.options, differential: false, skipRoundTrip: true, keylog: undefined, timeoutMs: Math.min(o.timeoutMs ?? EXTRA_TIMEOUT_MS, EXTRA_TIMEOUT_MS),
      lateAlertWaitMs: 1_000,
      context: { ...o.context, surface: o.context?.surface },
    });
    const alert = x.alerts.find((a) => a.direction === 'received');
    const handshake = !!x.tls?.version && x.error?.step !== 'tls';
    const outcome = x.ok ? (x.mqtt?.connack ? `the broker answered CONNACK ${x.mqtt.connack.name}` : 'the connection works')
      : alert ? `the server sent ${alert.name} (${alert.number})${alert.phase === 'after-handshake' ? ' after the handshake' : ''}`
        : x.closedBeforeConnect ? 'the handshake completed, then the server closed without an alert'
          : x.error ? `${x.error.step}: ${x.error.message}` : 'no answer';
    out.push({ variant: v.variant, outcome, ok: x.ok, handshake, alert: alert && { name: alert.name, number: alert.number } });
  }
  return out;
}

/** Sends a plain MQTT 3.1.1 CONNECT over TCP: a CONNACK means the port is a plain MQTT listener. */
function plainMqtt(host: string, port: number, variant: string): Promise<DifferentialProbe> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    let got = Buffer.alloc(0);
    const done = (d: Omit<DifferentialProbe, 'variant' | 'handshake'>): void => {
      clearTimeout(timer);
      s.destroy();
      resolve({ variant, handshake: false, ...d });
    };
    const timer = setTimeout(() => done({ outcome: 'no answer to a plain MQTT CONNECT', ok: false }), EXTRA_TIMEOUT_MS);
    s.once('connect', () => s.write(encodeConnect({ version: 4, clientId: 'certscope-probe-plain', keepAliveSeconds: 10 })));
    s.on('data', (b: Buffer) => {
      got = Buffer.concat([got, b]).subarray(0, 64);
      if (got.length >= 4) {
        if (got[0] === 0x20 && got[1] === 0x02) done({ outcome: `a plain MQTT CONNACK came back (return code ${got[3]})`, ok: true, plainMqtt: true });
        else done({ outcome: `the server answered ${got.subarray(0, 8).toString('hex')}, not MQTT`, ok: false });
      }
    });
    s.on('error', (err) => done({ outcome: `plain TCP: ${err.message}`, ok: false }));
    s.on('close', () => done({ outcome: 'the server closed the plain connection without an answer', ok: false }));
  });
}
