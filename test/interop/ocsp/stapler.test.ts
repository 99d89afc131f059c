// The staple cache behind a real Node TLS server, checked with `openssl s_client -status`, against
// our responder (good, revoked), a responder that is down, and one that accepts and never answers.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { IndexStatusSource } from '../../../src/core/ocsp/indexStatus';
import { OcspResponder } from '../../../src/core/ocsp/responder';
import { OcspHttpServer } from '../../../src/core/ocsp/server';
import { OcspStapler } from '../../../src/core/ocsp/stapler';
import { run } from '../../support/run';
import { makeTempDir } from '../../support/tmp';
import { makeOpensslCa, type OpensslCa } from './openssl-ca';
import type { OpensslCert } from '../../support/openssl-pki';

async function tlsServer(leaf: OpensslCert, ca: OpensslCa, stapler: OcspStapler): Promise<{ server: TlsServer; port: number; handshakes: () => number }> {
  let n = 0;
  const server = createTlsServer({
    key: readFileSync(leaf.keyPath),
    cert: readFileSync(leaf.certPath, 'utf8') + readFileSync(ca.ca.certPath, 'utf8'),
  }, (s) => {
    n++;
    s.end();
  });
  server.on('OCSPRequest', stapler.onOcspRequest);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, handshakes: () => n };
}

async function sClient(port: number, ca: OpensslCa): Promise<string> {
  const r = await run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-status',
    '-CAfile', ca.root.certPath], { input: '', timeout: 30_000 });
  return r.stdout + r.stderr;
}

function close(server: { close(cb: () => void): void }): Promise<void> {
  return new Promise((r) => server.close(() => r()));
}

