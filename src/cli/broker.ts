// `certscope broker --config FILE`: the local MQTT-over-TLS broker (EMQX-like SSL listener) in the
// foreground. Prints every connection (accepted / rejected with the reason and the TLS alert sent),
// MQTT activity and CRL/OCSP events as they happen. Ctrl-C stops it cleanly.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { CliCommand } from './commands';
import { UsageError } from './usage-error';
import { BrokerStartError, TlsMqttBroker } from '../core/broker/broker';
import { BrokerConfigError, resolveBrokerConfig } from '../core/broker/config';
import { parseEmqxConf } from '../core/broker/emqxConf';
import { forTerminal, jsonForTerminal } from '../core/present/safeText';
import { parseCli } from './args';
import { formatBrokerEvent, formatBrokerState } from '../core/broker/format';

const HELP = `Usage: certscope broker [--config FILE] [options]

Runs a local MQTT broker behind an EMQX-like SSL listener (MQTT over TLS and over WebSocket+TLS).
FILE is JSON with EMQX-named options, or EMQX 4.x emqx.conf lines (listener.ssl.external.*,
listener.wss.external*, crl_cache_*). Options given here override the file.

  --config FILE          JSON or emqx.conf
  --profile P            emqx5 (default): CRLs from the client certificates' distribution points;
                         emqx4: CRL files and URLs; mosquitto: one CRL file, leaf only
  --bind ADDR            default 127.0.0.1
  --port N               MQTT over TLS, default 8883 (0: any free port)
  --wss-port N|off       MQTT over WebSocket+TLS, default 8084
  --cert FILE --key FILE [--chain FILE]     server certificate, key, intermediates
  --ca FILE              CAs for client certificates (two-way TLS)
  --no-verify            one-way TLS (no client certificate)
  --crl-check            turn CRL checking on (emqx5: from the distribution points)
  --crl FILE             CRL file (repeatable; emqx4, mosquitto); turns CRL checking on
  --crl-url URL          CRL URL (repeatable; emqx4); turns CRL checking on
  --max-packet-size S    largest MQTT packet, e.g. 1MB (default), 256KB
  --disconnect-on-revoke disconnect a connected client when a new CRL revokes it (MQTT 5: 0x98)
  --ocsp-url URL         staple OCSP responses from this responder
  --json                 print events as JSON lines
  --status-interval SEC  also print the broker state every SEC seconds

Example JSON: {"profile":"emqx5","certfile":"server.crt","keyfile":"server.key","cacertfile":"ca.pem",
  "enable_crl_check":true,"crl_cache_refresh_interval":"15m","crl_cache_capacity":100}`;

