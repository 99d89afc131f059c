// `certscope demo` end to end, through the real CLI entry point: the CA, the OCSP responder and
// the broker start, the good device connects with a good staple and the revoked one gets the
// certificate_revoked alert. Both outcomes are asserted from the command's own output.
import { strict as assert } from 'node:assert';
import { run } from '../../support/run';

const CLI = ['--import', 'tsx', 'src/cli/main.ts', 'demo'];

describe('certscope demo (end to end)', function () {
  this.timeout(90_000);

  it('text output: both traces, the alert, the diagnosis, exit 0', async () => {
    const r = await run(process.execPath, CLI, { env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const [good, revoked] = r.stdout.split(/── Device 2: CN=device-revoked ─+/);
    assert.ok(revoked, r.stdout);
    assert.match(good, /── Device 1: CN=device-good/);
    assert.match(good, /✓ Stapled OCSP response\n\s+stapled: yes\n\s+status: good/);
    assert.match(good, /MQTT 5 CONNECT -> CONNACK[\s\S]*CONNACK: 0x00 Success/);
    assert.match(good, /Result: the connection works/);
    assert.match(revoked, /ALERT certificate_revoked \(44\) received after the handshake/);
    assert.match(revoked, /It rejected your client certificate CN=device-revoked .* as revoked\. The CRL of "Certscope Demo CA" .* lists it as revoked since .*, reason keyCompromise/);
    assert.match(revoked, /Result: the connection fails/);
    assert.match(revoked, /broker: rejected CN=device-revoked: certificate revoked: .* CRL #\S+ from http:\/\/127\.0\.0\.1:\d+\/ca\.crl -> alert certificate_revoked/);
    assert.match(r.stdout, /broker \(EMQX 5 profile\) listening/);
    assert.match(r.stdout, /Demo passed/);
    // The temporary folder is gone afterwards.
    const folder = /created in (\S+)/.exec(r.stdout)?.[1];
    assert.ok(folder);
    const { existsSync } = await import('node:fs');
    assert.equal(existsSync(folder), false);
  });

  it('--json output: the two probe results with the expected outcomes', async () => {
    const r = await run(process.execPath, [...CLI, '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout) as { ok: boolean; good: { ok: boolean; staple: { status: string; signatureValid: boolean } }; revoked: { ok: boolean; alerts: Array<{ name: string; number: number }>; diagnosis: Array<{ kind: string }> } };
    assert.equal(out.ok, true);
    assert.equal(out.good.ok, true);
    assert.equal(out.good.staple.status, 'good');
    assert.equal(out.good.staple.signatureValid, true);
    assert.equal(out.revoked.ok, false);
    assert.deepEqual(out.revoked.alerts.map((a) => [a.name, a.number]), [['certificate_revoked', 44]]);
    assert.ok(out.revoked.diagnosis.some((d) => d.kind === 'revoked'));
  });
});
