// `openssl s_server` listeners, one process per profile. Not an MQTT server: the probe uses tls://.
// An OpenSSL server builds its chain from its trust store, so the "leaf only" listener trusts the
// root alone (and requests no client certificate, which would need the intermediate). The mtls
// listener staples an OCSP response from a file (-status_file).
import type { StacksPki } from './pki';
import { allStarted, freePorts, spawnGroup, started, stopAll, waitForPort } from './process';
import type { Profile, RunningStack } from './stack';

export async function startOpensslStack(pki: StacksPki): Promise<RunningStack> {
  const cert = ['-cert', pki.server.certPath, '-key', pki.server.keyPath, '-cert_chain', pki.issuing.certPath];
  const verify = (crl: string): string[] => ['-Verify', '2', '-verify_return_error', '-CAfile', pki.caFile, '-CRL', crl, '-crl_check'];
  const setups: Record<Exclude<Profile, 'plain'>, string[]> = {
    mtls: [...cert, ...verify(pki.issuingCrl.current), '-status_file', pki.ocspGood],
    stale: [...cert, ...verify(pki.issuingCrl.stale)],
    tls12: [...cert, ...verify(pki.issuingCrl.current), '-tls1_2'],
    tls13: [...cert, ...verify(pki.issuingCrl.current), '-tls1_3'],
    wrongname: ['-cert', pki.wrongName.certPath, '-key', pki.wrongName.keyPath, '-cert_chain', pki.issuing.certPath, ...verify(pki.issuingCrl.current)],
    leafonly: ['-cert', pki.server.certPath, '-key', pki.server.keyPath, '-CAfile', pki.rootFile, '-no-CApath', '-no-CAstore'],
  };
  const ports: Partial<Record<Profile, number>> = await freePorts(Object.keys(setups) as Profile[]);
  const procs = await allStarted(Object.entries(setups).map(async ([profile, args]) => {
    const port = ports[profile as Profile]!;
    return started(spawnGroup('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-quiet', ...args]),
      (p) => waitForPort(port, p, `openssl s_server (${profile})`));
  }));
  return {
    name: 'openssl', ports, scheme: 'tls', wrap: [],
    stop: () => stopAll(procs),
    logs: () => procs.map((p) => p.output()).join('\n'),
  };
}
