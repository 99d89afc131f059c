// How a fix names the probe's inputs: the CLI says `--cert`, the Connection Test names its form
// fields ("Client certificate"). One table, so both surfaces say the same thing in their own terms.
import type { Surface } from './types';

type InputName = 'url' | 'ca' | 'cert' | 'key' | 'servername' | 'tls' | 'tls12' | 'tls13' | 'mqtt311' | 'mqtt5' | 'ocsp'
  | 'clientId' | 'username' | 'password' | 'credentials' | 'crl' | 'keylog' | 'fetchRevocation';

const INPUTS: Record<InputName, { cli: string; form: string }> = {
  url: { cli: 'the URL', form: 'the "Broker URL" field' },
  ca: { cli: '--ca', form: 'the "CA certificate(s) for the broker" field' },
  cert: { cli: '--cert', form: 'the "Client certificate" field' },
  key: { cli: '--key', form: 'the "Client key" field' },
  servername: { cli: '--servername NAME', form: 'the "Server name (SNI)" field' },
  tls: { cli: '--tls 1.2 or --tls 1.3', form: '"TLS version": TLS 1.2 only or TLS 1.3 only' },
  tls12: { cli: '--tls 1.2', form: '"TLS version": TLS 1.2 only' },
  tls13: { cli: '--tls 1.3', form: '"TLS version": TLS 1.3 only' },
  mqtt311: { cli: '--mqtt 3.1.1', form: '"MQTT version": MQTT 3.1.1' },
  mqtt5: { cli: '--mqtt 5', form: '"MQTT version": MQTT 5' },
  ocsp: { cli: '--ocsp', form: '"Request a stapled OCSP response"' },
  clientId: { cli: '--client-id', form: 'the "Client ID" field' },
  username: { cli: '--username', form: 'the "User name" field' },
  password: { cli: '--password', form: 'the "Password" field' },
  credentials: { cli: '--username/--password', form: 'the "User name" and "Password" fields' },
  crl: { cli: '--crl FILE', form: 'a CRL file in the workspace' },
  keylog: { cli: '--keylog FILE', form: '"Write a TLS key log"' },
  fetchRevocation: { cli: '--fetch-revocation', form: 'the setting to fetch revocation data' },
};

export type Namer = (input: InputName) => string;

export function namer(surface: Surface | undefined): Namer {
  return (input) => INPUTS[input][surface ?? 'cli'];
}
