// Turns a probe result into ranked causes and fixes in plain words. The cause comes from all the
// evidence the result holds, not from the alert number alone: the alerts (and when they came), the
// server's CertificateRequest (accepted CA names), the client certificate's validity at run time,
// what the CRLs / OCSP responses at hand say about it, whether the server closed before it could
// have read CONNECT, what came back when TLS failed, and the differential probes. The first entry
// is the cause the evidence supports; a cause the evidence contradicts is never named; with no
// evidence for one cause the candidates come ranked with 'possible' confidence.
import { guessStack, stackHabit, type StackId } from './stacks';
import type { AlertInfo, Confidence, Diagnosis, FailureKind, ProbeContext, ProbeResult } from './types';
import { namer, type Namer } from './wording';
import { signatureSchemeKeyType } from '../tls/signatureSchemes';
import { colonSerial, serialKey } from '../serial';
import { formatIso } from '../dates';

interface Draft {
  kind: FailureKind;
  cause: string;
  /** Written with the namer, so the CLI says --cert and the form "Client certificate". */
  fix: string;
  confidence: Confidence;
  evidence: string[];
  severity?: 'error' | 'warning';
}

function finish(x: Draft): Diagnosis {
  return { kind: x.kind, severity: x.severity ?? 'error', cause: x.cause, fix: x.fix, confidence: x.confidence, evidence: x.evidence };
}

