// gnutls-serv (GnuTLS 3.7) listeners, one process per profile. gnutls-serv cannot choose its listen
// address, so they run in a private network namespace made for this suite, and the probe runs
// there too (RunningStack.wrap). gnutls-serv is an echo server, not MQTT: the probe uses tls://
// (an mqtts:// probe would wait for a CONNACK that never comes). It staples the OCSP response
// given with --ocsp-response.
import type { StacksPki } from './pki';
import { createNetns } from './netns';
import { allStarted, spawnGroup, started, stopAll, type ServerProcess } from './process';
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
  const ports: Partial<Record<Profile, number>> = {};
  let procs: ServerProcess[];
  try {
    // The namespace is private: fixed ports cannot collide with anything.
    procs = await allStarted(Object.entries(setups).map(async ([profile, args], i) => {
      const port = 20001 + i;
      ports[profile as Profile] = port;
      return started(spawnGroup(ns.wrap[0], [...ns.wrap.slice(1), 'gnutls-serv', '--echo', '--port', String(port), ...args]),
        (p) => ns.waitForPort(port, () => !p.exited(), `gnutls-serv (${profile})`).catch((err: Error) => {
          throw new Error(`${err.message}\n${p.output()}`, { cause: err });
        }));
    }));
  } catch (err) {
    await ns.remove();
    throw err;
  }
  const stop = async (): Promise<void> => {
    await stopAll(procs);
    await ns.remove();
  };
  return {
    name: 'gnutls', ports, scheme: 'tls', wrap: ns.wrap, stop,
    logs: () => procs.map((p) => p.output()).join('\n'),
  };
}
