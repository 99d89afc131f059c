// Erlang/OTP ssl (EMQX's TLS stack): erlang-server.escript, configured like an EMQX SSL listener.
// The ssl_crl_cache is global to one Erlang VM, so the stale-CRL listener runs in a second VM.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StacksPki } from './pki';
import { allStarted, freePorts, spawnGroup, started, stopAll, waitForOutput, waitForPort, type ServerProcess } from './process';
import type { Profile, RunningStack } from './stack';

const SCRIPT = join(__dirname, 'erlang-server.escript');

/** An Erlang string literal (file paths of the temp folder). */
const str = (s: string): string => JSON.stringify(s);

interface ErlListener {
  profile: Profile;
  kind: 'tls' | 'tcp';
  /** Erlang terms of the ssl options, e.g. `{verify, verify_peer}`. */
  opts: string[];
}

async function startVm(workDir: string, name: string, crlFile: string, listeners: ErlListener[], ports: Record<Profile, number>): Promise<ServerProcess> {
  const conf = join(workDir, `${name}.config`);
  const lines = [`{crl_file, ${str(crlFile)}}.`];
  for (const l of listeners) lines.push(`{listener, ${l.profile}, ${ports[l.profile]}, ${l.kind}, [${l.opts.join(', ')}]}.`);
  writeFileSync(conf, lines.join('\n') + '\n');
  return started(spawnGroup('escript', [SCRIPT, conf]), async (proc) => {
    await waitForOutput(proc, /^ready$/m, `Erlang ssl server (${name})`, 30_000);
    for (const l of listeners) await waitForPort(ports[l.profile], proc, `Erlang ssl server (${l.profile})`);
  });
}

export async function startErlangStack(pki: StacksPki, workDir: string): Promise<RunningStack> {
  const server = [`{certfile, ${str(pki.server.certPath)}}`, `{keyfile, ${str(pki.server.keyPath)}}`];
  const mtls = [
    `{cacertfile, ${str(pki.caFile)}}`, '{verify, verify_peer}', '{fail_if_no_peer_cert, true}',
    '{crl_check, peer}', '{crl_cache, {ssl_crl_cache, {internal, []}}}',
  ];
  const both = "{versions, ['tlsv1.2', 'tlsv1.3']}";
  const main: ErlListener[] = [
    { profile: 'mtls', kind: 'tls', opts: [...server, ...mtls, both] },
    { profile: 'tls12', kind: 'tls', opts: [...server, ...mtls, "{versions, ['tlsv1.2']}"] },
    { profile: 'tls13', kind: 'tls', opts: [...server, ...mtls, "{versions, ['tlsv1.3']}"] },
    { profile: 'wrongname', kind: 'tls', opts: [`{certfile, ${str(pki.wrongName.certPath)}}`, `{keyfile, ${str(pki.wrongName.keyPath)}}`, ...mtls, both] },
    // Erlang builds its own chain from cacertfile: with the root alone it sends the leaf alone.
    { profile: 'leafonly', kind: 'tls', opts: [...server, `{cacertfile, ${str(pki.rootFile)}}`, '{verify, verify_none}', both] },
    { profile: 'plain', kind: 'tcp', opts: [] },
  ];
  const stale: ErlListener[] = [{ profile: 'stale', kind: 'tls', opts: [...server, ...mtls, both] }];
  const ports = await freePorts([...main, ...stale].map((l) => l.profile));
  const procs = await allStarted([
    startVm(workDir, 'erlang-main', pki.crl.current, main, ports),
    startVm(workDir, 'erlang-stale', pki.crl.stale, stale, ports),
  ]);
  return {
    name: 'erlang', ports, scheme: 'mqtts', wrap: [],
    stop: () => stopAll(procs),
    logs: () => procs.map((p) => p.output()).join('\n'),
  };
}
