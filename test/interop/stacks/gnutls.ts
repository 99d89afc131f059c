// gnutls-serv (GnuTLS 3.7) listeners, one process per profile. gnutls-serv cannot choose its listen
// address, so they run in a private network namespace made for this suite, and the probe runs
// there too (RunningStack.wrap). gnutls-serv is an echo server, not MQTT: the probe uses tls://
// (an mqtts:// probe would wait for a CONNACK that never comes). It staples the OCSP response
// given with --ocsp-response.
import type { StacksPki } from './pki';
import { createNetns } from './netns';
import { spawnGroup, stopAll, type ServerProcess } from './process';
import type { Profile, RunningStack } from './stack';

const ONLY_12 = 'NORMAL:-VERS-ALL:+VERS-TLS1.2';
const ONLY_13 = 'NORMAL:-VERS-ALL:+VERS-TLS1.3';

export async function startGnutlsStack(pki: StacksPki): Promise<RunningStack> {
  const cert = (chain: string, key: string): string[] => ['--x509certfile', chain, '--x509keyfile', key];
  const verify = (crl: string): string[] => ['--x509cafile', pki.caFile, '--x509crlfile', crl, '--require-client-cert', '--verify-client-cert'];
  const server = cert(pki.serverChainFile, pki.server.keyPath);
  const setups: Record<Exclude<Profile, 'plain'>, string[]> = {
    mtls: [...server, ...verify(pki.crl.current), '--ocsp-response', pki.ocspGood],
    stale: [...server, ...verify(pki.crl.stale)],
    tls12: [...server, ...verify(pki.crl.current), '--priority', ONLY_12],
    tls13: [...server, ...verify(pki.crl.current), '--priority', ONLY_13],
    wrongname: [...cert(pki.wrongNameChainFile, pki.wrongName.keyPath), ...verify(pki.crl.current)],
    leafonly: [...cert(pki.server.certPath, pki.server.keyPath), '--disable-client-cert'],
  };
  const ns = await createNetns();
  const procs: ServerProcess[] = [];
  const ports: Partial<Record<Profile, number>> = {};
  const stop = async (): Promise<void> => {
    await stopAll(procs);
    await ns.remove();
  };
  try {
    // The namespace is private: fixed ports cannot collide with anything.
    let port = 20000;
    await Promise.all(Object.entries(setups).map(async ([profile, args]) => {
      const p = ++port;
      const proc = spawnGroup(ns.wrap[0], [...ns.wrap.slice(1), 'gnutls-serv', '--echo', '--port', String(p), ...args]);
      procs.push(proc);
      await ns.waitForPort(p, () => !proc.exited(), `gnutls-serv (${profile})`);
      ports[profile as Profile] = p;
    }));
  } catch (err) {
    const logs = procs.map((p) => p.output()).join('\n');
    await stop();
    throw new Error(`${(err as Error).message}\n${logs}`, { cause: err });
  }
  return {
    name: 'gnutls', ports, scheme: 'tls', wrap: ns.wrap, stop,
    logs: () => procs.map((p) => p.output()).join('\n'),
  };
}
