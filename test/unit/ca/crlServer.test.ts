import assert from 'node:assert/strict';
import { join } from 'node:path';
import { makeTempDir } from '../../support/tmp';
import { initCa, CrlServer, type CertificateAuthority } from '../../../src/core/ca/index';
import { parseCrl } from '../../../src/core/verify/parse';

describe('ca/crlServer', () => {
  const tmp = makeTempDir();
  let ca: CertificateAuthority;
  let server: CrlServer;
  let urls: { port: number; derUrl: string; pemUrl: string };

  before(async () => {
    ca = await initCa(join(tmp.dir, 'ca'), { subject: '/CN=CRL Server CA' });
    server = new CrlServer({ derPath: ca.paths.crlDer, pemPath: ca.paths.crlPem });
    urls = await server.start();
  });
  after(async () => { await server.close(); tmp.cleanup(); });

  it('listens on 127.0.0.1 with the port it reports', () => {
    assert.ok(urls.port > 0);
    assert.equal(urls.derUrl, `http://127.0.0.1:${urls.port}/ca.crl`);
  });

  it('serves DER and PEM, and a revocation is visible on the next request', async () => {
    const c = await ca.issue({ profile: 'client', name: 'x' });
    let res = await fetch(urls.derUrl);
    assert.equal(res.headers.get('content-type'), 'application/pkix-crl');
    assert.equal(parseCrl(new Uint8Array(await res.arrayBuffer())).entryCount, 0);
    await ca.revoke(c.serialHex, 'keyCompromise');
    res = await fetch(urls.derUrl);
    const crl = parseCrl(new Uint8Array(await res.arrayBuffer()));
    assert.equal(crl.entries.get(c.serialHex.toLowerCase())?.[0].reason, 1);
    const pem = await (await fetch(urls.pemUrl)).text();
    assert.match(pem, /^-----BEGIN X509 CRL-----\n/);
  });

  it('answers 404 elsewhere and 405 for POST', async () => {
    assert.equal((await fetch(`http://127.0.0.1:${urls.port}/other`)).status, 404);
    assert.equal((await fetch(urls.derUrl, { method: 'POST', body: 'x' })).status, 405);
  });

  it('releases the port on close()', async () => {
    const s2 = new CrlServer({ derPath: ca.paths.crlDer });
    const u = await s2.start();
    await s2.close();
    await assert.rejects(fetch(u.derUrl));
  });
});
