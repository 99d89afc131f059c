// The matrix: each case is one server setup (profile) x one client (certificate, TLS version, the
// CRL a workspace would hold), and the cause the probe must diagnose. The same table drives the
// per-stack tests and the matrix script.
import type { FailureKind } from '../../../src/core/probe/types';
import type { ClientName, StacksPki } from './pki';
import { STACK_INFO, type Profile, type RunningStack, type StackName } from './stack';

/** The causes the probe must name, one per failing case (`diagnosis[0].kind`). */
export const CONTRACT_KINDS = [
  'revoked', 'client_cert_expired', 'unknown_ca', 'certificate_required', 'server_crl_stale',
  'protocol_version', 'hostname_mismatch', 'incomplete_server_chain', 'not_tls',
] as const satisfies readonly FailureKind[];
type ContractKind = typeof CONTRACT_KINDS[number];

/** Causes a TLS-level rejection contradicts: the server never read an MQTT CONNECT. */
export const MQTT_LEVEL_KINDS: FailureKind[] = ['not_authorized', 'bad_credentials', 'identifier_rejected', 'mqtt_refused', 'server_unavailable', 'mqtt_protocol_version'];
export const MQTT_LEVEL_WORDS = /\b(client id|client identifier|credentials|user ?name or password|access rules)\b/i;

export interface MatrixCase {
  /** Stable id, e.g. "revoked/1.3". */
  id: string;
  what: string;
  profile: Profile;
  tls?: '1.2' | '1.3';
  client?: ClientName;
  /** The CRL the user's workspace holds, passed with --crl. */
  crl?: 'current' | 'stale';
  /** Ask for a stapled OCSP response (--ocsp). */
  ocsp?: boolean;
  expect: 'ok' | ContractKind;
}

const perVersion = (v: '1.2' | '1.3'): MatrixCase[] => [
  { id: `good/${v}`, what: 'good client certificate', profile: 'mtls', tls: v, client: 'good', expect: 'ok' },
  { id: `revoked/${v}`, what: 'revoked client certificate', profile: 'mtls', tls: v, client: 'revoked', crl: 'current', expect: 'revoked' },
  { id: `expired/${v}`, what: 'expired client certificate', profile: 'mtls', tls: v, client: 'expired', expect: 'client_cert_expired' },
  { id: `unknown-ca/${v}`, what: 'client certificate from an untrusted CA', profile: 'mtls', tls: v, client: 'otherCa', expect: 'unknown_ca' },
  { id: `no-cert/${v}`, what: 'no client certificate', profile: 'mtls', tls: v, expect: 'certificate_required' },
  { id: `stale-crl/${v}`, what: "server's CRL past nextUpdate, client certificate valid", profile: 'stale', tls: v, client: 'good', crl: 'stale', expect: 'server_crl_stale' },
  { id: `wrong-name/${v}`, what: 'server certificate for another name', profile: 'wrongname', tls: v, client: 'good', expect: 'hostname_mismatch' },
  { id: `leaf-only/${v}`, what: 'server sends its leaf without the intermediate', profile: 'leafonly', tls: v, expect: 'incomplete_server_chain' },
];

export const CASES: MatrixCase[] = [
  ...perVersion('1.2'),
  ...perVersion('1.3'),
  { id: 'version/server-1.2-client-1.3', what: 'server TLS 1.2 only, client TLS 1.3 only', profile: 'tls12', tls: '1.3', client: 'good', expect: 'protocol_version' },
  { id: 'version/server-1.3-client-1.2', what: 'server TLS 1.3 only, client TLS 1.2 only', profile: 'tls13', tls: '1.2', client: 'good', expect: 'protocol_version' },
  { id: 'not-tls', what: 'mqtts:// to a plain MQTT port', profile: 'plain', client: 'good', expect: 'not_tls' },
  ...(['1.2', '1.3'] as const).map((v): MatrixCase => (
    { id: `ocsp-staple/${v}`, what: 'a stapled OCSP response requested (--ocsp)', profile: 'mtls', tls: v, client: 'good', ocsp: true, expect: 'ok' })),
];

/** The cases a stack can serve. */
export function casesFor(stack: StackName): MatrixCase[] {
  const info = STACK_INFO[stack];
  return CASES.filter((c) => c.profile !== 'plain' || info.plain);
}

/**
 * What a stack's answer should be, where the stack itself decides differently from the contract:
 * gnutls-serv does not check a CRL's nextUpdate (measured: it accepts the client), so the honest
 * diagnosis there is "works".
 */
export function expectedFor(stack: StackName, c: MatrixCase): MatrixCase['expect'] {
  if (stack === 'gnutls' && c.profile === 'stale') return 'ok';
  return c.expect;
}

const A = {
  handshake_failure: '40 handshake_failure', bad_certificate: '42 bad_certificate', revoked: '44 certificate_revoked',
  expired: '45 certificate_expired', unknown_ca: '48 unknown_ca', access_denied: '49 access_denied',
  decode_error: '50 decode_error', protocol_version: '70 protocol_version', certificate_required: '116 certificate_required',
};

/**
 * The alerts each stack sends per case, as the probe receives them (measured 2026-12-02 with the
 * Debian 12 packages; DESIGN.md section 5 has the same table). "none": no alert at all (nginx
 * finishes the handshake and closes; client-side failures; plain MQTT).
 */
export function expectedWire(stack: StackName, c: MatrixCase): string {
  const v13 = c.tls === '1.3';
  const openssl: Partial<Record<ContractKind, string>> = {
    revoked: A.revoked, client_cert_expired: A.expired, unknown_ca: A.unknown_ca,
    certificate_required: v13 ? A.certificate_required : A.handshake_failure,
    server_crl_stale: A.expired, protocol_version: A.protocol_version,
  };
  const gnutlsRejects = `${A.access_denied}, ${A.bad_certificate}`;
  const byStack: Record<StackName, Partial<Record<ContractKind, string>>> = {
    openssl, mosquitto: openssl, haproxy: openssl,
    erlang: { ...openssl, server_crl_stale: A.bad_certificate },
    gnutls: {
      revoked: gnutlsRejects, client_cert_expired: gnutlsRejects, unknown_ca: gnutlsRejects,
      certificate_required: v13 ? A.certificate_required : A.decode_error,
      protocol_version: A.handshake_failure,
    },
    nginx: { protocol_version: A.protocol_version },
  };
  return c.expect === 'ok' ? 'none' : byStack[stack][c.expect] ?? 'none';
}

/** The probe's command line for a case against a running stack (without --json). */
export function probeArgs(pki: StacksPki, stack: RunningStack, c: MatrixCase): string[] {
  const port = stack.ports[c.profile];
  if (port === undefined) throw new Error(`${stack.name} has no ${c.profile} listener`);
  const scheme = c.profile === 'plain' ? 'mqtts' : stack.scheme;
  const args = [`${scheme}://127.0.0.1:${port}`, '--ca', pki.rootFile, '--timeout', '5'];
  if (c.client) args.push('--cert', pki.clients[c.client].certPath, '--key', pki.clients[c.client].keyPath);
  if (c.tls) args.push('--tls', c.tls);
  if (c.crl) args.push('--crl', pki.issuingCrl[c.crl]);
  if (c.ocsp) args.push('--ocsp');
  return args;
}
