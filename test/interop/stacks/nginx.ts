// nginx `stream` terminating TLS (ssl_verify_client on, ssl_client_certificate, ssl_crl) in front
// of a plain mosquitto, one `server` block per profile, in one foreground nginx with its own
// prefix, configuration, pid file and error log in the work folder. nginx checks the CRLs of the
// whole chain, so its CRL files hold the root's CRL too. The plain profile is the broker itself.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StacksPki } from './pki';
import type { RunningStack } from './stack';
import { startTerminatorStack, type TlsProfile } from './terminator';

const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';

export function startNginxStack(pki: StacksPki, workDir: string): Promise<RunningStack> {
  const cert = (chain: string, key: string): string[] => [`ssl_certificate ${chain};`, `ssl_certificate_key ${key};`];
  const verify = (crl: string): string[] => [
    'ssl_verify_client on;', `ssl_client_certificate ${pki.caFile};`, `ssl_crl ${crl};`, 'ssl_verify_depth 2;',
  ];
  const both = 'ssl_protocols TLSv1.2 TLSv1.3;';
  const server = cert(pki.serverChainFile, pki.server.keyPath);
  const setups: Record<TlsProfile, string[]> = {
    mtls: [...server, ...verify(pki.crl.current), both],
    stale: [...server, ...verify(pki.crl.stale), both],
    tls12: [...server, ...verify(pki.crl.current), 'ssl_protocols TLSv1.2;'],
    tls13: [...server, ...verify(pki.crl.current), 'ssl_protocols TLSv1.3;'],
    wrongname: [...cert(pki.wrongNameChainFile, pki.wrongName.keyPath), ...verify(pki.crl.current), both],
    leafonly: [...cert(pki.server.certPath, pki.server.keyPath), both],
  };
  return startTerminatorStack('nginx', workDir, Object.keys(setups) as TlsProfile[], (listen, backendPort) => {
    const servers = Object.entries(setups).map(([profile, lines]) =>
      `  server {\n    listen 127.0.0.1:${listen[profile as TlsProfile]} ssl;\n    proxy_pass 127.0.0.1:${backendPort};\n${lines.map((l) => `    ${l}`).join('\n')}\n  }`);
    const prefix = join(workDir, 'nginx');
    const errorLog = join(prefix, 'logs', 'error.log');
    mkdirSync(join(prefix, 'logs'), { recursive: true });
    const conf = join(prefix, 'nginx.conf');
    writeFileSync(conf, [
      `load_module ${STREAM_MODULE};`,
      'daemon off;',
      'worker_processes 1;',
      // Workers run as the user that started nginx (as root they would otherwise become "nobody").
      ...(process.getuid?.() === 0 ? ['user root;'] : []),
      `pid ${join(prefix, 'nginx.pid')};`,
      `error_log ${errorLog} info;`,
      'events { worker_connections 64; }',
      'stream {',
      ...servers,
      '}',
      '',
    ].join('\n'));
    // -e: the error log before the configuration is read (the default one is outside the prefix).
    return { cmd: 'nginx', args: ['-p', prefix, '-c', conf, '-e', errorLog], logFile: errorLog };
  });
}
