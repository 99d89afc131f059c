// Turns a probe result into causes and fixes in plain words. The received TLS alert is the best
// evidence; without one, the error code and the step that failed tell the story. What the
// workspace knows (revocations from its CRLs/OCSP, the CA name) makes the messages concrete.
import { serialColon } from './certs';
import type { AlertInfo, Diagnosis, FailureKind, ProbeContext, ProbeResult } from './types';

function d(kind: FailureKind, cause: string, fix: string, severity: 'error' | 'warning' = 'error'): Diagnosis {
  return { kind, severity, cause, fix };
}

function normSerial(hex: string): string {
  return hex.toLowerCase().replace(/[^0-9a-f]/g, '').replace(/^0+(?=.)/, '');
}

function day(iso: string | undefined): string {
  return iso ? iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC') : '?';
}

export function diagnose(r: ProbeResult, preflight: Diagnosis[], context: ProbeContext | undefined): Diagnosis[] {
  const out: Diagnosis[] = [...preflight];
  if (preflight.some((f) => f.kind === 'bad_input' || f.kind === 'key_mismatch')) return out;
  if (r.diagnosis.some((f) => f.kind === 'bad_input')) return out;

  const alert = r.alerts.find((a) => a.direction === 'received' && a.level !== 'warning');
  if (alert) {
    out.push(fromAlert(alert, r, context, preflight));
    return out;
  }
  const server = serverProblems(r);
  out.push(...server);
  if (server.some((x) => x.severity === 'error')) return out;
  const fromErr = fromError(r);
  if (fromErr) out.push(fromErr);
  if (r.ok && r.staple?.requested && !r.staple.present) {
    out.push(d('staple_missing', 'The server sent no OCSP staple although one was requested.', 'Enable OCSP stapling on the broker (EMQX: enable_ocsp_stapling, ocsp_responder_url) and check that it can reach the responder.', 'warning'));
  }
  return out;
}

