// NIST PKITS: every certificate and CRL decodes; the CRLs' entry lists and the certificates'
// serials agree with the openssl CLI.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBytes, normalizeSerial } from '../../../src/core/decode/index';
import type { CertificateModel, CrlModel } from '../../../src/core/model';
import { openssl } from '../../support/run';
import { PKITS_DIR } from '../../conformance/pkitsRunner';

const ROOT = PKITS_DIR;

async function pool<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) { const i = next++; out[i] = await fn(items[i]); }
  }));
  return out;
}

describe('interop: NIST PKITS certificates and CRLs', function () {
  this.timeout(180_000);
  const certs = readdirSync(join(ROOT, 'certs')).filter((f) => f.endsWith('.crt')).sort();
  const crls = readdirSync(join(ROOT, 'crls')).filter((f) => f.endsWith('.crl')).sort();

  it(`decodes all ${certs.length} certificates (DER, sniffed) with serials and subjects as openssl prints them`, async () => {
    const problems: string[] = [];
    const views = await pool(certs, 4, (f) => openssl(['x509', '-inform', 'DER', '-in', join(ROOT, 'certs', f), '-noout', '-serial', '-subject', '-nameopt', 'RFC2253,-esc_msb']));
    certs.forEach((f, i) => {
      const items = decodeBytes(readFileSync(join(ROOT, 'certs', f)), { fileName: f });
      const r = items[0]?.result;
      if (items.length !== 1 || r?.kind !== 'certificate') { problems.push(`${f}: ${r?.kind === 'error' ? r.message : r?.kind}`); return; }
      const c = r as CertificateModel;
      const serial = normalizeSerial(/serial=(\S+)/.exec(views[i])![1]);
      const subject = /subject=(.*)/.exec(views[i])![1];
      if (c.serialHex !== serial) problems.push(`${f}: serial ${c.serialHex} vs ${serial}`);
      if (c.subject.rfc4514 !== subject) problems.push(`${f}: subject ${c.subject.rfc4514} vs ${subject}`);
    });
    assert.deepEqual(problems, []);
  });

  it(`decodes all ${crls.length} CRLs with the same revoked serials, dates and reasons as openssl crl -text`, async () => {
    const problems: string[] = [];
    const texts = await pool(crls, 4, (f) => openssl(['crl', '-inform', 'DER', '-in', join(ROOT, 'crls', f), '-noout', '-text']));
    crls.forEach((f, i) => {
      const items = decodeBytes(readFileSync(join(ROOT, 'crls', f)), { fileName: f });
      const r = items[0]?.result;
      if (items.length !== 1 || r?.kind !== 'crl') { problems.push(`${f}: ${r?.kind === 'error' ? r.message : r?.kind}`); return; }
      const crl = r as CrlModel;
      const serials = [...texts[i].matchAll(/Serial Number: (-?[0-9A-Fa-f]+)/g)].map((m) => normalizeSerial(m[1]));
      const reasons = [...texts[i].matchAll(/X509v3 CRL Reason Code:\s*\n\s*(.+)/g)].map((m) => m[1].trim());
      if (JSON.stringify(crl.entries.map((e) => e.serialHex)) !== JSON.stringify(serials)) problems.push(`${f}: serials ${crl.entries.map((e) => e.serialHex)} vs ${serials}`);
      const ourReasons = crl.entries.filter((e) => e.reason).map((e) => e.reason);
      if (ourReasons.length !== reasons.length) problems.push(`${f}: ${ourReasons.length} reasons vs openssl ${reasons.length}`);
      for (const s of serials) if (!crl.bySerial.has(s)) problems.push(`${f}: bySerial lacks ${s}`);
      const next = /Next Update: (.+)/.exec(texts[i])?.[1];
      if (next && crl.nextUpdate?.getTime() !== new Date(next).getTime()) problems.push(`${f}: nextUpdate ${crl.nextUpdate?.toISOString()} vs ${next}`);
      if (/Delta CRL Indicator/.test(texts[i]) !== (crl.deltaCrlIndicator !== undefined)) problems.push(`${f}: delta CRL indicator disagrees`);
      if (/Issuing Distribution Point/.test(texts[i]) !== (crl.issuingDistributionPoint !== undefined)) problems.push(`${f}: IDP disagrees`);
    });
    assert.deepEqual(problems, []);
  });
});
