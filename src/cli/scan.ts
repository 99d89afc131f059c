// `certscope scan DIR [--json] [--at TIME]`: the workspace index as the Workspace PKI tree sees it
// (every item, its status and the evidence behind it), and `certscope verify FILE --workspace DIR`:
// path validation with the folder's CAs as trust anchors and the same revocation answers.
// Exit codes: scan 0 (2 bad input); verify 0 valid, 1 invalid or revoked, 2 bad input.
import { existsSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import type { CliCommand } from './commands';
import { dateFlag, intFlag, parseCli } from './args';
import { formatDate } from '../core/dates';
import { crlNumberValue } from '../core/revocation/evidence';
import { forTerminal } from '../core/present/safeText';
import { UsageError } from './usage-error';

const HELP = `Usage:
  certscope scan DIR [--json] [--at TIME] [--expiring-days N]
  Lists every certificate, CRL, OCSP response, CSR, key and problem under DIR as the Workspace PKI
  tree shows it, with each certificate's status and its revocation evidence (which CRL or OCSP
  response, its number, this/next update, stale or not). --at evaluates at another time (ISO 8601).
  certscope verify FILE --workspace DIR [--json] [--at TIME]: validates FILE with DIR's CAs and CRLs.`;

interface Common { dir: string; json: boolean; at: Date; expiringDays: number }

const OPTIONS = { at: { type: 'string' }, 'expiring-days': { type: 'string' }, json: { type: 'boolean' } } as const;

function common(v: { at?: string; 'expiring-days'?: string; json?: boolean }, dir: string | undefined): Common {
  if (!dir) throw new UsageError(`no DIR given\n\n${HELP}`);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${dir}: not a directory`);
  return { dir, json: v.json === true, at: dateFlag(v.at, 'at') ?? new Date(), expiringDays: intFlag(v['expiring-days'], 'expiring-days') ?? 30 };
}

async function scan(argv: string[]): Promise<number> {
  const p = parseCli(argv, OPTIONS, HELP);
  if (p.positionals.length > 1) throw new UsageError(`scan: give one DIR\n\n${HELP}`);
  const o = common(p.values, p.positionals[0]);
  const [{ indexDirectory }, { PkiTree }, { describeRevocation }] = await Promise.all([
    import('../core/workspace/directory'), import('../core/workspace/tree'), import('../core/revocation/evidence'),
  ]);
  const a = await indexDirectory(o.dir, { now: o.at, expiringDays: o.expiringDays });
  const label = (k: string): string => relative(o.dir, k) || k;
  const tree = new PkiTree(a, label);
  const rows: Array<Record<string, unknown>> = [];
  const lines: string[] = [];
  const visit = (n: ReturnType<typeof tree.roots>[number], depth: number): void => {
    const cert = n.fingerprint ? a.forest.nodes.get(n.fingerprint)?.cert : undefined;
    const s = cert ? a.status(cert) : undefined;
    const revocation = s ? describeRevocation(s.revokedIssuer?.answer ?? s.revocation, label) : undefined;
    rows.push({
      id: n.id, parent: n.parentId, kind: n.kind, label: n.label, description: n.description,
      ...(n.location ? { file: label(n.location.file), line: n.location.startLine + 1 } : {}),
      ...(s ? { state: s.state, status: s.text, revocation: { verdict: s.revocation.verdict, evidence: revocation, ...evidenceJson(s.revokedIssuer?.answer ?? s.revocation, label) } } : {}),
    });
    lines.push(`${'  '.repeat(depth)}${forTerminal(n.label)}  [${forTerminal(n.description)}]`);
    if (revocation) lines.push(`${'  '.repeat(depth + 1)}revocation: ${forTerminal(s?.revokedIssuer ? `issuing CA ${revocation}` : revocation)}`);
    for (const c of tree.children(n)) visit(c, depth + 1);
  };
  for (const r of tree.roots()) visit(r, 0);
  if (o.json) process.stdout.write(JSON.stringify({ dir: o.dir, at: o.at.toISOString(), files: a.files.size, items: rows }, null, 2) + '\n');
  else process.stdout.write(`${forTerminal(o.dir)}: ${a.files.size} files, evaluated at ${formatDate(o.at)}\n${lines.join('\n')}\n`);
  return 0;
}

function evidenceJson(a: import('../core/revocation/status').RevocationAnswer, label: (k: string) => string): Record<string, unknown> {
  const e = a.source;
  if (!e) return a.note ? { note: a.note } : {};
  const base = { source: e.kind, file: label(e.loc.file), stale: e.stale, ...(a.note ? { note: a.note } : {}) };
  if (e.kind === 'ocsp') return { ...base, thisUpdate: e.thisUpdate.toISOString(), nextUpdate: e.nextUpdate?.toISOString() };
  return {
    ...base, crlNumber: crlNumberValue(e.crl.crlNumber)?.toString(),
    thisUpdate: e.crl.thisUpdate.toISOString(), nextUpdate: e.crl.nextUpdate?.toISOString(), signature: e.signature,
    ...(a.revokedAt ? { revokedAt: a.revokedAt.toISOString() } : {}), ...(a.reason ? { reason: a.reason } : {}),
  };
}

/** `certscope verify FILE --workspace DIR`: called by the verify command when --workspace is given. */
export async function verifyWithWorkspace(argv: string[]): Promise<number> {
  const p = parseCli(argv, { ...OPTIONS, workspace: { type: 'string' } }, HELP);
  if (p.positionals.length !== 1) throw new UsageError(`verify: give exactly one certificate file\n\n${HELP}`);
  const o = common(p.values, p.values.workspace);
  const [{ indexDirectory }, { decodeBytes, readFileForDecoding }, { verifyInWorkspace }, { formatResult }] = await Promise.all([
    import('../core/workspace/directory'), import('../core/decode/index'), import('../core/revocation/verify'), import('./verifyReport'),
  ]);
  const file = p.positionals[0];
  const read = readFileForDecoding(file);
  if (!read.ok) throw new UsageError(`${file}: ${read.error}`);
  const cert = decodeBytes(read.bytes, { fileName: file }).map((i) => i.result).find((r) => r.kind === 'certificate');
  if (!cert || cert.kind !== 'certificate') throw new UsageError(`${file}: no certificate found`);
  const a = await indexDirectory(o.dir, { now: o.at, expiringDays: o.expiringDays });
  const v = await verifyInWorkspace(cert, a, (k) => relative(o.dir, k) || k);
  process.stdout.write((o.json ? JSON.stringify({ ...v.result, summary: v.summary }, null, 2) : `${formatResult(file, v.result)}\n  ${forTerminal(v.summary)}`) + '\n');
  return v.ok ? 0 : 1;
}

export const scanCommand: CliCommand = { summary: 'List a folder as the Workspace PKI tree sees it: every item, its status and revocation evidence', run: scan };
