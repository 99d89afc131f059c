// TlsAcceptor with an asynchronous verdict (the emqx5 profile fetches a CRL during the handshake):
// a hook that throws after the verdict must cost one connection, reported through onFailed, and
// never become an unhandled rejection (which would end the broker process).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { TlsAcceptor } from '../../../src/core/tls/tlsAcceptor';
import { makeTempDir } from '../../support/tmp';

describe('TlsAcceptor: a throwing hook after an asynchronous verdict', function () {
  this.timeout(30_000);
  const tmp = makeTempDir();
  let server: net.Server | undefined;
  after(() => {
    server?.close();
    tmp.cleanup();
  });

  it('reports the error through onFailed and closes that connection', async () => {
    const key = join(tmp.dir, 'key.pem');
    const cert = join(tmp.dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', key, '-out', cert, '-subj', '/CN=localhost', '-days', '1'], { stdio: 'ignore' });
    const context = tls.createSecureContext({ key: readFileSync(key), cert: readFileSync(cert) });
    const unhandled: unknown[] = [];
    const onUnhandled = (r: unknown): void => { unhandled.push(r); };
    process.on('unhandledRejection', onUnhandled);
    try {
      const failed = new Promise<string>((resolve) => {
        const acceptor = new TlsAcceptor({
          secureContext: () => context,
          hub: tls.createServer(),
          requestCert: false,
          handshakeTimeoutMs: 10_000,
          verify: async () => ({ accept: true }),
          onAccepted: () => { throw new Error('hook broke'); },
          onRejected: () => assert.fail('nothing is rejected here'),
          onFailed: (_remote, message) => resolve(message),
        });
        server = net.createServer((raw) => { acceptor.accept(raw); });
      });
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      const port = (server!.address() as net.AddressInfo).port;
      const client = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
      client.on('error', () => { /* the server drops the connection: expected */ });
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      assert.equal(await failed, 'internal error after the client check: hook broke');
      await closed;
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
