// What every stack launcher returns: one listener per server setup ("profile") the matrix needs,
// on 127.0.0.1, and a stop() that ends every process it started.
import type { StacksPki } from './pki';

/**
 * - mtls: TLS 1.2 and 1.3, client certificate required, checked against the issuing CA and its current CRL
 * - stale: the same with a CRL past its nextUpdate
 * - tls12 / tls13: mtls limited to one TLS version
 * - wrongname: a server certificate for broker.example.com (the probe connects to 127.0.0.1)
 * - leafonly: sends its leaf without the intermediate; no client certificate requested
 * - plain: MQTT without TLS (the broker behind a terminator, or a plain listener)
 */
export type Profile = 'mtls' | 'stale' | 'tls12' | 'tls13' | 'wrongname' | 'leafonly' | 'plain';

export const STACKS = ['openssl', 'mosquitto', 'gnutls', 'erlang', 'nginx', 'haproxy'] as const;
export type StackName = typeof STACKS[number];

export interface RunningStack {
  name: StackName;
  /** The port of each profile this stack serves (a profile it cannot serve is absent). */
  ports: Partial<Record<Profile, number>>;
  /** The URL scheme the probe uses against its TLS listeners: mqtts:// when an MQTT broker answers behind TLS. */
  scheme: 'mqtts' | 'tls';
  /** Prefix for commands that must run beside the servers (`ip netns exec NS`), empty when on the host. */
  wrap: string[];
  stop(): Promise<void>;
  /** The servers' output (logs), for failure messages. */
  logs(): string;
}

export interface StackInfo {
  /** How the stack is named in test titles and tables. */
  title: string;
  /** Serves a plain MQTT port (it is a broker, or a terminator in front of one). */
  plain: boolean;
  /** Its mtls listener staples a good OCSP response for the server certificate (from a file). */
  staples: boolean;
}

export const STACK_INFO: Record<StackName, StackInfo> = {
  openssl: { title: 'openssl s_server (OpenSSL 3.0)', plain: false, staples: true },
  mosquitto: { title: 'mosquitto 2 (OpenSSL)', plain: true, staples: false },
  gnutls: { title: 'gnutls-serv (GnuTLS 3.7)', plain: false, staples: true },
  erlang: { title: "Erlang/OTP 25 ssl (EMQX's stack)", plain: true, staples: false },
  nginx: { title: 'nginx 1.22 stream -> mosquitto', plain: true, staples: false },
  haproxy: { title: 'HAProxy 2.6 -> mosquitto', plain: true, staples: true },
};

export type StackLauncher = (pki: StacksPki, workDir: string) => Promise<RunningStack>;
