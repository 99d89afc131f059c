// Step 6 (wss:// only): the WebSocket upgrade over the probe's own TLS socket; MQTT then travels
// in binary WebSocket messages.
import * as net from 'node:net';
import WebSocket from 'ws';
import { errorMessage, ProbeError, withTimeout } from '../errors';
import type { ProbeRun } from '../run';
import type { ProbeTarget } from '../url';

export async function openWebSocket(run: ProbeRun, t: ProbeTarget): Promise<boolean> {
  const step = run.trace.begin('websocket', `WebSocket upgrade ${t.path}`);
  const hostPart = net.isIPv6(t.host) ? `[${t.host}]` : t.host;
  const sock = run.tlsSocket!;
  try {
    const ws = new WebSocket(`wss://${hostPart}:${t.port}${t.path}`, ['mqtt'], {
      createConnection: (() => sock) as unknown as typeof net.createConnection,
      handshakeTimeout: run.timeout,
      perMessageDeflate: false,
    });
    run.ws = ws;
    ws.binaryType = 'nodebuffer';
    await withTimeout(new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('unexpected-response', (_req, res) => reject(new ProbeError('EWSUPGRADE', `the server answered the WebSocket upgrade with HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim())));
      ws.once('error', reject);
      ws.once('close', () => reject(new ProbeError('ECLOSED', 'the connection closed during the WebSocket upgrade')));
    }), run.timeout, 'WebSocket upgrade');
    ws.on('message', (data: Buffer) => run.packets.push(data));
    ws.on('close', (code: number, reason: Buffer) => run.packets.fail(new ProbeError('ECLOSED', `the server closed the WebSocket (${code}${reason.length ? ` ${reason.toString()}` : ''})`)));
    ws.on('error', (err) => run.packets.fail(err));
    step.detail('subprotocol', ws.protocol || '(none)').end('ok');
    return true;
  } catch (err) {
    const tlsErr = run.tlsErrors[0]?.err;
    step.detail('error', errorMessage(tlsErr ?? err)).end('fail');
    run.fail('websocket', tlsErr ?? err);
    return false;
  }
}
