// nginx `stream` terminating TLS (ssl_verify_client on, ssl_client_certificate, ssl_crl) in front
// of a plain mosquitto, one `server` block per profile, in one foreground nginx with its own
// prefix, configuration, pid file and error log in the work folder. nginx checks the CRLs of the
// whole chain, so its CRL files hold the root's CRL too. The plain profile is the broker itself.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPlainMosquitto } from './mosquitto';
import type { StacksPki } from './pki';
import { freePorts, spawnGroup, stopAll, waitForPort, type ServerProcess } from './process';
import type { Profile, RunningStack } from './stack';

const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';

export async function startNginxStack(pki: StacksPki, workDir: string): Promise<RunningStack> {
  const backend = await startPlainMosquitto(workDir, 'nginx-backend');
  const procs: ServerProcess[] = [backend.proc];
  try {
    const cert = (chain: string, key: string): string[] => [`ssl_certificate ${chain};`, `ssl_certificate_key ${key};`];
    const verify = (crl: string): string[] => [
      'ssl_verify_client on;', `ssl_client_certificate ${pki.caFile};`, `ssl_crl ${crl};`, 'ssl_verify_depth 2;',
    ];
    const both = 'ssl_protocols TLSv1.2 TLSv1.3;';
    const server = cert(pki.serverChainFile, pki.server.keyPath);
    const setups: Record<Exclude<Profile, 'plain'>, string[]> = {
      mtls: [...server, ...verify(pki.crl.current), both],
      stale: [...server, ...verify(pki.crl.stale), both],
      tls12: [...server, ...verify(pki.crl.current), 'ssl_protocols TLSv1.2;'],
      tls13: [...server, ...verify(pki.crl.current), 'ssl_protocols TLSv1.3;'],
      wrongname: [...cert(pki.wrongNameChainFile, pki.wrongName.keyPath), ...verify(pki.crl.current), both],
      leafonly: [...cert(pki.server.certPath, pki.server.keyPath), both],
    };
    const listen = await freePorts(Object.keys(setups) as Profile[]);
    const ports: Partial<Record<Profile, number>> = { plain: backend.port };
    const servers: string[] = [];
    for (const [profile, lines] of Object.entries(setups)) {
      const port = listen[profile as Profile];
      ports[profile as Profile] = port;
      servers.push(`  server {\n    listen 127.0.0.1:${port} ssl;\n    proxy_pass 127.0.0.1:${backend.port};\n${lines.map((l) => `    ${l}`).join('\n')}\n  }`);
    }
    const prefix = join(workDir, 'nginx');
    mkdirSync(join(prefix, 'logs'), { recursive: true });
    const conf = join(prefix, 'nginx.conf');
    writeFileSync(conf, [
      `load_module ${STREAM_MODULE};`,
      'daemon off;',
      'worker_processes 1;',
      // As root the workers would switch to "nobody"; they need nothing but the sockets, but keep it simple.
      ...(process.getuid?.() === 0 ? ['user root;'] : []),
      `pid ${join(prefix, 'nginx.pid')};`,
      `error_log ${join(prefix, 'logs', 'error.log')} info;`,
      'events { worker_connections 64; }',
      'stream {',
      ...servers,
      '}',
      '',
    ].join('\n'));
    // -e: the error log before the configuration is read (the default one is outside the prefix).
    const nginx = spawnGroup('nginx', ['-p', prefix, '-c', conf, '-e', join(prefix, 'logs', 'error.log')]);
    procs.push(nginx);
    for (const [profile, port] of Object.entries(ports)) {
      if (profile !== 'plain') await waitForPort(port, nginx, `nginx (${profile})`);
    }
    return {
      name: 'nginx', ports, scheme: 'mqtts', wrap: [],
      stop: () => stopAll(procs),
      logs: () => procs.map((p) => p.output()).join('\n'),
    };
  } catch (err) {
    await stopAll(procs);
    throw err;
  }
}
