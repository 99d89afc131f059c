// mosquitto 2: one broker process with one listener per profile (TLS settings are per listener),
// plus a plain MQTT listener. Also the plain broker behind the TLS terminators (nginx, HAProxy).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StacksPki } from './pki';
import { allStarted, freePorts, spawnGroup, started, stopAll, waitForPort, type ServerProcess } from './process';
import type { Profile, RunningStack } from './stack';

interface Listener {
  port: number;
  lines: string[];
}

async function startBroker(workDir: string, name: string, listeners: Listener[], env?: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const conf = join(workDir, `${name}.conf`);
  writeFileSync(conf, [
    'persistence false',
    // As root mosquitto drops to user "mosquitto", which cannot read a 0700 temp folder.
    ...(process.getuid?.() === 0 ? ['user root'] : []),
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'log_type notice',
    'allow_anonymous true',
    ...listeners.flatMap((l) => [`listener ${l.port} 127.0.0.1`, ...l.lines]),
    '',
  ].join('\n'));
  return started(spawnGroup('mosquitto', ['-c', conf], env ? { env: { ...process.env, ...env } } : {}), async (proc) => {
    for (const l of listeners) await waitForPort(l.port, proc, `mosquitto (${name})`);
  });
}

/** A plain MQTT broker on 127.0.0.1 (the backend of a TLS terminator). */
export async function startPlainMosquitto(workDir: string, name: string): Promise<{ port: number; proc: ServerProcess }> {
  const { port } = await freePorts(['port']);
  return { port, proc: await startBroker(workDir, name, [{ port, lines: [] }]) };
}

export async function startMosquittoStack(pki: StacksPki, workDir: string): Promise<RunningStack> {
  const tls = (certfile: string, keyfile: string): string[] => [`certfile ${certfile}`, `keyfile ${keyfile}`];
  const mtls = (crl: string): string[] => [`cafile ${pki.caFile}`, 'require_certificate true', `crlfile ${crl}`];
  const setups: Record<Profile, string[]> = {
    mtls: [...tls(pki.serverChainFile, pki.server.keyPath), ...mtls(pki.crl.current)],
    stale: [...tls(pki.serverChainFile, pki.server.keyPath), ...mtls(pki.crl.stale)],
    // mosquitto's tls_version is a minimum: TLS 1.2 only is OpenSSL's system-wide MaxProtocol (below).
    tls12: [...tls(pki.serverChainFile, pki.server.keyPath), ...mtls(pki.crl.current), 'tls_version tlsv1.2'],
    tls13: [...tls(pki.serverChainFile, pki.server.keyPath), ...mtls(pki.crl.current), 'tls_version tlsv1.3'],
    wrongname: [...tls(pki.wrongNameChainFile, pki.wrongName.keyPath), ...mtls(pki.crl.current)],
    leafonly: [...tls(pki.server.certPath, pki.server.keyPath), `cafile ${pki.rootFile}`],
    plain: [],
  };
  const ports = await freePorts(Object.keys(setups) as Profile[]);
  const listeners: Listener[] = Object.entries(setups).filter(([profile]) => profile !== 'tls12')
    .map(([profile, lines]) => ({ port: ports[profile as Profile], lines }));
  const procs = await allStarted([
    startBroker(workDir, 'mosquitto-stack', listeners),
    startBroker(workDir, 'mosquitto-stack-tls12', [{ port: ports.tls12, lines: setups.tls12 }], { OPENSSL_CONF: maxTls12Conf(workDir) }),
  ]);
  return { name: 'mosquitto', ports, scheme: 'mqtts', wrap: [], stop: () => stopAll(procs), logs: () => procs.map((p) => p.output()).join('\n') };
}

/** An OpenSSL configuration that caps every TLS context of the process at TLS 1.2 (as a system-wide openssl.cnf can). */
function maxTls12Conf(workDir: string): string {
  const path = join(workDir, 'openssl-max-tls12.cnf');
  writeFileSync(path, [
    'openssl_conf = openssl_init', '[openssl_init]', 'ssl_conf = ssl_sect', '[ssl_sect]', 'system_default = system_default_sect',
    '[system_default_sect]', 'MaxProtocol = TLSv1.2', '',
  ].join('\n'));
  return path;
}
