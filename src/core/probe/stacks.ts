// How the TLS stacks brokers run on refuse a client (measured: DESIGN.md §5), used two ways: to
// guess the server's stack from the alerts it sent, and to say in the diagnosis how that stack
// reports a failure ("GnuTLS-based servers report a revoked certificate as access_denied").
import type { Confidence, ProbeResult, ServerStackGuess } from './types';

export type StackId = 'gnutls' | 'openssl' | 'erlang' | 'terminator';

const STACK_NAMES: Record<StackId, string> = {
  gnutls: 'GnuTLS',
  openssl: 'OpenSSL (mosquitto, HAProxy, openssl s_server) or Erlang/OTP ssl (EMQX)',
  erlang: 'Erlang/OTP ssl (EMQX)',
  terminator: 'a TLS terminator such as nginx stream, or a Node-based server',
};

/** How a stack reports each failure, in words, where it differs from the specific alert. */
const HABITS: Partial<Record<StackId, Partial<Record<string, string>>>> = {
  gnutls: {
    revoked: 'GnuTLS-based servers report a revoked certificate as access_denied (49) then bad_certificate (42)',
    client_cert_expired: 'GnuTLS-based servers report an expired certificate as access_denied (49) then bad_certificate (42)',
    unknown_ca: 'GnuTLS-based servers report a certificate from a CA they do not trust as access_denied (49) then bad_certificate (42)',
    certificate_required: 'GnuTLS-based servers report a missing client certificate on TLS 1.2 as decode_error (50)',
    protocol_version: 'GnuTLS-based servers report a TLS version mismatch as handshake_failure (40)',
    any: 'GnuTLS-based servers report every rejected client certificate (revoked, expired, unknown CA) as access_denied (49) then bad_certificate (42)',
  },
  terminator: {
    any: 'TLS terminators such as nginx stream (and Node-based servers) send no alert for a rejected client certificate, on TLS 1.2 and 1.3: they finish the handshake, check the certificate, then close',
  },
  erlang: {
    server_crl_stale: 'Erlang/OTP ssl (EMQX\'s stack) reports a CRL past its nextUpdate as bad_certificate (42)',
    any: 'Erlang/OTP ssl reports a CRL past its nextUpdate (or no usable CRL) as bad_certificate (42)',
  },
  openssl: {
    server_crl_stale: 'OpenSSL-based servers (mosquitto, HAProxy) report a CRL past its nextUpdate as certificate_expired (45)',
  },
};

/** How `stack` reports failure `kind` ("GnuTLS-based servers report a revoked certificate as access_denied ..."), if it says so differently. */
export function stackHabit(stack: StackId | undefined, kind: string): string | undefined {
  if (!stack) return undefined;
  const h = HABITS[stack];
  return h?.[kind] ?? h?.any;
}

function received(r: ProbeResult): number[] {
  return r.alerts.filter((a) => a.direction === 'received' && a.level !== 'warning').map((a) => a.number);
}

function guess(id: StackId, confidence: Confidence, evidence: string[]): ServerStackGuess & { id: StackId } {
  return { id, name: STACK_NAMES[id], confidence, evidence };
}

/** The server's stack as far as its way of refusing tells; undefined when it did not refuse. */
export function guessStack(r: ProbeResult): (ServerStackGuess & { id: StackId }) | undefined {
  const nums = received(r);
  const i49 = nums.indexOf(49);
  if (i49 >= 0 && nums.indexOf(42) > i49) return guess('gnutls', 'likely', ['access_denied (49) followed by bad_certificate (42): GnuTLS answers a rejected client certificate this way']);
  if (nums[0] === 50 && r.tls?.clientCertRequested && !r.tls.clientCertSent) return guess('gnutls', 'likely', ['decode_error (50) for a missing client certificate on TLS 1.2 is what GnuTLS sends']);
  if (nums[0] === 40 && !r.tls?.version && r.offeredTls && r.differential?.some((d) => d.handshake)) {
    return guess('gnutls', 'possible', ['handshake_failure (40) for a TLS version the server does not accept, where OpenSSL and Erlang/OTP send protocol_version (70)']);
  }
  if (nums[0] === 49) return guess('gnutls', 'possible', ['access_denied (49) for a client certificate: GnuTLS sends it (then bad_certificate)']);
  if (!nums.length && (r.closedBeforeConnect || r.error?.step === 'late-alert') && r.tls?.version) {
    return guess('terminator', r.tls.sessionTicket ? 'likely' : 'possible', [
      `the TLS ${r.tls.version.replace('TLSv', '')} handshake completed${r.tls.sessionTicket ? ' and the server sent a session ticket' : ''}, then it closed without an alert`,
    ]);
  }
  if (nums[0] === 42 && r.clientCert?.validity === 'valid' && r.revocation?.staleCrls.length) {
    return guess('erlang', 'possible', ['bad_certificate (42) for a valid client certificate while the CA\'s CRL is past its nextUpdate: Erlang/OTP reports a stale CRL this way']);
  }
  if ([44, 45, 48, 70].includes(nums[0])) return guess('openssl', 'possible', [`the specific alert ${nums[0]} is what OpenSSL-based servers and Erlang/OTP send`]);
  return undefined;
}
