// Steps 1-2: DNS lookup (names only) and the TCP connection, trying each address in turn.
import { lookup } from 'node:dns/promises';
import * as net from 'node:net';
import { errorMessage, withTimeout } from '../errors';
import type { ProbeRun } from '../run';
import type { ProbeTarget } from '../url';

export async function connectTcp(run: ProbeRun, t: ProbeTarget): Promise<boolean> {
  let addresses = [t.host];
  if (!net.isIP(t.host)) {
    const step = run.trace.begin('dns', `DNS lookup ${t.host}`);
    try {
      const r = await withTimeout(Promise.race([lookup(t.host, { all: true }), run.whenCancelled]), run.timeout, `DNS lookup of ${t.host}`);
      addresses = r.map((a) => a.address);
      step.detail(addresses.length > 1 ? 'addresses' : 'address', addresses.join(', ')).end('ok');
    } catch (err) {
      step.detail('error', errorMessage(err)).end('fail');
      run.fail('dns', err);
      return false;
    }
  }
  // "localhost" may resolve to ::1 first while the broker listens on 127.0.0.1 only; report the
  // first error if no address accepts.
  let firstError: unknown;
  for (const address of addresses) {
    const step = run.trace.begin('tcp', `TCP connect ${net.isIPv6(address) ? `[${address}]` : address}:${t.port}`);
    if (run.cancelled) break;
    const socket = net.connect({ host: address, port: t.port });
    run.connecting = socket;
    try {
      await withTimeout(new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      }), run.timeout, `TCP connect to ${address}:${t.port}`, () => socket.destroy());
      step.detail('local', `${socket.localAddress}:${socket.localPort}`).end('ok');
      run.socket = socket;
      const closed = (): void => { run.serverClosedMs ??= run.trace.elapsed(); };
      socket.once('end', closed);
      socket.once('error', closed);
      return true;
    } catch (err) {
      socket.destroy();
      step.detail('error', errorMessage(err)).end(address === addresses[addresses.length - 1] ? 'fail' : 'warn');
      firstError ??= err;
    }
  }
  run.fail('tcp', run.cancelled ? run.cancelError : firstError);
  return false;
}