function loadConfigFile(path: string): { options: Record<string, unknown>; baseDir: string; notes: string[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--config ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message}`);
  }
  const baseDir = dirname(resolve(path));
  if (text.trimStart().startsWith('{')) {
    try {
      return { options: JSON.parse(text) as Record<string, unknown>, baseDir, notes: [] };
    } catch (err) {
      throw new UsageError(`--config ${path}: not valid JSON: ${(err as Error).message}`);
    }
  }
  const r = parseEmqxConf(text);
  if (r.errors.length) throw new UsageError(`--config ${path}: ${r.errors.map((e) => `line ${e.line}: ${e.message}`).join('; ')}`);
  const notes = r.ignored.length ? [`ignored emqx.conf keys (no effect here): ${r.ignored.map((i) => i.key).join(', ')}`] : [];
  return { options: r.options, baseDir, notes };
}

export const brokerCommand: CliCommand = {
  summary: 'run a local MQTT-over-TLS broker with CRL checking, OCSP stapling and real TLS alerts',
  async run(argv) {
    const a = parse(argv);
    const v = a.values;
    if (a.positionals.length) throw new UsageError(`unexpected argument "${a.positionals[0]}"\n\n${HELP}`);
    const file = v.config ? loadConfigFile(v.config) : { options: {}, baseDir: process.cwd(), notes: [] };
    const o: Record<string, unknown> = { ...file.options };
    const cwd = process.cwd();
    if (v.profile) o.profile = v.profile;
    if (v['max-packet-size']) o.max_packet_size = v['max-packet-size'];
    if (v['crl-check']) o.enable_crl_check = true;
    if (v['disconnect-on-revoke']) o.disconnect_on_revoke = true;
    if (v.bind) o.bind = v.bind;
    if (v.port !== undefined) o.port = Number(v.port);
    if (v['wss-port'] !== undefined) o.wssPort = v['wss-port'] === 'off' ? null : Number(v['wss-port']);
    if (v.cert) o.certfile = resolve(cwd, v.cert);
    if (v.key) o.keyfile = resolve(cwd, v.key);
    if (v.chain) o.chainfile = resolve(cwd, v.chain);
    if (v.ca) o.cacertfile = resolve(cwd, v.ca);
    if (v['no-verify']) o.verify = 'verify_none';
    if (v.crl?.length) {
      o.crl_files = [...((o.crl_files as string[] | undefined) ?? []), ...v.crl.map((f) => resolve(cwd, f))];
      o.enable_crl_check = true;
    }
    if (v['crl-url']?.length) {
      o.crl_cache_urls = [...((o.crl_cache_urls as string[] | undefined) ?? []), ...v['crl-url']];
      o.enable_crl_check = true;
    }
    if (v['ocsp-url']) {
      o.ocsp_responder_url = v['ocsp-url'];
      o.enable_ocsp_stapling = true;
    }
    const notes = [...file.notes];
    if (o.profile === undefined && (v.crl?.length || v['crl-url']?.length)) {
      notes.push('--crl/--crl-url: profile emqx4 (EMQX 5 has no CRL files or URL lists; give --profile to choose)');
    }
    let config;
    try {
      config = resolveBrokerConfig(o, file.baseDir);
    } catch (err) {
      if (err instanceof BrokerConfigError) throw new UsageError(`${err.message}\n\nRun "certscope broker --help" for the options.`);
      throw err;
    }
    const json = !!v.json;
    const print = (line: string): void => void process.stdout.write(`${line}\n`);
    for (const n of notes) print(`note: ${forTerminal(n)}`);
    if (!['127.0.0.1', '::1', 'localhost'].includes(config.bind)) print(`WARNING: binding ${config.bind}: the broker is reachable from other machines`);
    const broker = new TlsMqttBroker(config);
    broker.onEvent((e) => print(json ? jsonForTerminal(JSON.stringify(e)) : formatBrokerEvent(e))); // client ids and topics are peer data
    try {
      await broker.start();
    } catch (err) {
      if (err instanceof BrokerStartError) {
        process.stderr.write(`certscope broker: ${err.message}\n`);
        return 2;
      }
      throw err;
    }
    const every = v['status-interval'] ? Number(v['status-interval']) : 0;
    const status = every > 0 ? setInterval(() => print(json ? jsonForTerminal(JSON.stringify(broker.state())) : formatBrokerState(broker.state())), every * 1000) : undefined;
    await new Promise<void>((done) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        if (status) clearInterval(status);
        void broker.stop().then(done, done);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  },
};

function parse(argv: string[]) {
  return parseCli(argv, {
    config: { type: 'string' },
    profile: { type: 'string' },
    'crl-check': { type: 'boolean' },
    'disconnect-on-revoke': { type: 'boolean' },
    'max-packet-size': { type: 'string' },
    bind: { type: 'string' },
    port: { type: 'string' },
    'wss-port': { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    chain: { type: 'string' },
    ca: { type: 'string' },
    'no-verify': { type: 'boolean' },
    crl: { type: 'string', multiple: true },
    'crl-url': { type: 'string', multiple: true },
    'ocsp-url': { type: 'string' },
    json: { type: 'boolean' },
    'status-interval': { type: 'string' },
  }, HELP);
}
