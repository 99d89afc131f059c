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
import type { KnownRevocation, PemInput, ProbeOptions } from '../core/probe/types';
import { parseProbeUrl, ProbeUrlError } from '../core/probe/url';
import { loadCrlFile } from '../core/verify/index';
import { decodeCertificate } from '../core/decode/certificate';
import { parseCli } from './args';

const HELP = `Usage:
  certscope probe URL [--ca FILE] [--cert FILE] [--key FILE] [--servername NAME] [--tls 1.2|1.3]
                      [--ocsp] [--mqtt 3.1.1|5] [--client-id ID] [--username U] [--password P]
                      [--timeout S] [--crl FILE]... [--no-roundtrip] [--json]
  URL          mqtts://host[:8883], wss://host[:443][/mqtt] or tls://host:port (any TLS server)
  --ca         CA certificate(s) that must have issued the server's chain (default: system roots)
  --cert/--key client certificate (intermediates may follow the leaf) and its private key
  --servername name for SNI and the host name check (default: the URL's host)
  --tls        offer only TLS 1.2 or only TLS 1.3 (default: both)
  --ocsp       ask for a stapled OCSP response and check it
  --mqtt       MQTT version of the CONNECT (default 3.1.1)
  --timeout    seconds per step (default 10)
  --crl        CRL files the broker uses: a revoked client certificate is explained with them
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

/** Revocation facts for the client certificate from the CRL files given with --crl. */
function revocationsFromCrls(paths: string[], cert: PemInput | undefined): KnownRevocation[] {
  const out: KnownRevocation[] = [];
  const leaf = cert ? certificatesFromPem(cert.pem)[0] : undefined;
  if (!leaf) return out;
  let serial: string;
  try {
    serial = decodeCertificate(leaf).serialHex;
  } catch {
    return out;
  }
  for (const path of paths) {
    let ders: Uint8Array[];
    try {
      ders = loadCrlFile(path);
    } catch (err) {
      throw new UsageError(`--crl: ${(err as Error).message}`);
    }
    for (const der of ders) {
      try {
        const crl = decodeCrl(der);
        const entry = crl.bySerial.get(serial);
        if (entry) {
          out.push({
            serialHex: serial, revokedAt: entry.revocationDate.toISOString(), reason: entry.reason,
            source: `CRL${crl.crlNumber ? ` #${parseInt(crl.crlNumber, 16)}` : ''} of ${crl.issuer.commonName ?? crl.issuer.rfc4514} (${path})`,
          });
        }
      } catch (err) {
        throw new UsageError(`--crl ${path}: not a CRL (${(err as Error).message})`);
      }
    }
  }
  return out;
}

async function run(argv: string[]): Promise<number> {
  const p = parseCli(argv, {
    ca: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' }, servername: { type: 'string' }, tls: { type: 'string' },
    mqtt: { type: 'string' }, 'client-id': { type: 'string' }, username: { type: 'string' }, password: { type: 'string' },
    timeout: { type: 'string' }, crl: { type: 'string', multiple: true },
    ocsp: { type: 'boolean' }, json: { type: 'boolean' }, 'no-roundtrip': { type: 'boolean' },
  }, HELP);
  if (p.positionals.length !== 1) throw new UsageError(`probe: give exactly one URL\n\n${HELP}`);
  const one = (f: string): string | undefined => p.values[f.slice(2) as Exclude<keyof typeof p.values, 'crl' | 'ocsp' | 'json' | 'no-roundtrip'>];
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
  const options: ProbeOptions = {
    url, ca, cert, key,
    servername: one('--servername'),
    tlsVersion: tls as ProbeOptions['tlsVersion'],
    requestOcsp: p.values.ocsp === true,
    mqttVersion: mqtt === '5' ? '5' : '3.1.1',
    clientId: one('--client-id'),
    username: one('--username'),
    password: one('--password'),
    timeoutMs: timeout ? Number(timeout) * 1000 : undefined,
    skipRoundTrip: p.values['no-roundtrip'] === true,
    context: { revocations: revocationsFromCrls(p.values.crl ?? [], cert) },
  };
  const result = await probe(options);
  if (p.values.json) process.stdout.write(jsonForTerminal(JSON.stringify(result, null, 2)) + '\n');
  else process.stdout.write(formatProbe(result, { color: process.stdout.isTTY && !process.env.NO_COLOR }));
  if (result.diagnosis.some((d) => d.kind === 'bad_input')) return 2;
  return result.ok ? 0 : 1;
}

export const probeCommand: CliCommand = { summary: 'test a TLS/MQTT connection and explain why it fails', run };