function upper(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function clientDesc(r: ProbeResult): string {
  const c = r.clientCert;
  return c ? `your client certificate ${c.subject} (serial ${serialColon(c.serialHex)})` : 'the client certificate';
}

function fromAlert(a: AlertInfo, r: ProbeResult, context: ProbeContext | undefined, preflight: Diagnosis[]): Diagnosis {
  const late = a.phase === 'after-handshake' && r.tls?.version === 'TLSv1.3'
    ? ' With TLS 1.3 the handshake looked finished on our side; the server checked the client certificate and rejected it right after.'
    : '';
  const alertText = `The server sent the TLS alert ${a.name} (${a.number}).`;
  const c = r.clientCert;
  switch (a.name) {
    case 'certificate_revoked': {
      const known = c && context?.revocations?.find((k) => normSerial(k.serialHex) === normSerial(c.serialHex));
      const where = known
        ? ` ${upper(known.source)} lists it as revoked${known.revokedAt ? ` since ${day(known.revokedAt)}` : ''}${known.reason ? `, reason ${known.reason}` : ''}.`
        : ' The broker found its serial on the CRL (or OCSP answer) it checks.';
      return d('revoked', `${alertText} It rejected ${clientDesc(r)} as revoked.${where}${late}`,
        'Issue a new client certificate for this device and install it (a revoked certificate stays revoked; only a certificateHold can be lifted). If the revocation was wrong, check which CRL the broker loaded.');
    }
    case 'certificate_expired': {
      if (c && c.validity === 'expired') {
        return d('expired', `${alertText} ${upper(clientDesc(r))} expired on ${day(c.notAfter)}.${late}`, 'Renew the client certificate and install the new one on the device.');
      }
      return d('expired', `${alertText} ${c ? `${upper(clientDesc(r))} is valid until ${day(c.notAfter)}, so the likely cause is that the server's CRL for your CA expired (OpenSSL reports a CRL past its nextUpdate as "certificate expired"): certificate expired, or the server's CRL expired.` : 'Certificate expired, or the server\'s CRL expired.'}${late}`,
        'Publish a fresh CRL from the CA and reload it on the broker (crlfile / crl_cache_urls); check the broker\'s clock.');
    }
    case 'unknown_ca': {
      const accepts = r.tls?.acceptedCaNames.length ? ` The server accepts client certificates from: ${r.tls.acceptedCaNames.join('; ')}.` : '';
      const inter = preflight.find((p) => p.kind === 'client_intermediate_not_sent');
      // The server listed the CAs it accepts, ours is not among them, and we sent the leaf alone:
      // most likely our issuer is an intermediate under one of them that the server never saw.
      const names = r.tls?.acceptedCaNames ?? [];
      const leafOnly = r.tls?.clientCertCount === 1;
      const probableIntermediate = !inter && c && names.length > 0 && !names.includes(c.issuer) && leafOnly
        ? ` Only the certificate itself was sent: if "${c.issuer}" is an intermediate CA under one of those, the server cannot build the chain without it.`
        : '';
      return d('unknown_ca', `${alertText} It does not trust the issuer of ${clientDesc(r)}${c ? ` (${c.issuer})` : ''}.${accepts}${inter ? ` ${upper(inter.cause)}.` : ''}${probableIntermediate}${late}`,
        inter ? inter.fix
          : probableIntermediate ? 'Append the intermediate CA certificate to the client certificate file (leaf first) so it is sent, or add it to the broker\'s cafile.'
            : 'Use a client certificate issued by a CA the broker trusts, or add your CA to the broker\'s cafile (EMQX: cacertfile).');
    }
    case 'bad_certificate':
      return d('bad_certificate', `${alertText} It could not accept ${clientDesc(r)}: typically a broken signature, a wrong key usage, or a chain it cannot build.${late}`,
        'Check that the certificate has keyUsage digitalSignature and extendedKeyUsage clientAuth, that the key matches, and that intermediates are sent.');
    case 'unsupported_certificate':
      return d('bad_certificate', `${alertText} ${clientDesc(r)} is not usable for client authentication (key usage or extended key usage).${late}`,
        'Issue the client certificate with extendedKeyUsage = clientAuth and keyUsage = digitalSignature.');
    case 'certificate_unknown':
      return d('bad_certificate', `${alertText} The server rejected ${clientDesc(r)} without a specific reason.${late}`, 'Look at the broker log; check the issuer, validity and revocation of the client certificate.');
    case 'certificate_required':
      return d('certificate_required', `${alertText} The server requires a client certificate and none was sent.`, 'Give the device certificate and key (--cert and --key).');
    case 'handshake_failure':
      if (r.tls?.clientCertRequested && !r.tls.clientCertSent) {
        return d('certificate_required', `${alertText} The server asked for a client certificate and none was sent (TLS 1.2 servers report this as handshake_failure).`, 'Give the device certificate and key (--cert and --key).');
      }
      return d('handshake_failure', `${alertText} Client and server found no common parameters (TLS version, cipher suite, signature algorithm or key type).`, 'Try --tls 1.2 or --tls 1.3, and check the broker\'s ciphers and the client key type (RSA vs EC).');
    case 'protocol_version':
      return d('protocol_version', `${alertText} The server does not accept the TLS version offered.`, 'Try the other version (--tls 1.2 / --tls 1.3); TLS 1.0/1.1 are not offered by the probe.');
    case 'unrecognized_name':
      return d('handshake_failure', `${alertText} The server does not know the name sent in SNI (${r.tls?.servername ?? 'none'}).`, 'Use the host name the broker is configured for (--servername).');
    case 'decrypt_error':
      return d('key_mismatch', `${alertText} The server could not verify our handshake signature: the key probably does not belong to the certificate.`, 'Use the key that matches the client certificate.');
    case 'access_denied':
      return d('not_authorized', `${alertText} The server refused ${clientDesc(r)}: it is valid but not allowed.`, 'Check the broker\'s access rules for this certificate identity.');
    case 'internal_error':
      return d('alert', `${alertText} Something failed inside the server (for example loading its CRL or OCSP data).${late}`, 'Look at the broker log.');
    default:
      return d('alert', `${alertText}${late}`, 'Look at the broker log for the reason.');
  }
}

function serverProblems(r: ProbeResult): Diagnosis[] {
  const out: Diagnosis[] = [];
  const ch = r.chain;
  if (ch && !ch.trusted) {
    const leaf = ch.certificates[0];
    const code = ch.errorCode ?? '';
    const problems = ch.problems.join('; ');
    if (leaf && (code === 'CERT_HAS_EXPIRED' || ch.certificates.some((c) => c.validity === 'expired'))) {
      const exp = ch.certificates.find((c) => c.validity === 'expired')!;
      out.push(d('server_cert_expired', `The server's certificate chain contains an expired certificate: ${exp.subject} expired on ${day(exp.notAfter)}.`, 'Renew the broker\'s certificate and restart or reload the broker.'));
    } else if (code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || leaf?.selfSigned) {
      out.push(d('self_signed_server', `The server uses a self-signed certificate (${leaf?.subject}) that is not in the CA file.`, 'Pass that certificate with --ca if you trust it, or give the broker a certificate from your CA.'));
    } else if (/incomplete chain/.test(problems) || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' && ch.certificates.length === 1) {
      out.push(d('incomplete_server_chain', `The server's chain is incomplete: ${problems || code}.`, 'Configure the broker with the full chain (its certificate followed by the intermediate: EMQX certfile / mosquitto certfile with the chain appended), or add the intermediate to your CA file.'));
    } else {
      out.push(d('untrusted_server_chain', `The server's certificate is not trusted (${code || 'unknown reason'})${problems ? `: ${problems}` : ''}.`, r.chain?.certificates.length ? `Pass the CA that issued "${ch.certificates[ch.certificates.length - 1].issuer}" with --ca.` : 'Pass the broker\'s CA with --ca.'));
    }
  }
  if (ch && ch.trusted) {
    const order = ch.problems.find((p) => p.startsWith('wrong order'));
    if (order) {
      out.push(d('incomplete_server_chain', `The server sends its chain in the wrong order (${order.replace(/^wrong order: /, '')}). OpenSSL and Node clients reorder it; small TLS stacks on devices (mbedTLS, older wolfSSL) may not.`,
        'Configure the broker\'s certificate file as: server certificate, then its issuer, then the next issuer up.', 'warning'));
    }
  }
  const h = r.hostname;
  if (h && !h.ok) {
    out.push(d('hostname_mismatch', `The server certificate is not valid for "${h.host}": it names ${h.names.length ? h.names.join(', ') : 'no subjectAltName at all'}.`, `Connect with one of those names (or --servername NAME), or re-issue the server certificate with subjectAltName ${/^[\d.:]+$/.test(h.host) ? 'IP' : 'DNS'}:${h.host}.`));
  }
  const s = r.staple;
  if (s) {
    if (!s.present && s.mustStaple) {
      out.push(d('staple_missing', 'The server certificate is marked must-staple (TLS Feature status_request) but the server sent no OCSP staple: clients that honour must-staple refuse it.', 'Enable OCSP stapling on the broker and check that it can reach the OCSP responder.'));
    } else if (s.present && s.status === 'revoked') {
      out.push(d('staple_revoked', `The server's own OCSP staple says its certificate is revoked${s.revokedAt ? ` since ${day(s.revokedAt)}` : ''}${s.reason ? ` (${s.reason})` : ''}.`, 'Issue a new server certificate and install it on the broker.'));
    } else if (s.present && s.problems.length) {
      out.push(d('staple_invalid', `The stapled OCSP response cannot be trusted: ${s.problems.join('; ')}.`, 'Check the broker\'s OCSP issuer/responder settings (EMQX: ocsp_issuer_pem, ocsp_responder_url) and the responder\'s clock.'));
    }
  }
  return out;
}

const NOT_TLS = /WRONG_VERSION_NUMBER|wrong version number|packet length too long|unknown protocol|record layer failure|HTTP_REQUEST|http request/i;

function fromError(r: ProbeResult): Diagnosis | undefined {
  const e = r.error;
  if (!e) return undefined;
  const code = e.code ?? '';
  const where = `${r.host}:${r.port}`;
  if (code === 'ECANCELED') return d('cancelled', `The test was cancelled during step "${e.step}".`, 'Run it again.');
  if (e.step === 'dns') {
    return d('dns', `The host name "${r.host}" cannot be resolved (${code || e.message}).`, 'Check the spelling, or use the IP address.');
  }
  if (code === 'ECONNREFUSED') return d('refused', `Nothing listens on ${where}: the connection was refused.`, 'Check the port (8883 for MQTT over TLS, 8084 or 443 for MQTT over WebSocket) and that the broker is running.');
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return d('unreachable', `${where} cannot be reached (${code}).`, 'Check the address and the network route or VPN.');
  if (code === 'ETIMEDOUT') {
    switch (e.step) {
      case 'tcp': return d('timeout', `No answer to the TCP connection to ${where}: ${e.message}.`, 'A firewall may be dropping packets; check the address and port.');
      case 'tls': return d('timeout', `The server accepted the TCP connection but never answered the TLS handshake: ${e.message}.`, 'Is this a TLS port? A plain MQTT port (1883) waits silently. Use the broker\'s TLS port.');
      case 'websocket': return d('timeout', `The WebSocket upgrade got no answer: ${e.message}.`, 'Check the path (usually /mqtt) and the port.');
      case 'mqtt-connect': return d('not_mqtt', `TLS works, but the server sent no CONNACK: ${e.message}.`, 'The port may not be an MQTT listener (for MQTT over WebSocket use wss://host:port/mqtt), or the broker is overloaded.');
      case 'mqtt-roundtrip': return d('roundtrip_failed', `Connected, but the subscribe/publish round trip did not complete: ${e.message}.`, 'The broker\'s access rules may silently drop messages on certscope/probe/#: allow that topic for this client, or ignore if ACLs are intended.');
      default: return d('timeout', `Timed out: ${e.message}.`, 'Check that the server is running and reachable.');
    }
  }
  if (NOT_TLS.test(code) || NOT_TLS.test(e.message) || e.notTls) {
    return d('not_tls', `The server on ${where} does not speak TLS (${code || e.message}).`, 'Use the broker\'s TLS port (8883 / 8084), or check that TLS is enabled on this listener.');
  }
  const sent = r.alerts.find((a) => a.direction === 'sent');
  if (e.step === 'tls' && sent) {
    return d('tls_protocol_error', `The server's handshake messages are broken or unexpected: the probe gave up with its own alert ${sent.name} (${sent.number}) (${e.message}).`,
      'The port answers with something that only looks like TLS, or a middlebox mangles the connection: check the port and the server\'s TLS configuration.');
  }
  if (e.step === 'tls' && (code === 'ECONNRESET' || code === 'ECLOSED')) {
    if (r.tls?.clientCertRequested) {
      return d('rejected_after_handshake', `The server dropped the connection during the handshake without an alert, after asking for a client certificate: most likely it rejected ${clientDesc(r)} (Node-based servers close without saying why).`, 'Check the client certificate: issuer trusted by the broker, not expired, not revoked. Try --tls 1.2 and look at the broker log.');
    }
    return d('closed', `The server closed the connection during the TLS handshake (${code}).`, 'The server may limit connections or require something we did not offer; check its log.');
  }
  if (e.step === 'late-alert' || ((code === 'ECLOSED' || code === 'ECONNRESET' || code === 'EPIPE') && r.tls?.version === 'TLSv1.3' && (e.step === 'mqtt-connect' || e.step === 'websocket'))) {
    return d('rejected_after_handshake', `The server closed the connection right after the TLS 1.3 handshake without saying why. With TLS 1.3 a rejected client certificate looks exactly like this when the server sends no alert (Node-based brokers)${r.tls?.clientCertRequested ? '; it did ask for a client certificate' : ''}.`,
      'Check the client certificate (revoked? expired? issued by the CA the broker trusts?). Retry with --tls 1.2 to see an alert, or look at the broker log.');
  }
  if (code === 'ECLOSED' || code === 'ECONNRESET') {
    return d('closed', `The server closed the connection at step "${e.step}" (${e.message}).`, 'The broker may reject this client id or credentials without a CONNACK; check its log.');
  }
  if (e.step === 'websocket') {
    return d('websocket_failed', `The WebSocket upgrade failed: ${e.message}.`, /404/.test(e.message) ? 'Wrong path: MQTT over WebSocket usually lives at /mqtt.' : 'Check the URL path and that the port serves MQTT over WebSocket.');
  }
  if (/MqttFraming|not start an MQTT packet|not an MQTT CONNACK|remaining length|larger than expected/.test(e.message) || /packet/.test(e.message) && e.step === 'mqtt-connect') {
    return d('not_mqtt', `TLS works, but the server does not answer in MQTT (${e.message}).`, 'This port serves something else: check the URL (HTTP servers need wss://host:port/mqtt).');
  }
  if (code === 'ECONNACK') {
    const cn = r.mqtt?.connack;
    const c = cn?.code ?? -1;
    const v3 = cn?.answeredAs === '3.1.1';
    if ((v3 && c === 1) || c === 0x84) {
      return d('mqtt_protocol_version', `The broker refused MQTT ${r.mqtt?.version}: "${cn?.name}"${v3 && r.mqtt?.version === '5' ? ' (it answered in MQTT 3.1.1: it does not speak MQTT 5)' : ''}.`, `Use --mqtt ${r.mqtt?.version === '5' ? '3.1.1' : '5'}.`);
    }
    if ((v3 && c === 2) || c === 0x85) return d('identifier_rejected', `The broker rejected the client id "${r.mqtt?.clientId}".`, 'Use a client id the broker allows (some require it to match the certificate CN).');
    if ((v3 && c === 3) || c === 0x88 || c === 0x89) return d('server_unavailable', `The broker is unavailable: "${cn?.name}".`, 'Retry later; check the broker\'s health.');
    if ((v3 && c === 4) || c === 0x86) return d('bad_credentials', `The broker refused the user name or password: "${cn?.name}".`, 'Check --username/--password (or whether the broker expects the certificate as identity).');
    if ((v3 && c === 5) || c === 0x87) return d('not_authorized', `The broker says "not authorized"${cn?.reasonString ? ` (${cn.reasonString})` : ''}${r.mqtt?.username !== undefined ? `; user name "${r.mqtt.username}" was sent (mosquitto answers a wrong password this way too)` : ''}.`, 'The TLS part works; the broker\'s authentication/ACL refused this client: check its user, certificate-identity mapping (use_identity_as_username / peer_cert_as_username) and ACLs.');
    return d('mqtt_refused', `The broker refused the connection: CONNACK ${c} "${cn?.name}"${cn?.reasonString ? ` (${cn.reasonString})` : ''}.`, 'Check the broker log.');
  }
  if (code === 'ESUBACK') return d('not_authorized', `Connected, but ${e.message}.`, 'Allow the topic certscope/probe/# for this client, or ignore if ACLs are intended.');
  return d('unknown', `The probe failed at step "${e.step}": ${e.message}${code ? ` (${code})` : ''}.`, 'Look at the trace above and the server log.');
}
