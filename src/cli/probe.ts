// `certscope probe URL`: connect like a device would (TCP -> TLS -> MQTT) and print the trace,
// the alert and the diagnosis. Exit 0 works, 1 fails, 2 bad input.
import { readFileSync } from 'node:fs';
import type { CliCommand } from './commands';
import { UsageError } from './usage-error';
import { jsonForTerminal } from '../core/present/safeText';
import { decodeCrl } from '../core/decode/crl';
import { certificatesFromPem } from '../core/probe/certs';
import { formatProbe } from '../core/probe/format';
import { probe } from '../core/probe/probe';
import type { PemInput, ProbeOptions, RevocationSource } from '../core/probe/types';
import { parseProbeUrl, ProbeUrlError } from '../core/probe/url';
import { loadCrlFile } from '../core/verify/index';
import { decodeOcspResponse } from '../core/decode/ocsp';
import { KeylogFile } from '../core/tls/keylogFile';
import { parseCli } from './args';

const HELP = `Usage:
  certscope probe URL [--ca FILE] [--cert FILE] [--key FILE] [--servername NAME] [--tls 1.2|1.3]
                      [--ocsp] [--mqtt 3.1.1|5] [--client-id ID] [--username U] [--password P]
                      [--timeout S] [--crl FILE]... [--ocsp-response FILE]... [--fetch-revocation]
                      [--no-differential] [--keylog FILE] [--no-roundtrip] [--json]
  URL          mqtts://host[:8883], wss://host[:443][/mqtt] or tls://host:port (any TLS server)
  --ca         CA certificate(s) that must have issued the server's chain (default: system roots)
  --cert/--key client certificate (intermediates may follow the leaf) and its private key
  --servername name for SNI and the host name check (default: the URL's host)
  --tls        offer only TLS 1.2 or only TLS 1.3 (default: both)
  --ocsp       ask for a stapled OCSP response and check it
  --mqtt       MQTT version of the CONNECT (default 5)
  --timeout    seconds per step (default 10)
  --crl        CRL files of the client certificate's CA (as the broker loads them): a revoked
               certificate or a CRL past its nextUpdate is named as the cause
  --ocsp-response  a DER OCSP response about the client certificate
  --fetch-revocation  fetch the client certificate's CRL / OCSP status from the URLs in it (http)
  --no-differential   no extra short connections to tell ambiguous causes apart
  --keylog     append the TLS session secrets to FILE (SSLKEYLOGFILE format, for Wireshark).
               The file is SECRET: anyone holding it can decrypt the captured session.
  --no-roundtrip  stop after CONNACK (no subscribe/publish)
  --json       the full result as JSON
Exit 0 when the connection works, 1 when it fails, 2 on bad input.`;

