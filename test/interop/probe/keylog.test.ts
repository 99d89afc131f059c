// `certscope probe --keylog FILE`: the session secrets in SSLKEYLOGFILE format let tshark decrypt a
// capture of the probe's own traffic and find its MQTT CONNECT (TLS 1.2 and 1.3). Without the key
// log the same capture shows no MQTT at all. The file is created 0600 and the CLI says it is secret;
// nothing is written without the flag. Needs root for tshark's capture on lo (the CI runs as root).
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../support/run';
import { makeTempDir } from '../../support/tmp';
import { makeProbePki, type ProbePki } from './fixtures';
import { startMosquitto, type RunningPeer } from './peers';

const cli = (args: string[]) => run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'probe', ...args], { env: { ...process.env, NO_COLOR: '1' } });

/** tshark capturing `tcp port N` on lo until stop(); resolves once it says it is capturing. */
async function capture(port: number, file: string): Promise<{ stop(): Promise<void> }> {
  const child: ChildProcess = spawn('tshark', ['-i', 'lo', '-f', `tcp port ${port}`, '-w', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stderr!.on('data', (d: Buffer) => { text += d.toString(); });
  child.stdout!.on('data', (d: Buffer) => { text += d.toString(); });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 30_000;
  while (!/Capturing on/.test(text)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`tshark did not start capturing (it needs root): ${text}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    stop: async () => {
      // Let the last packets reach the file, then stop tshark by its PID.
      await new Promise((r) => setTimeout(r, 500));
      child.kill('SIGINT');
      await exited;
    },
  };
}

/** The MQTT CONNECT client ids tshark finds in the capture, decrypting with `keylog` when given. */
async function connectsIn(file: string, port: number, keylog?: string): Promise<string[]> {
  const r = await run('tshark', ['-r', file, ...(keylog ? ['-o', `tls.keylog_file:${keylog}`] : []),
    '-d', `tcp.port==${port},tls`, '-d', `tls.port==${port},mqtt`, '-Y', 'mqtt.msgtype == 1', '-T', 'fields', '-e', 'mqtt.clientid']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

describe('probe --keylog: Wireshark can decrypt the probe\'s own traffic', function () {
  this.timeout(90_000);
  const tmp = makeTempDir('certscope-probe-keylog-');
  let pki: ProbePki;
  let broker: RunningPeer;

  before(async function () {
    this.timeout(120_000);
    pki = await makeProbePki(tmp.dir);
    broker = await startMosquitto({ dir: tmp.dir, cafile: pki.chainFile, certfile: pki.server.certPath, keyfile: pki.server.keyPath, requireCertificate: true });
  });
  after(async () => {
    await broker?.stop();
    tmp.cleanup();
  });

  for (const tls of ['1.2', '1.3'] as const) {
    it(`TLS ${tls}: the key log decrypts the capture and the MQTT CONNECT is in it`, async () => {
      const pcap = join(tmp.dir, `probe-${tls}.pcapng`);
      const keylog = join(tmp.dir, `keys-${tls}.log`);
      const clientId = `keylog-test-${tls.replace('.', '')}`;
      const cap = await capture(broker.port, pcap);
      let r;
      try {
        r = await cli([`mqtts://localhost:${broker.port}`, '--ca', pki.chainFile, '--cert', pki.client.certPath, '--key', pki.client.keyPath,
          '--tls', tls, '--client-id', clientId, '--keylog', keylog, '--no-roundtrip']);
      } finally {
        await cap.stop();
      }
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stderr, /SECRET/);
      assert.equal(statSync(keylog).mode & 0o777, 0o600);
      const lines = readFileSync(keylog, 'utf8').trim().split('\n');
      assert.ok(lines.every((l) => /^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]+$/.test(l)), lines.join('\n'));
      assert.ok(lines.some((l) => (tls === '1.2' ? /^CLIENT_RANDOM / : /^CLIENT_TRAFFIC_SECRET_0 /).test(l)), lines.join('\n'));
      // The decrypted capture holds our CONNECT; without the key log nothing of MQTT is readable.
      assert.deepEqual(await connectsIn(pcap, broker.port, keylog), [clientId]);
      assert.deepEqual(await connectsIn(pcap, broker.port), []);
    });
  }

  it('no key log is written unless asked for', async () => {
    const r = await cli([`mqtts://localhost:${broker.port}`, '--ca', pki.chainFile, '--cert', pki.client.certPath, '--key', pki.client.keyPath, '--no-roundtrip']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stderr, /SECRET|key log/i);
  });
});
