// `certscope ca check DIR --broker emqx5|emqx4|mosquitto [--json] [--offline]`: every reason a
// revocation by this CA would not be enforced by that broker, or would lock every client out
// (src/core/broker/readiness.ts). Exit 0 nothing found, 1 findings of severity error, 2 bad input.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from './args';
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

/** Control characters, ANSI escapes and bidi overrides from certificate subjects never reach the terminal raw. */
function terminalSafe(s: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export async function caCheck(argv: string[]): Promise<number> {
  const p = parseArgs(argv, ['--broker', '--timeout'], ['--json', '--offline'], CA_CHECK_HELP);
  const dir = p.positional[0];
  if (!dir) throw new UsageError(`ca check: give the CA directory\n\n${CA_CHECK_HELP}`);
  if (p.positional.length > 1) throw new UsageError(`ca check: one CA directory, got ${p.positional.length}`);
  const target = p.values.get('--broker')?.at(-1);
  if (!target) throw new UsageError(`ca check: --broker emqx5|emqx4|mosquitto is required\n\n${CA_CHECK_HELP}`);
  if (!(brokerProfiles as readonly string[]).includes(target)) throw new UsageError(`--broker: "${target}" is not one of ${brokerProfiles.join(', ')}`);
  const abs = resolve(dir);
  if (!existsSync(abs)) throw new UsageError(`ca check: ${dir}: no such directory`);
  const report = await checkReadiness(abs, { target: target as BrokerProfile, offline: p.bools.has('--offline') });
  process.stdout.write(`${p.bools.has('--json') ? JSON.stringify(report, null, 2) : terminalSafe(formatReadiness(report))}\n`);
  return report.findings.some((f) => f.severity === 'error') ? 1 : 0;
}
