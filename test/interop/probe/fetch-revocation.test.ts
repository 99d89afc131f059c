// --fetch-revocation (opt-in): the probe fetches the client certificate's CRL from its own CRL
// distribution point (a loopback HTTP server serving what `openssl ca -gencrl` wrote). Against a
// server that closes without an alert (Node with rejectUnauthorized, like a TLS terminator) the
// fetched CRL turns "possible causes" into "revoked, likely". Nothing is fetched without the flag.
// An OCSP response given for the client certificate counts the same way once verified.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { probe } from '../../../src/core/probe/probe';
import type { ProbeResult } from '../../../src/core/probe/types';
import { makeOpensslCa } from '../ocsp/openssl-ca';
import type { OpensslCert } from '../../support/openssl-pki';
import { makeTempDir } from '../../support/tmp';
import { freePort, genCrl } from './peers';
import { ocspResponse, pem } from './fixtures';

describe('probe --fetch-revocation: the CRL from the certificate\'s distribution point', function () {
  this.timeout(60_000);
  const tmp = makeTempDir('certscope-probe-fetch-');
  let crlServer: Server;
  let tlsServer: tls.Server;
  let tlsPort = 0;
  const requests: string[] = [];
  let device: OpensslCert;
  let caChain = '';
  let ocspFile = '';

  before(async function () {
    this.timeout(120_000);
    const crlPort = await freePort();
    const ca = await makeOpensslCa(tmp.dir);
    const server = await ca.issue('localhost', { server: true });
    device = await ca.issue('device-cdp', { ext: `crlDistributionPoints=URI:http://127.0.0.1:${crlPort}/issuing.crl` });
    await ca.revoke(device, 'keyCompromise');
    ocspFile = await ocspResponse(ca, tmp.dir, device, 'device-cdp-ocsp');
    const crlPath = await genCrl(ca.cnf, join(tmp.dir, 'issuing.crl.pem'));
    caChain = join(tmp.dir, 'chain.pem');
    writeFileSync(caChain, readFileSync(ca.ca.certPath, 'utf8') + readFileSync(ca.root.certPath, 'utf8'));
    crlServer = createServer((req, res) => {
      requests.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(readFileSync(crlPath));
    });
    await new Promise<void>((r) => crlServer.listen(crlPort, '127.0.0.1', r));
    // Rejects the revoked client without an alert: the handshake ends, then the socket is cut.
    tlsServer = tls.createServer({
      cert: readFileSync(server.certPath, 'utf8') + readFileSync(ca.ca.certPath, 'utf8'), key: readFileSync(server.keyPath),
      ca: readFileSync(caChain), crl: readFileSync(crlPath), requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.3',
    }, (s) => { s.on('error', () => undefined); });
    tlsServer.on('tlsClientError', () => undefined);
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
    tlsPort = (tlsServer.address() as { port: number }).port;
  });
  after(async () => {
    crlServer?.close();
    tlsServer?.close();
    tmp.cleanup();
  });

  const run = (fetchRevocation: boolean): Promise<ProbeResult> => probe({
    url: `mqtts://localhost:${tlsPort}`, ca: pem(caChain), cert: pem(device.certPath), key: pem(device.keyPath),
    timeoutMs: 5000, fetchRevocation, differential: false,
  });

  it('without the flag nothing is fetched and the silent close stays a set of possible causes', async () => {
    const r = await run(false);
    assert.deepEqual(requests, []);
    assert.equal(r.diagnosis[0].confidence, 'possible', JSON.stringify(r.diagnosis));
    assert.equal(r.revocation?.status, 'unknown');
  });

  it('with the flag the CRL is fetched from the CDP URL and the cause is revoked (likely)', async () => {
    const r = await run(true);
    assert.deepEqual(requests, ['/issuing.crl']);
    assert.equal(r.revocation?.status, 'revoked', JSON.stringify(r.revocation));
    assert.match(r.revocation?.source ?? '', /http:\/\/127\.0\.0\.1:\d+\/issuing\.crl/);
    const [first] = r.diagnosis;
    assert.equal(first.kind, 'revoked');
    assert.equal(first.confidence, 'likely');
    assert.match(first.cause, /without an alert/);
    assert.match(first.cause, /reason keyCompromise/);
  });

  it('an OCSP response given for the client certificate (--ocsp-response) is verified against its issuer and names the revocation', async () => {
    const r = await probe({
      url: `mqtts://localhost:${tlsPort}`, ca: pem(caChain), cert: pem(device.certPath), key: pem(device.keyPath), timeoutMs: 5000, differential: false,
      context: { ocspResponses: [{ der: readFileSync(ocspFile), source: 'device.ocsp' }] },
    });
    assert.equal(r.revocation?.status, 'revoked', JSON.stringify(r.revocation));
    assert.match(r.revocation?.checked.join('|') ?? '', /OCSP response device\.ocsp: revoked/);
    assert.equal(r.diagnosis[0].kind, 'revoked');
    assert.equal(r.diagnosis[0].confidence, 'likely');
  });
});