function readPem(path: string, what: string): PemInput {
  try {
    return { pem: readFileSync(path, 'utf8'), source: path };
  } catch (err) {
    throw new UsageError(`${what}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** Every CRL in the --crl files, as DER with its file name. */
function readCrls(paths: string[]): RevocationSource[] {
  const out: RevocationSource[] = [];
  for (const path of paths) {
    let ders: Uint8Array[];
    try {
      ders = loadCrlFile(path);
    } catch (err) {
      throw new UsageError(`--crl: ${(err as Error).message}`);
    }
    for (const der of ders) {
      try {
        decodeCrl(der);
      } catch (err) {
        throw new UsageError(`--crl ${path}: not a CRL (${(err as Error).message})`);
      }
      out.push({ der, source: path });
    }
  }
  return out;
}

function readOcspResponses(paths: string[]): RevocationSource[] {
  return paths.map((path) => {
    let der: Buffer;
    try {
      der = readFileSync(path);
      decodeOcspResponse(der);
    } catch (err) {
      throw new UsageError(`--ocsp-response ${path}: not a DER OCSP response (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    return { der, source: path };
  });
}

async function run(argv: string[]): Promise<number> {
  const p = parseCli(argv, {
    ca: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' }, servername: { type: 'string' }, tls: { type: 'string' },
    mqtt: { type: 'string' }, 'client-id': { type: 'string' }, username: { type: 'string' }, password: { type: 'string' },
    timeout: { type: 'string' }, crl: { type: 'string', multiple: true }, 'ocsp-response': { type: 'string', multiple: true },
    keylog: { type: 'string' },
    ocsp: { type: 'boolean' }, json: { type: 'boolean' }, 'no-roundtrip': { type: 'boolean' },
    'fetch-revocation': { type: 'boolean' }, 'no-differential': { type: 'boolean' },
  }, HELP);
  if (p.positionals.length !== 1) throw new UsageError(`probe: give exactly one URL\n\n${HELP}`);
  type Single = 'ca' | 'cert' | 'key' | 'servername' | 'tls' | 'mqtt' | 'client-id' | 'username' | 'password' | 'timeout' | 'keylog';
  const one = (f: string): string | undefined => p.values[f.slice(2) as Single];
  const url = p.positionals[0];
  try {
    parseProbeUrl(url);
  } catch (err) {
    if (err instanceof ProbeUrlError) throw new UsageError(err.message);
    throw err;
  }
  const tls = one('--tls');
  if (tls !== undefined && tls !== '1.2' && tls !== '1.3') throw new UsageError(`--tls: "${tls}" must be 1.2 or 1.3`);
  const mqtt = one('--mqtt');
  if (mqtt !== undefined && mqtt !== '3.1.1' && mqtt !== '5' && mqtt !== '3') throw new UsageError(`--mqtt: "${mqtt}" must be 3.1.1 or 5`);
  const timeout = one('--timeout');
  if (timeout !== undefined && !(/^\d+(\.\d+)?$/.test(timeout) && Number(timeout) > 0 && Number(timeout) <= 600)) {
    throw new UsageError(`--timeout: "${timeout}" is not a number of seconds (0 < S <= 600)`);
  }
  const caPath = one('--ca');
  const certPath = one('--cert');
  const keyPath = one('--key');
  const ca = caPath ? readPem(caPath, '--ca') : undefined;
  const cert = certPath ? readPem(certPath, '--cert') : undefined;
  const key = keyPath ? readPem(keyPath, '--key') : undefined;
  if (ca && certificatesFromPem(ca.pem).length === 0) throw new UsageError(`--ca: ${caPath} contains no PEM certificate`);
  const crls = readCrls(p.values.crl ?? []);
  const ocspResponses = readOcspResponses(p.values['ocsp-response'] ?? []);
  const keylogPath = one('--keylog');
  let keylog: KeylogFile | undefined;
  if (keylogPath) {
    try {
      keylog = new KeylogFile(keylogPath);
    } catch (err) {
      throw new UsageError(`--keylog: ${(err as Error).message}`);
    }
    process.stderr.write(`certscope: writing TLS session secrets to ${keylogPath} (mode 0600). This file is SECRET: whoever has it can decrypt the captured traffic. Delete it when done.\n`);
  }
  const options: ProbeOptions = {
    url, ca, cert, key,
    servername: one('--servername'),
    tlsVersion: tls as ProbeOptions['tlsVersion'],
    requestOcsp: p.values.ocsp === true,
    mqttVersion: mqtt === '3.1.1' || mqtt === '3' ? '3.1.1' : '5',
    clientId: one('--client-id'),
    username: one('--username'),
    password: one('--password'),
    timeoutMs: timeout ? Number(timeout) * 1000 : undefined,
    skipRoundTrip: p.values['no-roundtrip'] === true,
    context: { crls, ocspResponses, surface: 'cli' },
    fetchRevocation: p.values['fetch-revocation'] === true,
    differential: p.values['no-differential'] !== true,
    keylog,
  };
  let result;
  try {
    result = await probe(options);
  } finally {
    keylog?.close();
  }
  if (p.values.json) process.stdout.write(jsonForTerminal(JSON.stringify(result, null, 2)) + '\n');
  else process.stdout.write(formatProbe(result, { color: process.stdout.isTTY && !process.env.NO_COLOR }));
  if (result.diagnosis.some((d) => d.kind === 'bad_input')) return 2;
  return result.ok ? 0 : 1;
}

export const probeCommand: CliCommand = { summary: 'test a TLS/MQTT connection and explain why it fails', run };
