// The evidence-based diagnosis, recomputed on probe results captured from GnuTLS, nginx stream,
// Erlang/OTP ssl and mosquitto (fixtures/capture-stacks.ts). What the evidence supports comes
// first with its confidence; what it contradicts is never named; without evidence the candidates
// come ranked as 'possible'. Evidence is removed from a real result to show each rule matters.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diagnose } from '../../../src/core/probe/diagnose';
import type { Diagnosis, ProbeContext, ProbeResult } from '../../../src/core/probe/types';

const dir = join(__dirname, 'fixtures', 'results', 'stacks');

interface Captured {
  result: ProbeResult;
  preflight: Diagnosis[];
}

function load(name: string): Captured {
  return JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Captured;
}

function run(c: Captured, context?: ProbeContext): Diagnosis[] {
  return diagnose(c.result, c.preflight, context);
}

const CONTRACT = ['revoked', 'client_cert_expired', 'unknown_ca', 'certificate_required', 'server_crl_stale', 'protocol_version', 'hostname_mismatch', 'incomplete_server_chain', 'not_tls'];

/** fixture -> first kind, its confidence, phrases its cause must hold. */
const EXPECTED: Record<string, { kind: string; confidence: string; cause: RegExp[] }> = {
  'gnutls-revoked-1.2': { kind: 'revoked', confidence: 'likely', cause: [/access_denied \(49\) \(then bad_certificate \(42\)\)/, /GnuTLS-based servers report a revoked certificate as access_denied/, /issuing-current\.crl\.pem\) lists it/] },
  'gnutls-revoked-1.3': { kind: 'revoked', confidence: 'likely', cause: [/after the handshake/, /GnuTLS-based servers report a revoked certificate/] },
  'gnutls-expired-1.2': { kind: 'client_cert_expired', confidence: 'likely', cause: [/GnuTLS-based servers report an expired certificate/, /expired on 2021-01-01/] },
  'gnutls-unknown-ca-1.3': { kind: 'unknown_ca', confidence: 'likely', cause: [/CN=Untrusted Other CA/, /accepts client certificates from: .*OCSP Test/] },
  'gnutls-no-cert-1.2': { kind: 'certificate_required', confidence: 'likely', cause: [/decode_error \(50\)/, /missing client certificate on TLS 1\.2 as decode_error/] },
  'gnutls-version-server-1.2-client-1.3': { kind: 'protocol_version', confidence: 'likely', cause: [/handshake_failure \(40\)/, /does not accept TLS 1\.3 \(TLS 1\.2 gets through the handshake\)/] },
  'nginx-revoked-1.2': { kind: 'revoked', confidence: 'likely', cause: [/closed the connection right after the TLS handshake without an alert, before it could have read CONNECT/, /TLS terminators such as nginx stream/] },
  'nginx-revoked-1.3': { kind: 'revoked', confidence: 'likely', cause: [/before it could have read CONNECT/] },
  'nginx-unknown-ca-1.2': { kind: 'unknown_ca', confidence: 'likely', cause: [/without an alert/, /CN=Untrusted Other CA/] },
  'nginx-expired-1.3': { kind: 'client_cert_expired', confidence: 'likely', cause: [/expired on 2021-01-01/] },
  'nginx-no-cert-1.3': { kind: 'certificate_required', confidence: 'likely', cause: [/none was sent/] },
  'nginx-stale-crl-1.3': { kind: 'server_crl_stale', confidence: 'likely', cause: [/past its nextUpdate \(CRL (#\d+ )?of OCSP Test Issuing CA \(issuing-stale\.crl\.pem\)/] },
  'nginx-not-tls': { kind: 'not_tls', confidence: 'certain', cause: [/does not speak TLS: it is a plain MQTT listener/] },
  'erlang-stale-crl-1.2': { kind: 'server_crl_stale', confidence: 'likely', cause: [/bad_certificate \(42\)/, /Erlang\/OTP ssl \(EMQX's stack\) reports a CRL past its nextUpdate as bad_certificate/] },
  'erlang-revoked-1.3': { kind: 'revoked', confidence: 'certain', cause: [/certificate_revoked \(44\)/] },
  'mosquitto-revoked-1.3': { kind: 'revoked', confidence: 'certain', cause: [/certificate_revoked \(44\)/] },
};

describe('evidence-based diagnosis on results captured from other TLS stacks', () => {
  for (const [name, exp] of Object.entries(EXPECTED)) {
    it(`${name} -> ${exp.kind} (${exp.confidence})`, () => {
      const ds = run(load(name));
      const [first] = ds;
      assert.equal(first.kind, exp.kind, JSON.stringify(ds, null, 1));
      assert.equal(first.confidence, exp.confidence);
      for (const re of exp.cause) assert.match(first.cause, re);
      assert.ok(first.evidence.length > 0, 'the cause comes with its evidence');
      // Nothing the setup contradicts: no second contract cause, no MQTT-level blame for a TLS refusal.
      for (const d of ds) {
        if (CONTRACT.includes(d.kind)) assert.equal(d.kind, exp.kind, `also names ${d.kind}`);
        if (d.severity === 'error') assert.doesNotMatch(d.cause, /client id|credentials|user ?name or password|access rules/i);
      }
    });
  }

  it('every captured stack result has an expectation or is a success', () => {
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
      const name = f.replace(/\.json$/, '');
      assert.ok(name in EXPECTED || load(name).result.ok, `${name} has no expectation`);
    }
  });

  it('GnuTLS access_denied + bad_certificate without a CRL at hand: possible, several ranked candidates, no certain cause', () => {
    const c = load('gnutls-revoked-1.2');
    delete c.result.revocation;
    const ds = run(c);
    assert.ok(ds.filter((d) => d.severity === 'error').every((d) => d.confidence !== 'certain'), JSON.stringify(ds.map((d) => [d.kind, d.confidence])));
    assert.equal(ds[0].confidence, 'possible');
    // The server's CertificateRequest lists the client's CA: "unknown CA" is contradicted, not named.
    assert.match(ds[0].cause, /in order of likelihood: the certificate is revoked; the server's CRL for your CA is missing or past its nextUpdate\./);
    assert.deepEqual(ds.filter((d) => d.severity === 'error').map((d) => d.kind), ['bad_certificate', 'revoked', 'server_crl_stale']);
    // The server lists the client's issuer: the pre-flight "does not chain to the CA file" is moot.
    assert.ok(c.preflight.some((p) => p.kind === 'client_chain_not_to_ca'));
    assert.ok(!ds.some((d) => d.kind === 'client_chain_not_to_ca'));
    assert.equal(c.result.serverStack?.name, 'GnuTLS');
  });

  it('a CRL that says "good" rules out revocation: the candidate is not named', () => {
    const c = load('gnutls-revoked-1.2');
    c.result.revocation = { status: 'good', source: 'CRL #2 of OCSP Test Issuing CA (issuing.crl.pem)', staleCrls: [], checked: [] };
    const ds = run(c);
    assert.ok(!ds.some((d) => d.kind === 'revoked'), JSON.stringify(ds.map((d) => d.kind)));
  });

  it('nginx silent close without a CRL at hand: possible candidates, the differential probes reported', () => {
    const c = load('nginx-revoked-1.3');
    delete c.result.revocation;
    const ds = run(c);
    assert.equal(ds[0].kind, 'rejected_after_handshake');
    assert.equal(ds[0].confidence, 'possible');
    assert.ok(ds[0].evidence.some((e) => /^without the client certificate: /.test(e)), ds[0].evidence.join('|'));
    assert.equal(c.result.serverStack?.confidence, 'likely');
    assert.match(c.result.serverStack?.name ?? '', /nginx stream/);
  });

  it('a plain MQTT port without the differential probe: not_tls only as a possibility', () => {
    const c = load('nginx-not-tls');
    assert.ok(c.result.differential?.some((d) => d.plainMqtt));
    delete c.result.differential;
    const ds = run(c);
    assert.equal(ds[0].kind, 'not_tls');
    assert.equal(ds[0].confidence, 'possible');
  });

  it('a version mismatch answered with handshake_failure and no differential probe: protocol_version is only possible', () => {
    const c = load('gnutls-version-server-1.2-client-1.3');
    delete c.result.differential;
    const [first] = run(c);
    assert.equal(first.kind, 'protocol_version');
    assert.equal(first.confidence, 'possible');
  });

  it('GnuTLS ignores a stale CRL: the connection works and the stale CRL comes first, as a warning', () => {
    const c = load('gnutls-stale-crl-1.3');
    const ds = run(c);
    assert.equal(c.result.ok, true);
    assert.equal(ds[0].kind, 'server_crl_stale');
    assert.equal(ds[0].severity, 'warning');
    assert.ok(!ds.some((d) => d.severity === 'error'));
  });

  it('fixes name CLI flags by default and the form\'s fields in the Connection Test', () => {
    const cli = run(load('nginx-no-cert-1.3'))[0];
    assert.match(cli.fix, /--cert and --key/);
    const form = run(load('nginx-no-cert-1.3'), { surface: 'form' })[0];
    assert.match(form.fix, /the "Client certificate" field and the "Client key" field/);
    assert.doesNotMatch(form.fix, /--/);
  });

  it('mosquitto: a working connection with a staple requested gets no stapling advice (mosquitto cannot staple)', () => {
    const c = load('mosquitto-good-1.3');
    c.result.staple = { requested: true, present: false, mustStaple: false, problems: [] };
    assert.ok(!run(c).some((d) => /stapl/i.test(d.cause + d.fix)));
  });

  it('a key type the CertificateRequest does not accept is named from the signature algorithms; a matching one is not', () => {
    const c = load('gnutls-revoked-1.2');
    delete c.result.revocation;
    c.result.tls!.acceptedSignatureAlgorithms = ['ecdsa_secp256r1_sha256', 'ecdsa_secp384r1_sha384'];
    c.result.clientCert!.keyType = 'RSA';
    const [first] = run(c);
    assert.equal(first.kind, 'handshake_failure');
    assert.equal(first.confidence, 'likely');
    assert.match(first.cause, /accepts client signatures made with ec keys only, and your client certificate .* has a RSA key/);
    const d = load('gnutls-revoked-1.2');
    delete d.result.revocation;
    d.result.tls!.acceptedSignatureAlgorithms = ['ecdsa_secp256r1_sha256'];
    d.result.clientCert!.keyType = 'EC';
    assert.ok(!run(d).some((x) => x.kind === 'handshake_failure'));
  });
});
