// Certscope's certificates and CRLs in a real Node TLS server (OpenSSL underneath): a client
// certificate revoked by Certscope shows up as CERT_REVOKED, valid ones are authorised, for ECDSA,
// RSA and Ed25519 client keys, through an intermediate, on TLS 1.2 and 1.3.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, createServer, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { makeTempDir } from '../../support/tmp';
import { initCa, type IssuedCertificate } from '../../../src/core/ca/index';

describe('ca: certificates and CRLs in Node TLS', function () {
  this.timeout(60_000);
  const tmp = makeTempDir();
  after(() => tmp.cleanup());

  it('authorises valid clients and reports CERT_REVOKED for revoked ones', async () => {
    const root = await initCa(join(tmp.dir, 'root'), { subject: '/CN=TLS Root' });
    const sub = await initCa(join(tmp.dir, 'sub'), { subject: '/CN=TLS Sub', parent: root, key: 'rsa2048' });
    const server = await sub.issue({ profile: 'server', name: 'srv', dns: ['localhost'], ip: ['127.0.0.1'] });
    const clients: Record<string, IssuedCertificate> = {};
    for (const key of ['p256', 'rsa2048', 'ed25519'] as const) clients[key] = await sub.issue({ profile: 'client', name: `c-${key}`, key });
    const revoked = await sub.issue({ profile: 'client', name: 'gone' });
    await sub.revoke(revoked.paths.cert, 'keyCompromise');

    const seen: Array<string | null> = [];
    const tls = createServer({
      cert: readFileSync(server.paths.fullchain), key: readFileSync(server.paths.key!),
      ca: readFileSync(server.paths.chain), crl: [readFileSync(root.paths.crlPem, 'utf8'), readFileSync(sub.paths.crlPem, 'utf8')],
      requestCert: true, rejectUnauthorized: false,
    }, (s: TLSSocket) => {
      seen.push(s.authorized ? null : String(s.authorizationError));
      s.end();
    });
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    const port = (tls.address() as AddressInfo).port;
    const hello = (c: IssuedCertificate, maxVersion: 'TLSv1.2' | 'TLSv1.3'): Promise<void> => new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: readFileSync(server.paths.chain), cert: readFileSync(c.paths.fullchain), key: readFileSync(c.paths.key!), maxVersion });
      s.on('error', reject);
      s.on('close', () => resolve());
      s.resume();
      s.setTimeout(10_000, () => s.destroy(new Error('timeout')));
    });
    try {
      for (const v of ['TLSv1.2', 'TLSv1.3'] as const) {
        for (const c of Object.values(clients)) await hello(c, v);
        await hello(revoked, v);
      }
    } finally {
      await new Promise((r) => tls.close(r));
    }
    assert.deepEqual(seen, [null, null, null, 'CERT_REVOKED', null, null, null, 'CERT_REVOKED']);
  });
});
