import { strict as assert } from 'node:assert';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CrlStore, parseCrlBytes, type CrlStoreOptions } from '../../../src/core/broker/crlStore';
import { crlProblem } from '../../../src/core/broker/crlTrust';
import { decodeCertificate } from '../../../src/core/decode/certificate';
import { findPemBlocks } from '../../../src/core/pem';
import { openssl } from '../../support/run';
import { makeTempDir } from '../../support/tmp';
import { makeBrokerPki, type BrokerPki } from './brokerPki';

function store(opts: Partial<CrlStoreOptions>, logs: string[] = []): CrlStore {
  return new CrlStore({ files: [], urls: [], refreshIntervalMs: 60_000, httpTimeoutMs: 1_000, filePollIntervalMs: 200, log: (l, m) => logs.push(`${l}: ${m}`), ...opts });
}

function once(s: CrlStore): Promise<void> {
  return new Promise((resolve) => {
    const d = s.onDidChange(() => { d.dispose(); resolve(); });
  });
}

describe('CRL store', function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof makeTempDir>;
  let pki: BrokerPki;
  const stores: CrlStore[] = [];
  before(async () => {
    tmp = makeTempDir();
    pki = await makeBrokerPki(tmp.dir);
  });
  afterEach(() => { for (const s of stores.splice(0)) s.dispose(); });
  after(() => tmp?.cleanup());

  it('loads several CRLs from one PEM file and a DER file, and finds revoked serials', async () => {
    const both = join(tmp.dir, 'both.pem');
    writeFileSync(both, readFileSync(pki.rootCrlPath, 'utf8') + readFileSync(pki.intermediateCrlPath, 'utf8'));
    const der = join(tmp.dir, 'int.der');
    await openssl(['crl', '-in', pki.intermediateCrlPath, '-outform', 'DER', '-out', der]);
    const s = store({ files: [both, der] });
    stores.push(s);
    await s.start();
    assert.equal(s.crls().length, 3);
    const issuer = s.crls()[1].model.issuer.derHex;
    const hit = s.findRevocation(issuer, pki.revoked.serialHex);
    assert.equal(hit?.entry.reason, 'keyCompromise');
    assert.equal(s.findRevocation(issuer, pki.good.serialHex), undefined);
    assert.ok(s.crls().every((c) => c.pem.startsWith('-----BEGIN X509 CRL-----\n')));
  });

  it('names a CRL by its number in decimal, as openssl crl prints it (CRL number 0x1F is #31)', async () => {
    writeFileSync(join(tmp.dir, `${pki.intermediate.name}-db`, 'crlnumber'), '1F\n');
    const path = join(tmp.dir, 'numbered.crl.pem');
    await pki.writeIntermediateCrl({ path });
    assert.match(await openssl(['crl', '-in', path, '-noout', '-crlnumber']), /crlNumber=0x1F/i);
    const logs: string[] = [];
    const s = store({ files: [path] }, logs);
    stores.push(s);
    await s.start();
    assert.ok(logs.some((l) => l.includes(`CRL #31 from ${path}`)), logs.join('\n'));
  });

  it('reloads a file when it changes, and keeps the last good CRL when the new content is broken', async () => {
    const path = join(tmp.dir, 'live.crl.pem');
    writeFileSync(path, readFileSync(pki.intermediateCrlPath));
    const logs: string[] = [];
    const s = store({ files: [path] }, logs);
    stores.push(s);
    await s.start();
    const before = s.crls()[0].model.entryCount;
    const changed = once(s);
    const device = await pki.issueClient('store-device');
    await pki.revoke(device);
    writeFileSync(path, readFileSync(pki.intermediateCrlPath));
    await changed;
    assert.equal(s.crls()[0].model.entryCount, before + 1);
    assert.ok(s.findRevocation(s.crls()[0].model.issuer.derHex, device.serialHex));
    writeFileSync(path, 'not a CRL at all');
    while (!logs.some((l) => l.startsWith(`warn: CRL load failed for ${path}`))) await new Promise((r) => setTimeout(r, 50));
    assert.match(logs.find((l) => l.includes('load failed')) ?? '', /no CRL found .*content starts with "not a CRL at all".*keeping the last good CRL \(1 loaded\)/);
    assert.equal(s.crls()[0].model.entryCount, before + 1);
    assert.equal(s.state()[0].ok, false);
  });

  it('notices a CRL replaced by an atomic rename (how editors and the CA save it)', async () => {
    const path = join(tmp.dir, 'renamed.crl.pem');
    writeFileSync(path, readFileSync(pki.rootCrlPath));
    const s = store({ files: [path] });
    stores.push(s);
    await s.start();
    assert.equal(s.crls()[0].model.issuer.commonName, 'Test Root CA');
    const changed = once(s);
    writeFileSync(`${path}.tmp`, readFileSync(pki.intermediateCrlPath));
    renameSync(`${path}.tmp`, path);
    await changed;
    assert.equal(s.crls()[0].model.issuer.commonName, 'Test Intermediate CA');
  });

  it('URL sources: an error page or a hang keeps the last good CRL and says why', async () => {
    const body = readFileSync(pki.intermediateCrlPath);
    let mode: 'ok' | 'html' | 'hang' = 'ok';
    const logs: string[] = [];
    const s = store({
      urls: ['http://127.0.0.1:1/ca.crl'], httpTimeoutMs: 100,
      fetch: (_url, { signal }) => mode === 'ok' ? Promise.resolve(new Uint8Array(body))
        : mode === 'html' ? Promise.resolve(new TextEncoder().encode('<html>502 Bad Gateway</html>'))
        : new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
    }, logs);
    stores.push(s);
    await s.start();
    assert.equal(s.crls().length, 1);
    mode = 'html';
    await s.refreshUrls();
    assert.match(logs.at(-1) ?? '', /no CRL found .*content starts with "<html>502 Bad Gateway<\/html>".*keeping the last good CRL/);
    mode = 'hang';
    await s.refreshUrls();
    assert.match(logs.at(-1) ?? '', /no answer within 100ms \(crl_cache_http_timeout\); keeping the last good CRL/);
    assert.equal(s.crls().length, 1);
    assert.equal(s.state()[0].ok, false);
    assert.equal(s.state()[0].lastError?.includes('no answer within 100ms'), true);
  });

  it('uses only CRLs signed by a trusted client CA (checked once, at load)', async () => {
    const cas = findPemBlocks(readFileSync(pki.clientCaPath, 'utf8')).map((b) => decodeCertificate(b.der as Uint8Array));
    const good = parseCrlBytes(readFileSync(pki.intermediateCrlPath), 'int')[0].model;
    assert.equal(crlProblem(good, cas), undefined);
    assert.equal(crlProblem(parseCrlBytes(readFileSync(pki.rootCrlPath), 'root')[0].model, cas), undefined);
    // The same CRL with one signature bit flipped.
    const der = Buffer.from(good.der);
    der[der.length - 5] ^= 0x01;
    const tampered = parseCrlBytes(der, 'tampered')[0].model;
    assert.equal(crlProblem(tampered, cas), 'its signature does not verify with the key of "CN=Test Intermediate CA,O=Certscope Test,C=DE"');
    assert.equal(crlProblem(good, cas.filter((c) => c.subject.commonName !== 'Test Intermediate CA')), 'its issuer "CN=Test Intermediate CA,O=Certscope Test,C=DE" is not one of the trusted client CAs (cacertfile)');
    // In a store, a refused CRL is a failed load that keeps the last good one.
    const path = join(tmp.dir, 'checked.crl');
    writeFileSync(path, good.der);
    const logs: string[] = [];
    const s = store({ files: [path], validate: (m) => crlProblem(m, cas) }, logs);
    stores.push(s);
    await s.start();
    assert.equal(s.crls().length, 1);
    writeFileSync(path, der);
    while (!logs.some((l) => l.includes('refused'))) await new Promise((r) => setTimeout(r, 50));
    assert.match(logs.find((l) => l.includes('refused')) ?? '', /CRL load failed for .*checked\.crl: CRL of "CN=Test Intermediate CA.*" refused: its signature does not verify.*keeping the last good CRL \(1 loaded\)/);
    assert.equal(s.crls()[0].model.der.length, good.der.length);
  });

  it('a missing file is reported, not thrown', async () => {
    const logs: string[] = [];
    const s = store({ files: [join(tmp.dir, 'nope.crl')] }, logs);
    stores.push(s);
    await s.start();
    assert.equal(s.crls().length, 0);
    assert.match(logs[0], /CRL load failed for .*nope\.crl: ENOENT.*no CRL from this source yet/);
  });
});
