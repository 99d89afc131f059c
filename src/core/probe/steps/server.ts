// Step 4: the server's side of the handshake: its certificate chain (as sent on the wire, checked
// by OpenSSL and by our own RFC 5280 path validation), the host name, and the stapled OCSP
// response. The probe stops before MQTT when any of these fails (no credentials to a bad server).
import * as tls from 'node:tls';
import { analyseChain } from '../chain';
import { errorMessage } from '../errors';
import type { ProbeRun } from '../run';
import { checkStaple, stapleOk } from '../staple';
import type { ProbeTarget } from '../url';
import { verifyCertificate } from '../../verify';
import { formatIso } from '../../dates';

export async function checkServer(run: ProbeRun, t: ProbeTarget, caDers: Buffer[]): Promise<boolean> {
  const sock = run.tlsSocket!;
  const w = run.wire;
  const fromWire = w && w.certificates.length > 0;
  const certs = fromWire ? w.certificates : nodeChain(sock);
  const chain = analyseChain({
    certificates: certs, origin: fromWire ? 'wire' : 'node', authorized: sock.authorized,
    authorizationError: sock.authorizationError ? String(sock.authorizationError) : undefined, trusted: caDers, now: run.now,
  });
  run.result.chain = chain;
  if (caDers.length && certs.length) {
    // Our own RFC 5280 path validation, next to OpenSSL's verdict: its messages are more specific.
    try {
      const v = await verifyCertificate(certs[0], { anchors: caDers, pool: certs.slice(1), at: run.now, purpose: 'serverAuth' });
      chain.pathValidation = { valid: v.valid, failure: v.failure?.message, path: v.path.map((p) => p.subject) };
      if (!v.valid && v.failure && !chain.problems.some((p) => p.includes(v.failure!.message))) chain.problems.push(`path validation: ${v.failure.message}`);
    } catch (err) {
      chain.pathValidation = { valid: false, failure: `path validation could not run: ${errorMessage(err)}`, path: [] };
    }
  }
  const cs: Array<[string, string]> = chain.certificates.map((c, i) => [`#${i}`, `${c.subject}  (issuer ${c.issuer}; until ${formatIso(c.notAfter).slice(0, 10)})`]);
  if (chain.pathValidation) cs.push(['path validation', chain.pathValidation.valid ? `valid: ${chain.pathValidation.path.join(' <- ')}` : `failed: ${chain.pathValidation.failure}`]);
  cs.push(['trusted', chain.trusted ? `yes${caDers.length ? ' (by the given CA file)' : ' (by the system CA bundle)'}` : `no${chain.errorCode ? ` (${chain.errorCode})` : ''}`]);
  for (const p of chain.problems) cs.push(['problem', p]);
  run.trace.add('server-chain', `Server certificate chain (${chain.certificates.length} sent)`, chain.trusted ? (chain.problems.length ? 'warn' : 'ok') : 'fail', cs);

  // Hostname: against --servername when given (what SNI asked for), else the URL's host.
  const host = run.options.servername ?? t.host;
  const peer = sock.getPeerCertificate();
  const names = (peer.subjectaltname ?? '').split(', ').filter(Boolean);
  const err = peer.raw ? tls.checkServerIdentity(host, peer) : new Error('no server certificate');
  run.result.hostname = { host, ok: !err, names, message: err?.message };
  run.trace.add('hostname', `Hostname check (${host})`, err ? 'fail' : 'ok',
    [['certificate names', names.join(', ') || `(no subjectAltName; CN=${peer.subject?.CN ?? '?'})`], ...(err ? [['problem', err.message] as [string, string]] : [])]);

  const leafMustStaple = chain.certificates[0]?.mustStaple ?? false;
  let stapleGood = true;
  if (run.options.requestOcsp || leafMustStaple) {
    const response = run.staple ?? w?.staple;
    const report = checkStaple({
      requested: !!run.options.requestOcsp, response: response ?? undefined, leaf: certs[0],
      issuerCandidates: [...certs.slice(1), ...caDers], mustStaple: leafMustStaple, now: run.now,
    });
    run.result.staple = report;
    stapleGood = stapleOk(report);
    const d: Array<[string, string]> = [['stapled', report.present ? 'yes' : 'no']];
    if (report.status) d.push(['status', report.status]);
    if (report.revokedAt) d.push(['revoked at', formatIso(report.revokedAt)]);
    if (report.reason) d.push(['reason', report.reason]);
    if (report.thisUpdate) d.push(['thisUpdate', formatIso(report.thisUpdate)]);
    if (report.nextUpdate) d.push(['nextUpdate', formatIso(report.nextUpdate)]);
    if (report.signatureValid !== undefined) d.push(['signature', report.signatureValid ? 'valid (by the issuer or its responder)' : 'INVALID']);
    if (report.certIdMatches !== undefined) d.push(['certID', report.certIdMatches ? 'matches the server certificate' : 'does NOT match']);
    if (report.fresh !== undefined) d.push(['fresh', report.fresh ? 'yes' : 'no']);
    d.push(['must-staple', leafMustStaple ? 'yes' : 'no']);
    for (const p of report.problems) d.push(['problem', p]);
    run.trace.add('staple', 'Stapled OCSP response', stapleGood ? (report.present ? 'ok' : 'warn') : 'fail', d);
  }
  return chain.trusted && !err && stapleGood;
}

function nodeChain(sock: tls.TLSSocket): Buffer[] {
  const out: Buffer[] = [];
  let c: tls.DetailedPeerCertificate | undefined = sock.getPeerCertificate(true);
  const seen = new Set<string>();
  while (c && c.raw && !seen.has(c.fingerprint256)) {
    seen.add(c.fingerprint256);
    out.push(c.raw);
    c = c.issuerCertificate;
  }
  return out;
}
