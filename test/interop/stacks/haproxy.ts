// HAProxy (mode tcp) terminating TLS (`verify required`, ca-file, crl-file) in front of a plain
// mosquitto, one frontend per profile, in one foreground process (-db). The mtls frontend staples
// the OCSP response from the `.ocsp` file next to its certificate. HAProxy checks the CRLs of the
// whole chain, so its CRL files hold the root's CRL too. The plain profile is the broker itself.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPlainMosquitto } from './mosquitto';
import type { StacksPki } from './pki';
import { freePorts, spawnGroup, stopAll, waitForPort, type ServerProcess } from './process';
import type { Profile, RunningStack } from './stack';

export async function startHaproxyStack(pki: StacksPki, workDir: string): Promise<RunningStack> {
  const backend = await startPlainMosquitto(workDir, 'haproxy-backend');
  const procs: ServerProcess[] = [backend.proc];
  try {
    const dir = join(workDir, 'haproxy');
    mkdirSync(dir, { recursive: true });
    // The stapled response must sit next to the certificate file HAProxy loads: its own copy.
    const stapling = join(dir, 'server-stapling.pem');
    copyFileSync(pki.serverPemBundle, stapling);
    copyFileSync(pki.ocspGood, `${stapling}.ocsp`);
    const verify = (crl: string): string => `ca-file ${pki.caFile} verify required crl-file ${crl}`;
    const both = 'ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.3';
    const setups: Record<Exclude<Profile, 'plain'>, string> = {
      mtls: `crt ${stapling} ${verify(pki.crl.current)} ${both}`,
      stale: `crt ${pki.serverPemBundle} ${verify(pki.crl.stale)} ${both}`,
      tls12: `crt ${pki.serverPemBundle} ${verify(pki.crl.current)} ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.2`,
      tls13: `crt ${pki.serverPemBundle} ${verify(pki.crl.current)} ssl-min-ver TLSv1.3 ssl-max-ver TLSv1.3`,
      wrongname: `crt ${pki.wrongNameBundle} ${verify(pki.crl.current)} ${both}`,
      leafonly: `crt ${pki.serverLeafBundle} ${both}`,
    };
    const listen = await freePorts(Object.keys(setups) as Profile[]);
    const ports: Partial<Record<Profile, number>> = { plain: backend.port };
    const frontends: string[] = [];
    for (const [profile, bind] of Object.entries(setups)) {
      const port = listen[profile as Profile];
      ports[profile as Profile] = port;
      frontends.push(`frontend ${profile}\n  bind 127.0.0.1:${port} ssl ${bind}\n  default_backend broker\n`);
    }
    const conf = join(dir, 'haproxy.cfg');
    writeFileSync(conf, [
      'global',
      '  maxconn 256',
      '  log stderr format raw local0 info',
      `  pidfile ${join(dir, 'haproxy.pid')}`,
      'defaults',
      '  mode tcp',
      '  log global',
      '  option tcplog',
      '  timeout connect 5s',
      '  timeout client 30s',
      '  timeout server 30s',
      ...frontends,
      'backend broker',
      `  server mosquitto 127.0.0.1:${backend.port}`,
      '',
    ].join('\n'));
    // -db: stay in the foreground (no daemon), logs on stderr.
    const haproxy = spawnGroup('haproxy', ['-db', '-f', conf]);
    procs.push(haproxy);
    for (const [profile, port] of Object.entries(ports)) {
      if (profile !== 'plain') await waitForPort(port, haproxy, `haproxy (${profile})`);
    }
    return {
      name: 'haproxy', ports, scheme: 'mqtts', wrap: [],
      stop: () => stopAll(procs),
      logs: () => procs.map((p) => p.output()).join('\n'),
    };
  } catch (err) {
    await stopAll(procs);
    throw err;
  }
}
