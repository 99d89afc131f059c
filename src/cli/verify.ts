// `certscope verify CERT`: RFC 5280 path validation with optional revocation (CRL, OCSP) and a
// host name check. Exit 0 valid, 1 invalid, 2 bad input.
import type { CliCommand } from './commands';
import { UsageError } from './usage-error';
import { jsonForTerminal } from '../core/present/safeText';
import { formatResult } from './verifyReport';
import { dateFlag, parseCli, secondsFlag } from './args';
import {
  fetchCrl, InputError, loadCertificates, loadCrlFile, ocspChecker, systemRoots, verifyCertificate,
} from '../core/verify/index';
import { parseCertificate, parseCrl } from '../core/verify/parse';

const HELP = `Usage:
  certscope verify CERT [--chain FILE]... [--ca FILE]... [--system-roots] [--crl FILE|URL]...
                   [--crl-check leaf|all] [--ocsp] [--ocsp-url URL] [--timeout 5s] [--host NAME]
                   [--purpose serverAuth|clientAuth] [--at TIME] [--policy OID]... [--explicit-policy]
                   [--json]
  CERT       the certificate to check (PEM or DER; further certificates in it join --chain)
  --chain    intermediates (any order); --ca trust anchors (default: the system roots)
  --crl      CRLs (file or http URL); checks the leaf, or every certificate with --crl-check all
  --ocsp     ask the OCSP responder in the certificate's AIA (after the CRLs)
  --host     the server name or IP the certificate must match (implies --purpose serverAuth)
  --at       validation time (ISO 8601), default now
  certscope verify CERT --workspace DIR [--json] [--at TIME]
             trust anchors, intermediates, CRLs and OCSP responses from DIR (as \`certscope scan\` sees it)
Exit 0 valid, 1 invalid, 2 bad input.`;

async function run(argv: string[]): Promise<number> {
  if (argv.some((a) => a === '--workspace' || a.startsWith('--workspace='))) return (await import('./scan')).verifyWithWorkspace(argv);
  const p = parseCli(argv, {
    chain: { type: 'string', multiple: true }, ca: { type: 'string', multiple: true }, crl: { type: 'string', multiple: true },
    'crl-check': { type: 'string' }, 'ocsp-url': { type: 'string', multiple: true }, timeout: { type: 'string' }, host: { type: 'string' },
    purpose: { type: 'string' }, at: { type: 'string' }, policy: { type: 'string', multiple: true },
    ocsp: { type: 'boolean' }, json: { type: 'boolean' }, 'system-roots': { type: 'boolean' }, 'explicit-policy': { type: 'boolean' },
  }, HELP);
  if (p.positionals.length !== 1) throw new UsageError(`verify: give exactly one certificate file\n\n${HELP}`);
  const v = p.values;
  const vals = (f: 'chain' | 'ca' | 'crl' | 'ocsp-url' | 'policy'): string[] => v[f] ?? [];
  const at = dateFlag(v.at, 'at');
  const purpose = v.purpose;
  if (purpose && purpose !== 'serverAuth' && purpose !== 'clientAuth') throw new UsageError('--purpose: serverAuth or clientAuth');
  const crlCheck = v['crl-check'] ?? 'leaf';
  if (crlCheck !== 'leaf' && crlCheck !== 'all') throw new UsageError('--crl-check: leaf or all');
  const timeoutMs = v.timeout ? secondsFlag(v.timeout, '--timeout') * 1000 : 5000;
  try {
    // Unreadable certificates are the user's mistake (exit 2, naming the file), not a verdict.
    const certsIn = (file: string, flag: string): Uint8Array[] => {
      const certs = loadCertificates(file);
      checkParses(certs, `${flag}${file}`, parseCertificate);
      return certs;
    };
    const [target, ...extra] = certsIn(p.positionals[0], '');
    const pool = [...extra, ...vals('chain').flatMap((f) => certsIn(f, '--chain '))];
    const given = vals('ca').flatMap((f) => certsIn(f, '--ca '));
    const anchors = [...given];
    if (v['system-roots'] || anchors.length === 0) anchors.push(...systemRoots());
    const crls: Uint8Array[] = [];
    for (const c of vals('crl')) crls.push(...(/^https?:\/\//i.test(c) ? await fetchCrl(c, timeoutMs) : loadCrlFile(c)));
    // Unreadable inputs are the user's mistake (exit 2), not a verdict about the certificate.
    checkParses(crls, vals('crl').join(', '), parseCrl);
    const ocsp = v.ocsp || vals('ocsp-url').length > 0;
    const result = await verifyCertificate(target, {
      anchors, pool, crls, at, host: v.host, purpose: purpose as 'serverAuth' | 'clientAuth' | undefined,
      revocation: crls.length || ocsp ? crlCheck as 'leaf' | 'all' : 'none',
      ocsp: ocsp ? ocspChecker({ timeoutMs, url: vals('ocsp-url').at(-1) }) : undefined,
      policy: vals('policy').length || v['explicit-policy']
        ? { initialPolicySet: vals('policy'), initialExplicitPolicy: v['explicit-policy'] === true } : undefined,
    });
    process.stdout.write((v.json ? jsonForTerminal(JSON.stringify(result, null, 2)) : formatResult(p.positionals[0], result)) + '\n');
    return result.valid ? 0 : 1;
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(e.message);
    throw e;
  }
}

function checkParses(items: Uint8Array[], where: string, parse: (d: Uint8Array) => unknown): void {
  for (const d of items) {
    try { parse(d); } catch (e) { throw new UsageError(`${where}: ${(e as Error).message}`); }
  }
}

export const verifyCommand: CliCommand = { summary: 'Validate a certificate path (RFC 5280) with CRL/OCSP revocation and host name', run };
