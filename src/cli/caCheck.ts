// `certscope ca check DIR --broker emqx5|emqx4|mosquitto [--json] [--offline]`: every reason a
// revocation by this CA would not be enforced by that broker, or would lock every client out
// (src/core/broker/readiness.ts). Exit 0 nothing found, 1 findings of severity error, 2 bad input.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCli } from './args';
import { forTerminal, jsonForTerminal } from '../core/present/safeText';
import { UsageError } from './usage-error';
import { brokerProfiles, type BrokerProfile } from '../core/broker/config';
import { checkReadiness, formatReadiness } from '../core/broker/readiness';

export const CA_CHECK_HELP = `Usage: certscope ca check DIR --broker emqx5|emqx4|mosquitto [--json] [--offline]
  Lists every reason a revocation by the CA in DIR would not be enforced by that broker, or would
  lock every client out: a revoked intermediate on a leaf-only broker, client certificates without
  a (http) CRL distribution point (emqx5), distribution points not reachable from here or not
  serving a CRL, a CRL near or past its nextUpdate (with the time left), an OCSP responder URL EMQX
  would call wrongly, mosquitto's websockets listener. --offline skips fetching the distribution
  points. Exit 0: nothing found; 1: at least one error; 2: bad input.`;

export async function caCheck(argv: string[]): Promise<number> {
  const p = parseCli(argv, { broker: { type: 'string' }, json: { type: 'boolean' }, offline: { type: 'boolean' } }, CA_CHECK_HELP);
  const dir = p.positionals[0];
  if (!dir) throw new UsageError(`ca check: give the CA directory\n\n${CA_CHECK_HELP}`);
  if (p.positionals.length > 1) throw new UsageError(`ca check: one CA directory, got ${p.positionals.length}`);
  const target = p.values.broker;
  if (!target) throw new UsageError(`ca check: --broker emqx5|emqx4|mosquitto is required\n\n${CA_CHECK_HELP}`);
  if (!(brokerProfiles as readonly string[]).includes(target)) throw new UsageError(`--broker: "${target}" is not one of ${brokerProfiles.join(', ')}`);
  const abs = resolve(dir);
  if (!existsSync(abs)) throw new UsageError(`ca check: ${dir}: no such directory`);
  const report = await checkReadiness(abs, { target: target as BrokerProfile, offline: p.values.offline === true });
  // Subjects and URLs in the report come from the CA folder's certificates: escaped for the terminal.
  process.stdout.write(`${p.values.json ? jsonForTerminal(JSON.stringify(report, null, 2)) : formatReadiness(report).split('\n').map(forTerminal).join('\n')}\n`);
  return report.findings.some((f) => f.severity === 'error') ? 1 : 0;
}