describe('OCSP stapler with Node TLS and openssl s_client -status', function () {
  let tmp: ReturnType<typeof makeTempDir>;
  let ca: OpensslCa;
  let responderServer: OcspHttpServer;
  let url: string;

  before(async () => {
    tmp = makeTempDir();
    ca = await makeOpensslCa(tmp.dir);
    const responder = new OcspResponder({
      issuer: readFileSync(ca.ca.certPath), signerKey: readFileSync(ca.ca.keyPath),
      source: new IndexStatusSource(`${ca.dir}/index.txt`), validitySeconds: 3600,
    });
    responderServer = new OcspHttpServer(responder);
    url = (await responderServer.start()).url;
  });
  after(async () => {
    await responderServer.close();
    tmp.cleanup();
  });

  it('staples a good response: s_client shows "successful" and "Cert Status: good", one fetch for many handshakes', async () => {
    const leaf = await ca.issue('stapled-good', { server: true });
    const stapler = new OcspStapler({ responderUrl: url, issuer: readFileSync(ca.ca.certPath), certificates: [readFileSync(leaf.certPath)] });
    stapler.start();
    await stapler.refresh();
    const before = responderServer.counts.POST;
    const tls = await tlsServer(leaf, ca, stapler);
    try {
      for (let i = 0; i < 3; i++) {
        const out = await sClient(tls.port, ca);
        assert.match(out, /OCSP Response Status: successful \(0x0\)/);
        assert.match(out, /Cert Status: good/);
      }
      assert.equal(responderServer.counts.POST, before, 'handshakes never ask the responder');
      const [st] = stapler.state();
      assert.equal(st.status, 'good');
      assert.equal(st.stapling, true);
      assert.equal(st.fetches, 1);
      assert.ok(st.nextUpdate && st.lastFetch);
    } finally {
      stapler.dispose();
      await close(tls.server);
    }
  });

  it('without ocsp_responder_url, asks the URL in the certificate\'s authorityInfoAccess', async () => {
    const leaf = await ca.issue('stapled-aia', { server: true, ocspUrl: url });
    const stapler = new OcspStapler({ issuer: readFileSync(ca.ca.certPath), certificates: [readFileSync(leaf.certPath)] });
    stapler.start();
    await stapler.refresh();
    const tls = await tlsServer(leaf, ca, stapler);
    try {
      assert.equal(stapler.state()[0].url, url);
      assert.match(await sClient(tls.port, ca), /Cert Status: good/);
    } finally {
      stapler.dispose();
      await close(tls.server);
    }
  });

  it('staples a revoked response for a revoked server certificate', async () => {
    const leaf = await ca.issue('stapled-revoked', { server: true });
    await ca.revoke(leaf, 'keyCompromise');
    const stapler = new OcspStapler({ responderUrl: url, issuer: readFileSync(ca.ca.certPath), certificates: [readFileSync(leaf.certPath)] });
    stapler.start();
    await stapler.refresh();
    const tls = await tlsServer(leaf, ca, stapler);
    try {
      const out = await sClient(tls.port, ca);
      assert.match(out, /OCSP Response Status: successful/);
      assert.match(out, /Cert Status: revoked/);
      assert.match(out, /Revocation Reason: keyCompromise/);
      assert.equal(stapler.state()[0].status, 'revoked');
    } finally {
      stapler.dispose();
      await close(tls.server);
    }
  });

  it('responder down: handshakes complete with no staple; one fetch per back-off step, not per handshake', async () => {
    const probe = createNetServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const deadPort = (probe.address() as AddressInfo).port;
    await close(probe);
    const leaf = await ca.issue('stapled-dead', { server: true });
    const logs: string[] = [];
    const stapler = new OcspStapler({
      responderUrl: `http://127.0.0.1:${deadPort}/`, issuer: readFileSync(ca.ca.certPath),
      certificates: [readFileSync(leaf.certPath)], retryBaseMs: 60_000, log: (_l, m) => logs.push(m),
    });
    stapler.start();
    await stapler.refresh();
    const tls = await tlsServer(leaf, ca, stapler);
    try {
      for (let i = 0; i < 4; i++) {
        const out = await sClient(tls.port, ca);
        assert.match(out, /OCSP response: no response sent/);
        assert.match(out, /Verify return code: 0 \(ok\)/);
      }
      assert.equal(tls.handshakes(), 4);
      const [st] = stapler.state();
      assert.equal(st.fetches, 1, 'one failed fetch, then waiting for the back-off');
      assert.equal(st.failures, 1);
      assert.match(st.lastError ?? '', /ECONNREFUSED/);
      assert.equal(st.stapling, false);
      assert.ok(logs.some((m) => /failed .*ECONNREFUSED.*retry in 1m/.test(m)), logs.join('\n'));
    } finally {
      stapler.dispose();
      await close(tls.server);
    }
  });

  it('attach(): no listener while the responder is down, stapling once it answers', async () => {
    // A loopback front that says 503 until switched on, then forwards to our responder.
    let up = false;
    let requests = 0;
    const front = createHttpServer((req, res) => {
      requests++;
      if (!up) {
        res.writeHead(503, { 'Content-Type': 'text/html' });
        res.end('<h1>maintenance</h1>');
        return;
      }
      const fwd = httpRequest(url, { method: 'POST', headers: { 'Content-Type': 'application/ocsp-request' } }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      req.pipe(fwd);
    });
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    const leaf = await ca.issue('stapled-attach', { server: true });
    const stapler = new OcspStapler({
      responderUrl: `http://127.0.0.1:${(front.address() as AddressInfo).port}/`, issuer: readFileSync(ca.ca.certPath),
      certificates: [readFileSync(leaf.certPath)], retryBaseMs: 60_000,
    });
    const server = createTlsServer({ key: readFileSync(leaf.keyPath), cert: readFileSync(leaf.certPath, 'utf8') + readFileSync(ca.ca.certPath, 'utf8') }, (x) => x.end());
    stapler.attach(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      stapler.start();
      await stapler.refresh();
      assert.match(stapler.state()[0].lastError ?? '', /HTTP 503/);
      assert.equal(server.listenerCount('OCSPRequest'), 0);
      for (let i = 0; i < 3; i++) assert.match(await sClient(port, ca), /OCSP response: no response sent/);
      assert.equal(requests, 1, 'one request for three handshakes while waiting for the back-off');
      up = true;
      await stapler.refresh();
      assert.equal(server.listenerCount('OCSPRequest'), 1);
      const out = await sClient(port, ca);
      assert.match(out, /OCSP Response Status: successful/);
      assert.match(out, /Cert Status: good/);
      assert.equal(requests, 2);
    } finally {
      stapler.dispose();
      await close(server);
      await close(front);
    }
  });

  it('responder hangs: handshakes complete while the single fetch is still pending', async () => {
    const sockets: Socket[] = [];
    let connections = 0;
    const hang: NetServer = createNetServer((s) => {
      connections++;
      sockets.push(s); // read the request, never answer
    });
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const leaf = await ca.issue('stapled-hang', { server: true });
    const stapler = new OcspStapler({
      responderUrl: `http://127.0.0.1:${(hang.address() as AddressInfo).port}/`, issuer: readFileSync(ca.ca.certPath),
      certificates: [readFileSync(leaf.certPath)], httpTimeoutMs: 120_000,
    });
    stapler.start();
    const tls = await tlsServer(leaf, ca, stapler);
    try {
      for (let i = 0; i < 4; i++) {
        const out = await sClient(tls.port, ca);
        assert.match(out, /OCSP response: no response sent/);
      }
      const [st] = stapler.state();
      assert.equal(st.fetches, 1);
      assert.ok(st.lastFetch, 'the fetch started');
      assert.equal(st.lastSuccess, undefined, 'and has not finished: the handshakes did not wait for it');
      assert.equal(st.lastError, undefined);
      assert.equal(connections, 1, 'the responder saw one connection for four handshakes');
    } finally {
      stapler.dispose();
      for (const s of sockets) s.destroy();
      await close(hang);
      await close(tls.server);
    }
  });
});