function upper(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function alertText(a: { name: string; number: number }): string {
  return `${a.name} (${a.number})`;
}

/** Everything the diagnosis reasons with, read once from the result. */
interface Facts {
  r: ProbeResult;
  n: Namer;
  received: AlertInfo[];
  /** The client certificate's chain reaches a CA the server listed: yes / no / the server listed none. */
  toAcceptedCa: 'yes' | 'no' | 'unknown';
  stack?: StackId;
  client: string;
  late: string;
}

function facts(r: ProbeResult, context: ProbeContext | undefined): Facts {
  const names = r.tls?.acceptedCaNames ?? [];
  const c = r.clientCert;
  let toAcceptedCa: Facts['toAcceptedCa'] = 'unknown';
  if (c && names.length) {
    const ours = [c.issuer, ...(r.clientChain ?? []).flatMap((x) => [x.subject, x.issuer])].map(key);
    toAcceptedCa = names.map(key).some((n) => ours.includes(n)) ? 'yes' : 'no';
  }
  const stack = guessStack(r);
  if (stack) r.serverStack = { name: stack.name, confidence: stack.confidence, evidence: stack.evidence };
  return {
    r, n: namer(context?.surface), received: r.alerts.filter((a) => a.direction === 'received' && a.level !== 'warning'),
    toAcceptedCa, stack: stack?.id,
    client: c ? `your client certificate ${c.subject} (serial ${colonSerial(c.serialHex)})` : 'the client certificate',
    late: r.tls?.version === 'TLSv1.3' ? ' With TLS 1.3 the handshake looked finished on our side; the server checked the client certificate and rejected it right after.' : '',
  };
}

function key(name: string): string {
  return name.replace(/\s+/g, '').toLowerCase();
}

export function diagnose(r: ProbeResult, preflight: Diagnosis[], context: ProbeContext | undefined): Diagnosis[] {
  if (preflight.some((f) => f.kind === 'bad_input' || f.kind === 'key_mismatch')) return preflight;
  if (r.diagnosis.some((f) => f.kind === 'bad_input')) return [];
  mergeKnownRevocations(r, context);
  const f = facts(r, context);
  const found = causes(f).map(finish);
  // Pre-flight findings the ranked causes already name are not repeated; "does not chain to the CA
  // file" is moot once the server's CertificateRequest lists the client's issuer.
  const rest = preflight.filter((p) => !found.some((d) => d.kind === p.kind) && !(p.kind === 'client_chain_not_to_ca' && f.toAcceptedCa === 'yes'));
  const errors = [...found, ...rest].filter((d) => d.severity === 'error');
  const warnings = [...found, ...rest].filter((d) => d.severity === 'warning');
  // A stale CRL matters even when this server let us in: put it first on a working connection.
  const stale = warnings.findIndex((d) => d.kind === 'server_crl_stale');
  if (stale > 0) warnings.unshift(...warnings.splice(stale, 1));
  return [...errors, ...warnings];
}

/** Workspace revocations (ProbeContext.revocations) count as revocation evidence too. */
function mergeKnownRevocations(r: ProbeResult, context: ProbeContext | undefined): void {
  const c = r.clientCert;
  const known = c && context?.revocations?.find((k) => serialKey(k.serialHex) === serialKey(c.serialHex));
  if (!known) return;
  r.revocation ??= { status: 'unknown', staleCrls: [], checked: [] };
  if (r.revocation.status !== 'revoked') Object.assign(r.revocation, { status: 'revoked', source: known.source, revokedAt: known.revokedAt, reason: known.reason });
}

function causes(f: Facts): Draft[] {
  const r = f.r;
  const out: Draft[] = [];
  const server = serverProblems(f);
  const alert = f.received[0];
  if (alert) out.push(...fromAlert(f, alert));
  else {
    out.push(...server);
    if (server.some((x) => (x.severity ?? 'error') === 'error')) return out;
    const silent = silentRejection(f);
    if (silent.length) out.push(...silent);
    else {
      const e = fromError(f);
      if (e) out.push(e);
    }
  }
  // No staple advice for a missing staple unless the certificate demands one (must-staple, above):
  // mosquitto and nginx stream cannot staple, and the trace already says none came.
  const stale = r.revocation?.staleCrls ?? [];
  if (stale.length && !out.some((d) => d.kind === 'server_crl_stale')) {
    out.push({
      kind: 'server_crl_stale', severity: 'warning', confidence: r.ok ? 'likely' : 'possible', evidence: stale.map((s) => `${s.source} is past its nextUpdate (${formatIso(s.nextUpdate)})`),
      cause: `The CRL of your client certificate's CA is past its nextUpdate (${stale.map((s) => s.source).join('; ')}). A broker that loads it refuses every client of that CA (OpenSSL, Erlang/OTP and nginx do${r.ok ? '; this server let the connection through: GnuTLS-based servers ignore a stale CRL' : ''}).`,
      fix: 'Publish a fresh CRL from the CA and reload it on the broker.',
    });
  }
  return out;
}

// ---- the client certificate: which cause the evidence supports ----

/** Local facts that point at one cause for a rejected client certificate, strongest first. */
function supportedCauses(f: Facts): Draft[] {
  const r = f.r;
  const n = f.n;
  const c = r.clientCert;
  const out: Draft[] = [];
  const rev = r.revocation;
  if (r.tls?.clientCertRequested && !r.tls.clientCertSent) {
    out.push({ kind: 'certificate_required', confidence: 'likely', evidence: ['the server asked for a client certificate (CertificateRequest) and the probe sent none'],
      cause: 'The server requires a client certificate and none was sent.', fix: `Give the device certificate and key (${n('cert')} and ${n('key')}).` });
    return out;
  }
  const sigs = r.tls?.acceptedSignatureAlgorithms ?? [];
  const family = c?.keyType ? KEY_FAMILY[c.keyType] : undefined;
  if (family && sigs.length && !sigs.some((s) => signatureSchemeKeyType(s) === family)) {
    out.push({ kind: 'handshake_failure', confidence: 'likely', evidence: [`the server's CertificateRequest accepts only ${sigs.join(', ')}`, `the client key is ${c!.keyType}${c!.keyDetail ? ` ${c!.keyDetail}` : ''}`],
      cause: `The server accepts client signatures made with ${[...new Set(sigs.map(signatureSchemeKeyType).filter(Boolean))].join('/')} keys only, and ${f.client} has a ${c!.keyType} key.`,
      fix: 'Issue the client certificate for a key type the broker accepts, or allow the key type in the broker\'s signature algorithms.' });
  }
  if (rev?.status === 'revoked') {
    out.push({ kind: 'revoked', confidence: 'likely', evidence: [`${rev.source} lists the certificate as revoked${rev.revokedAt ? ` since ${formatIso(rev.revokedAt)}` : ''}`],
      cause: `${upper(f.client)} is revoked: ${rev.source} lists it${rev.revokedAt ? ` since ${formatIso(rev.revokedAt)}` : ''}${rev.reason ? `, reason ${rev.reason}` : ''}.`,
      fix: 'Issue a new client certificate for this device and install it (a revoked certificate stays revoked; only a certificateHold can be lifted). If the revocation was wrong, check which CRL the broker loaded.' });
  }
  if (c?.validity === 'expired') {
    out.push({ kind: 'client_cert_expired', confidence: 'likely', evidence: [`the client certificate expired on ${formatIso(c.notAfter)} (checked at the time of the run)`],
      cause: `${upper(f.client)} expired on ${formatIso(c.notAfter)}.`, fix: 'Renew the client certificate and install the new one on the device.' });
  } else if (c?.validity === 'notYetValid') {
    out.push({ kind: 'client_cert_not_yet_valid', confidence: 'likely', evidence: [`the client certificate is not valid before ${formatIso(c.notBefore)}`],
      cause: `${upper(f.client)} is not valid before ${formatIso(c.notBefore)}.`, fix: 'Check the device clock, or issue the certificate with an earlier start date.' });
  }
  if (f.toAcceptedCa === 'no') out.push(unknownCa(f, 'likely', []));
  if (c && c.extKeyUsage.length && !c.extKeyUsage.includes('clientAuth') && !c.extKeyUsage.includes('anyExtendedKeyUsage')) {
    out.push({ kind: 'client_cert_no_clientauth', confidence: 'likely', evidence: [`the client certificate allows only ${c.extKeyUsage.join(', ')}`],
      cause: `${upper(f.client)} is not allowed for client authentication (extendedKeyUsage without clientAuth).`, fix: 'Issue the client certificate with extendedKeyUsage = clientAuth.' });
  }
  const stale = rev?.staleCrls ?? [];
  if (!out.length && stale.length && c?.validity === 'valid') {
    out.push(staleCrl(f, 'likely', []));
  }
  return out;
}

/** The signature scheme family each certificate key type signs with. */
const KEY_FAMILY: Record<string, string> = { RSA: 'rsa', 'RSA-PSS': 'rsa', EC: 'ec', Ed25519: 'ed25519', Ed448: 'ed448' };

function staleCrl(f: Facts, confidence: Confidence, evidence: string[]): Draft {
  const r = f.r;
  const c = r.clientCert;
  const stale = r.revocation?.staleCrls ?? [];
  return {
    kind: 'server_crl_stale', confidence,
    evidence: [...evidence, ...(c ? [`the client certificate is valid until ${formatIso(c.notAfter)}`] : []), ...stale.map((s) => `${s.source} is past its nextUpdate (${formatIso(s.nextUpdate)})`)],
    cause: `${c ? `${upper(f.client)} is valid until ${formatIso(c.notAfter)}, so the` : 'The'} likely cause is that the server's CRL for your CA is past its nextUpdate${stale.length ? ` (${stale.map((s) => `${s.source}: nextUpdate ${formatIso(s.nextUpdate)}`).join('; ')})` : ''}: such a server refuses every client of that CA.`,
    fix: 'Publish a fresh CRL from the CA and reload it on the broker (mosquitto: crlfile + SIGHUP; EMQX fetches it from the CRL distribution point); check the broker\'s clock.',
  };
}

function unknownCa(f: Facts, confidence: Confidence, evidence: string[]): Draft {
  const r = f.r;
  const c = r.clientCert;
  const names = r.tls?.acceptedCaNames ?? [];
  const accepts = names.length ? ` The server accepts client certificates from: ${names.join('; ')}.` : '';
  const leafOnly = r.tls?.clientCertCount === 1;
  const probableIntermediate = c && names.length > 0 && !names.map(key).includes(key(c.issuer)) && leafOnly && !c.selfSigned
    ? ` Only the certificate itself was sent: if "${c.issuer}" is an intermediate CA under one of those, the server cannot build the chain without it.`
    : '';
  return {
    kind: 'unknown_ca', confidence,
    evidence: [...evidence, ...(f.toAcceptedCa === 'no' ? [`the issuer ${c?.issuer ?? '?'} is not among the CAs the server's CertificateRequest lists`] : [])],
    cause: `The server does not trust the issuer of ${f.client}${c ? ` (${c.issuer})` : ''}.${accepts}${probableIntermediate}`,
    fix: probableIntermediate
      ? `Append the intermediate CA certificate to the client certificate file (${f.n('cert')}; leaf first) so it is sent, or add it to the broker's CA file.`
      : 'Use a client certificate issued by a CA the broker trusts, or add your CA to the broker\'s CA file (mosquitto: cafile; EMQX: cacertfile).',
  };
}

/**
 * A rejection that does not say why (bad_certificate, GnuTLS's access_denied, a silent close):
 * the local evidence picks the cause; without any, the candidates the evidence does not rule out.
 */
function genericRejection(f: Facts, said: string, summaryKind: FailureKind): Draft[] {
  const r = f.r;
  const n = f.n;
  const supported = supportedCauses(f);
  const diffEvidence = (r.differential ?? []).map((d) => `${d.variant}: ${d.outcome}`);
  if (supported.length) {
    const [first, ...others] = supported;
    first.evidence.unshift(said);
    first.evidence.push(...diffEvidence);
    const habit = stackHabit(f.stack, first.kind);
    first.cause = `${said}.${habit ? ` ${habit}.` : ''} ${first.cause}`;
    if (habit) first.evidence.push(habit);
    return [first, ...others.map((o) => ({ ...o, confidence: 'possible' as Confidence }))];
  }
  const c = r.clientCert;
  const candidates: string[] = [];
  const drafts: Draft[] = [];
  if (r.revocation?.status !== 'good') {
    candidates.push('the certificate is revoked');
    drafts.push({ kind: 'revoked', confidence: 'possible', evidence: ['no CRL or OCSP response at hand says otherwise'], cause: `${upper(f.client)} may be revoked on the server's CRL.`,
      fix: `Check the CA's CRL (give it with ${n('crl')}, or ${n('fetchRevocation')}).` });
  }
  if (f.toAcceptedCa !== 'yes') {
    candidates.push('its CA is not trusted by the server');
    drafts.push({ ...unknownCa(f, 'possible', []), cause: `The server may not trust the issuer of ${f.client}${c ? ` (${c.issuer})` : ''}.` });
  }
  candidates.push('the server\'s CRL for your CA is missing or past its nextUpdate');
  drafts.push({ ...staleCrl(f, 'possible', []), cause: 'The server\'s CRL for your CA may be missing or past its nextUpdate (such a server refuses every client of that CA).' });
  if (c?.validity !== 'valid' && c) candidates.unshift('the certificate is out of its validity period');
  const summary: Draft = {
    kind: summaryKind, confidence: 'possible', evidence: [said, ...diffEvidence],
    cause: `${said}.${stackHabit(f.stack, 'any') ? ` ${stackHabit(f.stack, 'any')}.` : ''} Nothing at hand says which check failed; in order of likelihood: ${candidates.join('; ')}.`,
    fix: `Look at the broker log; give the CA's CRL (${n('crl')}) so the probe can check the certificate against it.`,
  };
  return [summary, ...drafts];
}

function fromAlert(f: Facts, a: AlertInfo): Draft[] {
  const r = f.r;
  const n = f.n;
  const c = r.clientCert;
  const said = `The server sent the TLS alert ${alertText(a)}${f.received.length > 1 ? ` (then ${f.received.slice(1).map(alertText).join(', ')})` : ''}${a.phase === 'after-handshake' ? ' after the handshake' : ''}`;
  const ev = [`alert ${alertText(a)} received ${a.phase === 'after-handshake' ? 'after' : 'during'} the handshake${a.beforeConnect === true && r.mqtt ? ', before CONNECT' : ''}`];
  const one = (kind: FailureKind, cause: string, fix: string, confidence: Confidence = 'certain', extra: string[] = []): Draft[] => [{ kind, cause: `${said}. ${cause}`, fix, confidence, evidence: [...ev, ...extra] }];
  switch (a.name) {
    case 'certificate_revoked': {
      const rev = r.revocation;
      const where = rev?.status === 'revoked'
        ? ` ${upper(rev.source ?? 'a CRL')} lists it as revoked${rev.revokedAt ? ` since ${formatIso(rev.revokedAt)}` : ''}${rev.reason ? `, reason ${rev.reason}` : ''}.`
        : ' The broker found its serial on the CRL (or OCSP answer) it checks.';
      return one('revoked', `It rejected ${f.client} as revoked.${where}${f.late}`,
        'Issue a new client certificate for this device and install it (a revoked certificate stays revoked; only a certificateHold can be lifted). If the revocation was wrong, check which CRL the broker loaded.',
        'certain', rev?.status === 'revoked' ? [`${rev.source} lists the certificate`] : []);
    }
    case 'certificate_expired': {
      if (c?.validity === 'expired') {
        return one('client_cert_expired', `${upper(f.client)} expired on ${formatIso(c.notAfter)}.${f.late}`, 'Renew the client certificate and install the new one on the device.', 'certain', [`the client certificate expired on ${formatIso(c.notAfter)}`]);
      }
      if (r.revocation?.status === 'revoked') return genericRejection(f, said, 'alert');
      // The certificate itself is valid: OpenSSL reports a CRL past nextUpdate as "certificate expired".
      const d = staleCrl(f, 'likely', [...ev, 'OpenSSL-based servers report a CRL past its nextUpdate as certificate_expired (45)']);
      d.cause = `${said}. ${d.cause} ${stackHabit('openssl', 'server_crl_stale')}.${f.late}`;
      return [d];
    }
    case 'unknown_ca': {
      const d = unknownCa(f, 'certain', ev);
      d.cause = `${said}. ${d.cause}${f.late}`;
      return [d];
    }
    case 'certificate_required':
      return one('certificate_required', 'The server requires a client certificate and none was sent.', `Give the device certificate and key (${n('cert')} and ${n('key')}).`);
    case 'handshake_failure':
      if (r.tls?.clientCertRequested && !r.tls.clientCertSent) {
        return one('certificate_required', 'The server asked for a client certificate and none was sent (TLS 1.2 servers report this as handshake_failure).', `Give the device certificate and key (${n('cert')} and ${n('key')}).`, 'likely', ['the server asked for a client certificate and none was sent']);
      }
      return versionOrParameters(f, said, ev);
    case 'protocol_version':
      return one('protocol_version', 'The server does not accept the TLS version offered.', `Try the other version (${n('tls')}); TLS 1.0/1.1 are not offered by the probe.`);
    case 'decode_error':
      if (r.tls?.clientCertRequested && !r.tls.clientCertSent) {
        return one('certificate_required', `The server asked for a client certificate and none was sent. ${stackHabit('gnutls', 'certificate_required')}.`, `Give the device certificate and key (${n('cert')} and ${n('key')}).`, 'likely', ['the server asked for a client certificate and none was sent']);
      }
      return one('tls_protocol_error', 'The server could not parse a handshake message.', 'Check the client certificate and key encoding; look at the broker log.', 'possible');
    case 'access_denied':
    case 'bad_certificate':
    case 'certificate_unknown':
      if (r.tls?.clientCertRequested === false || (!c && !(r.tls?.clientCertRequested))) {
        return one('bad_certificate', 'It rejected the connection without a specific reason.', 'Look at the broker log.', 'possible');
      }
      return genericRejection(f, said, 'bad_certificate');
    case 'unsupported_certificate':
      return one('client_cert_no_clientauth', `${upper(f.client)} is not usable for client authentication (key usage or extended key usage).${f.late}`,
        'Issue the client certificate with extendedKeyUsage = clientAuth and keyUsage = digitalSignature.', 'likely');
    case 'unrecognized_name':
      return one('hostname_mismatch', `The server does not know the name sent in SNI (${r.tls?.servername ?? 'none'}).`, `Use the host name the broker is configured for (${n('servername')}).`, 'likely');
    case 'decrypt_error':
      return one('key_mismatch', 'The server could not verify our handshake signature: the key probably does not belong to the certificate.', `Use the key that matches the client certificate (${n('key')}).`, 'likely');
    case 'internal_error':
      return one('alert', `Something failed inside the server (for example loading its CRL or OCSP data).${f.late}`, 'Look at the broker log.', 'possible');
    default:
      return one('alert', f.late.trim(), 'Look at the broker log for the reason.', 'possible');
  }
}

/** handshake_failure without a client-certificate story: a version the server refuses, or no common cipher. */
function versionOrParameters(f: Facts, said: string, ev: string[]): Draft[] {
  const r = f.r;
  const n = f.n;
  const other = (r.differential ?? []).find((d) => /^TLS 1\.[23]/.test(d.variant) && d.handshake);
  const noServerHello = !r.tls?.version;
  if (other || (r.offeredTls && noServerHello)) {
    return [{
      kind: 'protocol_version', confidence: other ? 'likely' : 'possible',
      evidence: [...ev, ...(r.offeredTls ? [`the probe offered only TLS ${r.offeredTls}; the server answered before any ServerHello`] : []), ...(other ? [`${other.variant}: ${other.outcome}`] : [])],
      cause: `${said}. The server does not accept TLS ${r.offeredTls ?? 'in the version offered'}${other ? ` (${other.variant} gets through the handshake)` : ''}.${f.stack === 'gnutls' ? ` ${stackHabit('gnutls', 'protocol_version')}.` : ''}`,
      fix: `Use the TLS version the broker accepts (${n('tls')}).`,
    }];
  }
  return [{ kind: 'handshake_failure', confidence: 'possible', evidence: ev,
    cause: `${said}. Client and server found no common parameters (TLS version, cipher suite, signature algorithm or key type).`,
    fix: `Try ${n('tls')}, and check the broker's ciphers and the client key type (RSA vs EC).` }];
}

/** No alert, but the server closed right after the handshake or during it: read the rest of the evidence. */
function silentRejection(f: Facts): Draft[] {
  const r = f.r;
  const e = r.error;
  if (!e) return [];
  const code = e.code ?? '';
  const closeCode = code === 'ECLOSED' || code === 'ECONNRESET' || code === 'EPIPE';
  const alertVariant = (r.differential ?? []).find((d) => d.alert);
  // Right after the handshake, before CONNECT: the server rejected something about the TLS session.
  if (e.step === 'late-alert' && closeCode) {
    const when = 'The server closed the connection right after the TLS handshake without an alert, before it could have read CONNECT';
    // The same certificate over the other TLS version got a specific alert: the server's own word.
    const spoken = alertVariant?.variant.startsWith('TLS ') ? alertVariant : undefined;
    if (spoken?.alert && [44, 45, 48].includes(spoken.alert.number)) {
      const viaOther: AlertInfo = { name: spoken.alert.name, number: spoken.alert.number, direction: 'received', phase: 'during-handshake', evidence: 'record' };
      const [d] = fromAlert({ ...f, received: [viaOther], late: '' }, viaOther);
      return [{ ...d, confidence: 'likely', cause: `${when}. With ${spoken.variant} it sent ${spoken.alert.name} (${spoken.alert.number}): ${d.cause.replace(/^The server sent the TLS alert [^.]*\. /, '')}`, evidence: [when, `${spoken.variant}: ${spoken.outcome}`, ...d.evidence] }];
    }
    const drafts = genericRejection(f, when, 'rejected_after_handshake');
    if (alertVariant && drafts[0].confidence === 'possible') drafts[0].cause += ` ${alertVariant.variant}: ${alertVariant.outcome}.`;
    return drafts;
  }
  // The TLS session was accepted (or not questioned); the close came with CONNECT: an MQTT-level refusal.
  if (closeCode && r.tls?.version && (e.step === 'mqtt-connect' || e.step === 'websocket')) {
    const said = `The server closed the connection without a CONNACK when CONNECT was sent (${code}); the TLS session itself was accepted`;
    const v311 = (r.differential ?? []).find((d) => d.variant === 'MQTT 3.1.1');
    const other = (r.differential ?? []).find((d) => d.variant === 'another client id');
    const ev = [said, ...(r.differential ?? []).map((d) => `${d.variant}: ${d.outcome}`)];
    if (v311?.ok) {
      return [{ kind: 'mqtt_protocol_version', confidence: 'likely', evidence: ev, cause: `${said}. With MQTT 3.1.1 the broker answers: it does not speak MQTT 5.`, fix: `Use ${f.n('mqtt311')}.` }];
    }
    if (other?.ok) {
      return [{ kind: 'identifier_rejected', confidence: 'likely', evidence: ev,
        cause: `${said}. With another client id the broker answered: it refuses the client id "${r.mqtt?.clientId}".`, fix: `Use a client id the broker allows (${f.n('clientId')}); some brokers require it to match the certificate CN.` }];
    }
    return [{ kind: 'closed', confidence: 'possible', evidence: ev,
      cause: `${said}. The broker refuses this client at the MQTT level without saying why: ${r.mqtt?.version === '5' ? 'the MQTT version (5), ' : ''}the client id, the user name/password, or its access rules.`,
      fix: `Look at the broker log; try ${r.mqtt?.version === '5' ? `${f.n('mqtt311')}, ` : ''}another ${f.n('clientId')} or ${f.n('credentials')}.` }];
  }
  // The TLS handshake itself was cut without an alert.
  if (e.step === 'tls' && closeCode) {
    const plain = (r.differential ?? []).find((d) => d.plainMqtt);
    if (plain) {
      return [{ kind: 'not_tls', confidence: 'certain', evidence: [`the TLS handshake was cut (${code}) with ${r.received?.bytes ? `${r.received.bytes} bytes` : 'nothing'} received`, `${plain.variant}: ${plain.outcome}`],
        cause: `This port does not speak TLS: it is a plain MQTT listener (a plain MQTT CONNECT got a CONNACK; the TLS ClientHello got ${code === 'ECONNRESET' ? 'a reset' : 'a close'}).`,
        fix: `Use the broker's TLS port (usually 8883) in ${f.n('url')}, or mqtt:// without TLS if that is intended.` }];
    }
    if (r.tls?.clientCertRequested) {
      return genericRejection(f, `The server dropped the connection during the handshake without an alert (${code}), after asking for a client certificate`, 'rejected_after_handshake');
    }
    if (!r.received?.bytes) {
      return [{ kind: 'not_tls', confidence: 'possible', evidence: [`the connection was ${code === 'ECONNRESET' ? 'reset' : 'closed'} during the TLS handshake with nothing received`],
        cause: `The server closed the connection during the TLS handshake without sending anything (${code}): the port may not speak TLS, or the server limits connections.`,
        fix: `Check that ${f.n('url')} names the broker's TLS port, and look at the broker log.` },
      { kind: 'closed', confidence: 'possible', evidence: [], cause: 'The server may require something the probe did not offer, or limit connections.', fix: 'Check its log.' }];
    }
  }
  return [];
}

function serverProblems(f: Facts): Draft[] {
  const r = f.r;
  const n = f.n;
  const out: Draft[] = [];
  const ch = r.chain;
  if (ch && !ch.trusted) {
    const leaf = ch.certificates[0];
    const code = ch.errorCode ?? '';
    const problems = ch.problems.join('; ');
    const ev = [`the server's chain failed verification (${code || 'unknown reason'})`, ...ch.problems];
    if (leaf && (code === 'CERT_HAS_EXPIRED' || ch.certificates.some((c) => c.validity === 'expired'))) {
      const exp = ch.certificates.find((c) => c.validity === 'expired')!;
      out.push({ kind: 'server_cert_expired', confidence: 'certain', evidence: ev, cause: `The server's certificate chain contains an expired certificate: ${exp.subject} expired on ${formatIso(exp.notAfter)}.`, fix: 'Renew the broker\'s certificate and restart or reload the broker.' });
    } else if (code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || leaf?.selfSigned) {
      out.push({ kind: 'self_signed_server', confidence: 'certain', evidence: ev, cause: `The server uses a self-signed certificate (${leaf?.subject}) that is not in the CA file.`, fix: `Pass that certificate with ${n('ca')} if you trust it, or give the broker a certificate from your CA.` });
    } else if (/incomplete chain/.test(problems) || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' && ch.certificates.length === 1) {
      out.push({ kind: 'incomplete_server_chain', confidence: 'likely', evidence: [...ev, `the server sent ${ch.certificates.length} certificate${ch.certificates.length === 1 ? '' : 's'}`], cause: `The server's chain is incomplete: ${problems || code}.`, fix: `Configure the broker with the full chain (its certificate followed by the intermediate: EMQX certfile / mosquitto certfile with the chain appended), or add the intermediate to the CA file (${n('ca')}).` });
    } else {
      out.push({ kind: 'untrusted_server_chain', confidence: 'likely', evidence: ev, cause: `The server's certificate is not trusted (${code || 'unknown reason'})${problems ? `: ${problems}` : ''}.`, fix: ch.certificates.length ? `Pass the CA that issued "${ch.certificates[ch.certificates.length - 1].issuer}" with ${n('ca')}.` : `Pass the broker's CA with ${n('ca')}.` });
    }
  }
  if (ch && ch.trusted) {
    const order = ch.problems.find((p) => p.startsWith('wrong order'));
    if (order) {
      out.push({ kind: 'incomplete_server_chain', severity: 'warning', confidence: 'certain', evidence: [order], cause: `The server sends its chain in the wrong order (${order.replace(/^wrong order: /, '')}). OpenSSL and Node clients reorder it; small TLS stacks on devices (mbedTLS, older wolfSSL) may not.`,
        fix: 'Configure the broker\'s certificate file as: server certificate, then its issuer, then the next issuer up.' });
    }
  }
  const h = r.hostname;
  if (h && !h.ok) {
    out.push({ kind: 'hostname_mismatch', confidence: 'certain', evidence: [`the certificate names ${h.names.join(', ') || 'no subjectAltName'}`], cause: `The server certificate is not valid for "${h.host}": it names ${h.names.length ? h.names.join(', ') : 'no subjectAltName at all'}.`,
      fix: `Connect with one of those names (or ${n('servername')}), or re-issue the server certificate with subjectAltName ${/^[\d.:]+$/.test(h.host) ? 'IP' : 'DNS'}:${h.host}.` });
  }
  const s = r.staple;
  if (s) {
    if (!s.present && s.mustStaple) {
      out.push({ kind: 'staple_missing', confidence: 'certain', evidence: ['the server certificate carries the TLS Feature status_request (must-staple)', 'no staple came'], cause: 'The server certificate is marked must-staple (TLS Feature status_request) but the server sent no OCSP staple: clients that honour must-staple refuse it.', fix: 'Enable OCSP stapling on the broker and check that it can reach the OCSP responder.' });
    } else if (s.present && s.status === 'revoked') {
      out.push({ kind: 'staple_revoked', confidence: 'certain', evidence: ['the stapled OCSP response says revoked'], cause: `The server's own OCSP staple says its certificate is revoked${s.revokedAt ? ` since ${formatIso(s.revokedAt)}` : ''}${s.reason ? ` (${s.reason})` : ''}.`, fix: 'Issue a new server certificate and install it on the broker.' });
    } else if (s.present && s.problems.length) {
      out.push({ kind: 'staple_invalid', confidence: 'certain', evidence: s.problems, cause: `The stapled OCSP response cannot be trusted: ${s.problems.join('; ')}.`, fix: 'Check the broker\'s OCSP issuer/responder settings (EMQX: ocsp_issuer_pem, ocsp_responder_url) and the responder\'s clock.' });
    }
  }
  return out;
}

const NOT_TLS = /WRONG_VERSION_NUMBER|wrong version number|packet length too long|unknown protocol|record layer failure|HTTP_REQUEST|http request/i;

function fromError(f: Facts): Draft | undefined {
  const r = f.r;
  const n = f.n;
  const e = r.error;
  if (!e) return undefined;
  const code = e.code ?? '';
  const where = `${r.host}:${r.port}`;
  const ev = [`step "${e.step}" failed: ${e.message}${code ? ` (${code})` : ''}`];
  const d = (kind: FailureKind, cause: string, fix: string, confidence: Confidence = 'certain'): Draft => ({ kind, cause, fix, confidence, evidence: ev });
  if (code === 'ECANCELED') return d('cancelled', `The test was cancelled during step "${e.step}".`, 'Run it again.');
  if (e.step === 'dns') return d('dns', `The host name "${r.host}" cannot be resolved (${code || e.message}).`, 'Check the spelling, or use the IP address.');
  if (code === 'ECONNREFUSED') return d('refused', `Nothing listens on ${where}: the connection was refused.`, 'Check the port (8883 for MQTT over TLS, 8084 or 443 for MQTT over WebSocket) and that the broker is running.');
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return d('unreachable', `${where} cannot be reached (${code}).`, 'Check the address and the network route or VPN.');
  if (code === 'ETIMEDOUT') {
    switch (e.step) {
      case 'tcp': return d('timeout', `No answer to the TCP connection to ${where}: ${e.message}.`, 'A firewall may be dropping packets; check the address and port.');
      case 'tls': {
        const plain = (r.differential ?? []).find((x) => x.plainMqtt);
        if (plain) {
          return { kind: 'not_tls', confidence: 'certain', evidence: [...ev, `${plain.variant}: ${plain.outcome}`],
            cause: `This port does not speak TLS: it is a plain MQTT listener (the TLS ClientHello got no answer; a plain MQTT CONNECT got a CONNACK).`,
            fix: `Use the broker's TLS port (usually 8883) in ${n('url')}, or mqtt:// without TLS if that is intended.` };
        }
        return d('timeout', `The server accepted the TCP connection but never answered the TLS handshake: ${e.message}.`, `Is this a TLS port? A plain MQTT port (1883) may wait silently. Use the broker's TLS port in ${n('url')}.`, 'likely');
      }
      case 'websocket': return d('timeout', `The WebSocket upgrade got no answer: ${e.message}.`, 'Check the path (usually /mqtt) and the port.');
      case 'mqtt-connect': return d('not_mqtt', `TLS works, but the server sent no CONNACK: ${e.message}.`, 'The port may not be an MQTT listener (for MQTT over WebSocket use wss://host:port/mqtt), or the broker is overloaded.', 'likely');
      case 'mqtt-roundtrip': return d('roundtrip_failed', `Connected, but the subscribe/publish round trip did not complete: ${e.message}.`, 'The broker\'s access rules may silently drop messages on certscope/probe/#: allow that topic for this client, or ignore if ACLs are intended.', 'likely');
      default: return d('timeout', `Timed out: ${e.message}.`, 'Check that the server is running and reachable.');
    }
  }
  if (NOT_TLS.test(code) || NOT_TLS.test(e.message) || e.notTls) {
    const http = /^HTTP\//.test(Buffer.from((r.received?.first ?? '').split(' ')[0] ?? '', 'hex').toString('latin1'));
    const mqtt = (r.received?.first ?? '').startsWith('20');
    return {
      kind: 'not_tls', confidence: 'certain', evidence: [...ev, ...(r.received?.first ? [`the server answered with ${r.received.first}`] : [])],
      cause: `The server on ${where} does not speak TLS${http ? ': it answered in HTTP' : mqtt ? ': it answered in plain MQTT' : ''} (${code || e.message}).`,
      fix: `Use the broker's TLS port (8883 / 8084) in ${n('url')}, or check that TLS is enabled on this listener.`,
    };
  }
  const sent = r.alerts.find((a) => a.direction === 'sent');
  if (e.step === 'tls' && sent) {
    return d('tls_protocol_error', `The server's handshake messages are broken or unexpected: the probe gave up with its own alert ${sent.name} (${sent.number}) (${e.message}).`,
      'The port answers with something that only looks like TLS, or a middlebox mangles the connection: check the port and the server\'s TLS configuration.', 'likely');
  }
  if (code === 'ECLOSED' || code === 'ECONNRESET' || code === 'EPIPE') {
    return d('closed', `The server closed the connection at step "${e.step}" (${e.message}).`, `The broker may reject this client id or credentials without a CONNACK (${n('clientId')}, ${n('credentials')}); check its log.`, 'possible');
  }
  if (e.step === 'websocket') {
    return d('websocket_failed', `The WebSocket upgrade failed: ${e.message}.`, /404/.test(e.message) ? 'Wrong path: MQTT over WebSocket usually lives at /mqtt.' : 'Check the URL path and that the port serves MQTT over WebSocket.');
  }
  if (/MqttFraming|not start an MQTT packet|not an MQTT CONNACK|remaining length|larger than expected|Invalid|packet/i.test(e.message) && e.step.startsWith('mqtt')) {
    return d('not_mqtt', `TLS works, but the server does not answer in MQTT (${e.message}).`, 'This port serves something else: check the URL (HTTP servers need wss://host:port/mqtt).', 'likely');
  }
  if (code === 'ECONNACK') {
    const cn = r.mqtt?.connack;
    const c = cn?.code ?? -1;
    const v3 = cn?.answeredAs === '3.1.1';
    if ((v3 && c === 1) || c === 0x84) {
      return d('mqtt_protocol_version', `The broker refused MQTT ${r.mqtt?.version}: "${cn?.name}"${v3 && r.mqtt?.version === '5' ? ' (it answered in MQTT 3.1.1: it does not speak MQTT 5)' : ''}.`, `Use ${n(r.mqtt?.version === '5' ? 'mqtt311' : 'mqtt5')}.`);
    }
    if ((v3 && c === 2) || c === 0x85) return d('identifier_rejected', `The broker rejected the client id "${r.mqtt?.clientId}".`, `Use a client id the broker allows (${n('clientId')}; some require it to match the certificate CN).`);
    if ((v3 && c === 3) || c === 0x88 || c === 0x89) return d('server_unavailable', `The broker is unavailable: "${cn?.name}".`, 'Retry later; check the broker\'s health.');
    if ((v3 && c === 4) || c === 0x86) return d('bad_credentials', `The broker refused the user name or password: "${cn?.name}".`, `Check ${n('credentials')} (or whether the broker expects the certificate as identity).`);
    if ((v3 && c === 5) || c === 0x87) return d('not_authorized', `The broker says "not authorized"${cn?.reasonString ? ` (${cn.reasonString})` : ''}${r.mqtt?.username !== undefined ? `; user name "${r.mqtt.username}" was sent (mosquitto answers a wrong password this way too)` : ''}.`, 'The TLS part works; the broker\'s authentication/ACL refused this client: check its user, certificate-identity mapping (use_identity_as_username / peer_cert_as_username) and ACLs.');
    return d('mqtt_refused', `The broker refused the connection: CONNACK ${c} "${cn?.name}"${cn?.reasonString ? ` (${cn.reasonString})` : ''}.`, 'Check the broker log.');
  }
  if (code === 'ESUBACK') return d('not_authorized', `Connected, but ${e.message}.`, 'Allow the topic certscope/probe/# for this client, or ignore if ACLs are intended.');
  return d('unknown', `The probe failed at step "${e.step}": ${e.message}${code ? ` (${code})` : ''}.`, 'Look at the trace above and the server log.', 'possible');
}
