import assert from 'node:assert/strict';
import { join } from 'node:path';
import { makeTempDir } from '../../support/tmp';
import { initCa, CrlServer, cdpPathFor, localCdpOf, localCdpUrl, type CertificateAuthority } from '../../../src/core/ca/index';
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

  it('one server serves several CAs, each at its own path (the Development CA distribution points)', async () => {
    const other = await initCa(join(tmp.dir, 'other'), { subject: '/CN=Other CA' });
    await other.revoke((await other.issue({ profile: 'client', name: 'y' })).serialHex, 'superseded');
    const shared = new CrlServer({});
    shared.serve(cdpPathFor('Dev CA'), ca.paths.crlDer, ca.paths.crlPem);
    shared.serve(cdpPathFor('other'), other.paths.crlDer);
    const { port } = await shared.start();
    try {
      const a = parseCrl(new Uint8Array(await (await fetch(localCdpUrl(port, '/dev-ca.crl'))).arrayBuffer()));
      const b = parseCrl(new Uint8Array(await (await fetch(localCdpUrl(port, '/other.crl'))).arrayBuffer()));
      assert.match(a.issuer.key, /crl server ca/i);
      assert.match(b.issuer.key, /other ca/i);
      assert.equal(b.entryCount, 1);
      assert.match(await (await fetch(localCdpUrl(port, '/other.crl.pem'))).text(), /^-----BEGIN X509 CRL-----\n/);
      const missing = await fetch(localCdpUrl(port, '/ca.crl'));
      assert.equal(missing.status, 404);
      assert.match(await missing.text(), /\/dev-ca\.crl, \/other\.crl/);
    } finally {
      await shared.close();
    }
  });

  it('localCdpOf: only plain http URLs on this machine are Certscope-servable', () => {
    assert.deepEqual(localCdpOf('http://127.0.0.1:8089/dev-ca.crl'), { port: 8089, path: '/dev-ca.crl' });
    assert.deepEqual(localCdpOf('http://localhost/x.crl'), { port: 80, path: '/x.crl' });
    assert.equal(localCdpOf('https://127.0.0.1:8089/dev-ca.crl'), undefined);
    assert.equal(localCdpOf('http://crl.example.com/x.crl'), undefined);
    assert.equal(localCdpOf('not a url'), undefined);
  });

  it('releases the port on close()', async () => {
    const s2 = new CrlServer({ derPath: ca.paths.crlDer });
    const u = await s2.start();
    await s2.close();
    await assert.rejects(fetch(u.derUrl));
  });
});
