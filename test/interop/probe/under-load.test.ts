// Read every alert: under CPU load a server that rejects and closes fast made the probe hit EPIPE /
// ECONNRESET on a write and lose the alert already received ("write EPIPE" as the cause, or
// "closed without an alert"). Five runs per case with two `yes` CPU hogs running: the same verdict,
// the same cause, the alert read every time.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { probe } from '../../../src/core/probe/probe';
import type { ProbeOptions, ProbeResult } from '../../../src/core/probe/types';
import { makeTempDir } from '../../support/tmp';
import { CASES, probeArgs } from '../stacks/cases';
import { LAUNCHERS } from '../stacks/launchers';
import { probeCli } from '../stacks/probe-cli';
import { sharedPki } from '../stacks/shared-pki';
import type { RunningStack, StackName } from '../stacks/stack';
import { makeProbePki, pem, type ProbePki } from './fixtures';
import { startMosquitto, startSServer, type RunningPeer } from './peers';

const RUNS = 5;

describe('probe under CPU load: the same verdict and cause in five runs', function () {
  this.timeout(120_000);
  const tmp = makeTempDir('certscope-probe-load-');
  let pki: ProbePki;
  const peers: RunningPeer[] = [];
  const hogs: ChildProcess[] = [];
  let devNull: number;

  before(async function () {
    this.timeout(120_000);
    pki = await makeProbePki(tmp.dir);
    peers.push(await startMosquitto({ dir: tmp.dir, cafile: pki.chainFile, certfile: pki.server.certPath, keyfile: pki.server.keyPath, crlfile: pki.crlFile, requireCertificate: true }));
    peers.push(await startSServer(['-cert', pki.server.certPath, '-key', pki.server.keyPath, '-cert_chain', pki.ca.ca.certPath, '-Verify', '2', '-verify_return_error', '-CAfile', pki.chainFile, '-CRL', pki.crlFile, '-crl_check']));
    // Two CPU hogs (this machine has 2 cores), stopped by PID in after().
    devNull = openSync('/dev/null', 'w');
    for (let i = 0; i < 2; i++) hogs.push(spawn('yes', [], { stdio: ['ignore', devNull, 'ignore'] }));
  });
  after(async () => {
    for (const h of hogs) if (h.pid) process.kill(h.pid, 'SIGKILL');
    closeSync(devNull);
    await Promise.all(peers.map((p) => p.stop()));
    tmp.cleanup();
  });

  const cases: Array<{ name: string; peer: number; url: (port: number) => string; opts: Partial<ProbeOptions>; kind: string; alert: number }> = [
    { name: 'mosquitto, TLS 1.3, revoked client (mqtts)', peer: 0, url: (p) => `mqtts://127.0.0.1:${p}`, opts: { tlsVersion: '1.3' }, kind: 'revoked', alert: 44 },
    { name: 'mosquitto, TLS 1.2, revoked client (mqtts)', peer: 0, url: (p) => `mqtts://127.0.0.1:${p}`, opts: { tlsVersion: '1.2' }, kind: 'revoked', alert: 44 },
    { name: 'openssl s_server, TLS 1.3, revoked client (mqtts: CONNECT would race the close)', peer: 1, url: (p) => `mqtts://127.0.0.1:${p}`, opts: { tlsVersion: '1.3' }, kind: 'revoked', alert: 44 },
    { name: 'mosquitto, TLS 1.3, expired client', peer: 0, url: (p) => `mqtts://127.0.0.1:${p}`, opts: { tlsVersion: '1.3', cert: undefined }, kind: 'client_cert_expired', alert: 45 },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const client = c.kind === 'client_cert_expired' ? pki.clientExpired : pki.clientRevoked;
      const results: ProbeResult[] = [];
      for (let i = 0; i < RUNS; i++) {
        results.push(await probe({
          url: c.url(peers[c.peer].port), ca: pem(pki.chainFile), timeoutMs: 8000, differential: false,
          ...c.opts, cert: pem(client.certPath), key: pem(client.keyPath),
        }));
      }
      const seen = results.map((r) => ({
        ok: r.ok, kind: r.diagnosis[0]?.kind, cause: r.diagnosis[0]?.cause,
        alerts: r.alerts.filter((a) => a.direction === 'received').map((a) => a.number),
      }));
      for (const s of seen) {
        assert.equal(s.ok, false);
        assert.equal(s.kind, c.kind, JSON.stringify(seen, null, 1));
        assert.deepEqual(s.alerts, [c.alert], JSON.stringify(seen, null, 1));
        assert.doesNotMatch(s.cause ?? '', /EPIPE|ECONNRESET|without an alert/);
      }
      assert.equal(new Set(seen.map((s) => s.cause)).size, 1, `causes differ across runs:\n${[...new Set(seen.map((s) => s.cause))].join('\n')}`);
    });
  }

  // The stacks that reject fastest or say least: GnuTLS (two alerts, then close) and nginx stream
  // (silent close right after the handshake), through the built CLI as a user runs it.
  for (const name of ['gnutls', 'nginx'] as StackName[]) {
    describe(name, () => {
      let stack: RunningStack | undefined;
      const stackTmp = makeTempDir(`certscope-probe-load-${name}-`);
      before(async function () {
        this.timeout(180_000);
        stack = await LAUNCHERS[name](await sharedPki(), stackTmp.dir);
      });
      after(async () => {
        await stack?.stop();
        stackTmp.cleanup();
      });
      for (const id of ['revoked/1.3', 'revoked/1.2', 'unknown-ca/1.3']) {
        it(`${id}: five runs, one answer`, async () => {
          const c = CASES.find((x) => x.id === id)!;
          const pkiS = await sharedPki();
          const seen: Array<{ kind?: string; confidence?: string; alerts: string; cause?: string }> = [];
          for (let i = 0; i < RUNS; i++) {
            const r = (await probeCli(probeArgs(pkiS, stack!, c), stack!.wrap)).result;
            seen.push({
              kind: r.diagnosis[0]?.kind, confidence: r.diagnosis[0]?.confidence, cause: r.diagnosis[0]?.cause,
              alerts: r.alerts.filter((a) => a.direction === 'received').map((a) => a.number).join(','),
            });
          }
          assert.equal(seen[0].kind, c.expect, JSON.stringify(seen, null, 1));
          assert.equal(new Set(seen.map((x) => JSON.stringify([x.kind, x.confidence, x.alerts]))).size, 1, JSON.stringify(seen, null, 1));
          assert.equal(new Set(seen.map((x) => x.cause)).size, 1, `causes differ:\n${[...new Set(seen.map((x) => x.cause))].join('\n')}`);
        });
      }
    });
  }
});
