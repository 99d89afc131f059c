// HAProxy (mode tcp) terminating TLS (`verify required`, ca-file, crl-file) in front of a plain
// mosquitto, one frontend per profile, in one foreground process (-db). The mtls frontend staples
// the OCSP response from the `.ocsp` file next to its certificate. HAProxy checks the CRLs of the
// whole chain, so its CRL files hold the root's CRL too. The plain profile is the broker itself.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StacksPki } from './pki';
import type { RunningStack } from './stack';
import { startTerminatorStack, type TlsProfile } from './terminator';

export function startHaproxyStack(pki: StacksPki, workDir: string): Promise<RunningStack> {
  const dir = join(workDir, 'haproxy');
  mkdirSync(dir, { recursive: true });
  // The stapled response must sit next to the certificate file HAProxy loads: its own copy.
  const stapling = join(dir, 'server-stapling.pem');
  copyFileSync(pki.serverPemBundle, stapling);
  copyFileSync(pki.ocspGood, `${stapling}.ocsp`);
  const verify = (crl: string): string => `ca-file ${pki.caFile} verify required crl-file ${crl}`;
  const both = 'ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.3';
  const setups: Record<TlsProfile, string> = {
    mtls: `crt ${stapling} ${verify(pki.crl.current)} ${both}`,
    stale: `crt ${pki.serverPemBundle} ${verify(pki.crl.stale)} ${both}`,
    tls12: `crt ${pki.serverPemBundle} ${verify(pki.crl.current)} ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.2`,
    tls13: `crt ${pki.serverPemBundle} ${verify(pki.crl.current)} ssl-min-ver TLSv1.3 ssl-max-ver TLSv1.3`,
    wrongname: `crt ${pki.wrongNameBundle} ${verify(pki.crl.current)} ${both}`,
    leafonly: `crt ${pki.serverLeafBundle} ${both}`,
  };
  return startTerminatorStack('haproxy', workDir, Object.keys(setups) as TlsProfile[], (listen, backendPort) => {
    const frontends = Object.entries(setups).map(([profile, bind]) =>
      `frontend ${profile}\n  bind 127.0.0.1:${listen[profile as TlsProfile]} ssl ${bind}\n  default_backend broker\n`);
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
      `  server mosquitto 127.0.0.1:${backendPort}`,
      '',
    ].join('\n'));
    // -db: stay in the foreground (no daemon), logs on stderr.
    return { cmd: 'haproxy', args: ['-db', '-f', conf] };
  });
}
