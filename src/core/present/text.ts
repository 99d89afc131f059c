// The readable document: what `openssl x509 -text` users expect, but with statuses spelled out
// (valid / expired / stale CRL), names in RFC 4514 form and every extension decoded. Key material
// is never printed: keys show type, size and the public-key fingerprint only.
import { OID } from '../oids';
import { formatDate } from '../dates';
import { formatGeneralName } from '../x509/generalName';
import { certStatus, type CertState, type CertStatus } from '../revocation/certStatus';
import { describeRevocation } from '../revocation/evidence';
import type {
  CertificateExtensions, CertificateModel, CrlModel, CsrModel, DecodedItem, DecodedObject, GeneralName, KeyModel, OcspCertId,
  OcspRequestModel, OcspResponseModel, Pkcs12Model, Pkcs7Model, PublicKeyInfo,
} from '../model';
import { forTerminal } from './safeText';
import { colonSerial } from '../serial';

export interface TextOptions {
  now: Date;
  fileName?: string;
  /** CRL entries listed before "... and N more" (default 50). */
  maxCrlEntries?: number;
  /** Workspace status (revocation with evidence); without it the status is the validity dates only. */
  status?: (cert: CertificateModel) => CertStatus;
  /** Short names for the files evidence lives in. */
  fileLabel?: (fileKey: string) => string;
}

class Out {
  readonly lines: string[] = [];
  /** Every line goes through forTerminal: names, SANs and messages come from the file. */
  line(indent: number, text: string): void {
    this.lines.push('  '.repeat(indent) + forTerminal(text));
  }
  field(indent: number, name: string, value: string | number | undefined): void {
    if (value === undefined || value === '') return;
    this.line(indent, `${(name + ':').padEnd(22)} ${value}`);
  }
}

function names(list: GeneralName[]): string {
  return list.map(formatGeneralName).join(', ');
}

function keyText(k: PublicKeyInfo): string {
  const size = k.algorithm === 'EC' ? k.curve : k.bits !== undefined ? `${k.bits} bit` : undefined;
  return size ? `${k.algorithm} ${size}` : k.algorithm === 'unknown' ? k.algorithmOid : k.algorithm;
}

function publicKey(o: Out, indent: number, k: PublicKeyInfo): void {
  o.field(indent, 'Public key', keyText(k));
  o.field(indent, 'SPKI SHA-256', k.spkiSha256);
}

function extensions(o: Out, indent: number, ext: CertificateExtensions): void {
  if (ext.all.length === 0) return;
  o.line(indent, 'Extensions:');
  const i = indent + 1;
  const crit = (c: boolean | undefined): string => (c ? ' (critical)' : '');
  for (const e of ext.all) {
    const c = crit(e.critical);
    if (e.error) { o.field(i, `${e.name}${c}`, `undecodable (${e.error}): ${e.valueHex}`); continue; }
    switch (e.oid) {
      case OID.basicConstraints: {
        const bc = ext.basicConstraints;
        if (bc) o.field(i, `Basic constraints${c}`, `CA: ${bc.ca ? 'yes' : 'no'}${bc.pathLen !== undefined ? `, path length ${bc.pathLen}` : ''}`);
        break;
      }
      case OID.keyUsage: o.field(i, `Key usage${c}`, ext.keyUsage?.usages.join(', ') || '(none)'); break;
      case OID.extKeyUsage: o.field(i, `Extended key usage${c}`, ext.extKeyUsage?.usages.join(', ')); break;
      case OID.subjectAltName: o.field(i, `Subject alt names${c}`, names(ext.subjectAltName?.names ?? [])); break;
      case OID.issuerAltName: o.field(i, `Issuer alt names${c}`, names(ext.issuerAltName?.names ?? [])); break;
      case OID.subjectKeyIdentifier: o.field(i, `Subject key id${c}`, ext.subjectKeyIdHex); break;
      case OID.authorityKeyIdentifier: {
        const a = ext.authorityKeyId;
        o.field(i, `Authority key id${c}`, [a?.keyIdHex, a?.issuer ? `issuer ${names(a.issuer)}` : undefined, a?.serialHex ? `serial ${colonSerial(a.serialHex)}` : undefined].filter(Boolean).join(', '));
        break;
      }
      case OID.authorityInfoAccess: {
        const aia = ext.authorityInfoAccess;
        o.line(i, `Authority info access${c}:`);
        for (const u of aia?.ocsp ?? []) o.field(i + 1, 'OCSP', u);
        for (const u of aia?.caIssuers ?? []) o.field(i + 1, 'CA issuers', u);
        break;
      }
      case OID.crlDistributionPoints: {
        o.line(i, `CRL distribution points${c}:`);
        for (const dp of ext.crlDistributionPoints ?? []) {
          o.line(i + 1, `- ${names(dp.names) || '(no name)'}${dp.reasons ? ` reasons: ${dp.reasons.join(', ')}` : ''}${dp.crlIssuer ? ` CRL issuer: ${names(dp.crlIssuer)}` : ''}`);
        }
        break;
      }
      case OID.certificatePolicies: {
        o.line(i, `Certificate policies${c}:`);
        for (const p of ext.certificatePolicies ?? []) {
          o.line(i + 1, `- ${p.oid === OID.anyPolicy ? 'anyPolicy' : p.oid}${p.cps.length ? ` CPS: ${p.cps.join(', ')}` : ''}${p.userNotices.length ? ` notice: ${p.userNotices.map((n) => JSON.stringify(n)).join(', ')}` : ''}`);
        }
        break;
      }
      case OID.policyMappings:
        o.field(i, `Policy mappings${c}`, ext.policyMappings?.map((m) => `${m.issuerDomainPolicy} -> ${m.subjectDomainPolicy}`).join(', '));
        break;
      case OID.policyConstraints: {
        const pc = ext.policyConstraints;
        o.field(i, `Policy constraints${c}`, [pc?.requireExplicitPolicy !== undefined ? `requireExplicitPolicy ${pc.requireExplicitPolicy}` : '', pc?.inhibitPolicyMapping !== undefined ? `inhibitPolicyMapping ${pc.inhibitPolicyMapping}` : ''].filter(Boolean).join(', '));
        break;
      }
      case OID.inhibitAnyPolicy: o.field(i, `Inhibit anyPolicy${c}`, ext.inhibitAnyPolicy); break;
      case OID.nameConstraints: {
        const nc = ext.nameConstraints;
        o.line(i, `Name constraints${c}:`);
        if (nc?.permitted.length) o.field(i + 1, 'Permitted', names(nc.permitted));
        if (nc?.excluded.length) o.field(i + 1, 'Excluded', names(nc.excluded));
        break;
      }
      case OID.tlsFeature:
        o.field(i, `TLS feature${c}`, `${ext.tlsFeature?.features.join(', ')}${ext.tlsFeature?.mustStaple ? ' (OCSP must-staple)' : ''}`);
        break;
      case OID.signedCertificateTimestampList:
        o.field(i, `SCT list${c}`, `${ext.sct?.count} timestamp(s)`);
        for (const id of ext.sct?.logIdsHex ?? []) o.field(i + 1, 'Log id', id);
        break;
      default:
        o.field(i, `${e.name === e.oid ? `Unknown ${e.oid}` : e.name}${c}`, e.valueHex);
    }
  }
}

const STATE_WORD: Record<CertState, string> = {
  valid: 'VALID', expiringSoon: 'VALID', expired: 'EXPIRED', notYetValid: 'NOT YET VALID', revoked: 'REVOKED', issuerRevoked: 'INVALID',
};

function certificate(o: Out, indent: number, c: CertificateModel, opts: TextOptions): void {
  const now = opts.now;
  // With workspace context the status is the revocation service's (the same as tree and hover).
  const s = opts.status ? opts.status(c) : certStatus(c, now, 0);
  o.field(indent, 'Subject', c.subject.rfc4514 || '(empty)');
  o.field(indent, 'Issuer', c.issuer.rfc4514 || '(empty)');
  o.field(indent, 'Status', `${STATE_WORD[s.state]}, ${s.text} (at ${formatDate(now)})`);
  if (opts.status) {
    const label = opts.fileLabel ?? ((k: string): string => k);
    o.field(indent, 'Revocation', s.revokedIssuer ? `issuing CA ${describeRevocation(s.revokedIssuer.answer, label)}` : describeRevocation(s.revocation, label));
  }
  o.field(indent, 'Not before', formatDate(c.notBefore));
  o.field(indent, 'Not after', formatDate(c.notAfter));
  o.field(indent, 'Serial', c.serialColon);
  o.field(indent, 'Version', c.version);
  o.field(indent, 'Signature algorithm', c.signatureAlgorithm.name);
  publicKey(o, indent, c.publicKey);
  o.field(indent, 'Type', [c.isCA ? 'CA' : 'end entity', c.selfSigned ? 'self-signed' : c.subject.derHex === c.issuer.derHex ? 'self-issued (signature does not verify with its own key)' : ''].filter(Boolean).join(', '));
  o.field(indent, 'SHA-256 fingerprint', c.fingerprints.sha256);
  o.field(indent, 'SHA-1 fingerprint', c.fingerprints.sha1);
  extensions(o, indent, c.extensions);
}

function crl(o: Out, indent: number, c: CrlModel, now: Date, max: number): void {
  const stale = c.nextUpdate !== undefined && c.nextUpdate.getTime() < now.getTime();
  o.field(indent, 'Issuer', c.issuer.rfc4514);
  o.field(indent, 'Status', c.nextUpdate === undefined ? 'no nextUpdate' : stale ? `STALE: nextUpdate passed ${Math.floor((now.getTime() - c.nextUpdate.getTime()) / 86_400_000)} day(s) ago (at ${formatDate(now)})` : `current (at ${formatDate(now)})`);
  o.field(indent, 'This update', formatDate(c.thisUpdate));
  o.field(indent, 'Next update', c.nextUpdate ? formatDate(c.nextUpdate) : undefined);
  o.field(indent, 'Version', c.version);
  o.field(indent, 'CRL number', c.crlNumber);
  o.field(indent, 'Delta CRL indicator', c.deltaCrlIndicator);
  o.field(indent, 'Authority key id', c.authorityKeyIdHex);
  o.field(indent, 'Signature algorithm', c.signatureAlgorithm.name);
  const idp = c.issuingDistributionPoint;
  if (idp) {
    const flags = [idp.onlyUser && 'only user certs', idp.onlyCA && 'only CA certs', idp.onlyAttribute && 'only attribute certs', idp.indirect && 'indirect'].filter(Boolean);
    o.field(indent, 'Issuing dist. point', [names(idp.names), ...flags, idp.onlySomeReasons ? `reasons: ${idp.onlySomeReasons.join(', ')}` : ''].filter(Boolean).join('; ') || '(present)');
  }
  for (const e of c.extensions) {
    if (!([OID.crlNumber, OID.deltaCrlIndicator, OID.authorityKeyIdentifier, OID.issuingDistributionPoint] as string[]).includes(e.oid) || e.error) o.field(indent, `${e.name}${e.critical ? ' (critical)' : ''}`, e.error ? `undecodable (${e.error}): ${e.valueHex}` : e.valueHex);
  }
  o.field(indent, 'Revoked certificates', c.entryCount);
  for (const e of c.entries.slice(0, max)) {
    const extra = [e.reason, e.invalidityDate ? `invalid since ${formatDate(e.invalidityDate)}` : '', e.certificateIssuer ? `issuer ${names(e.certificateIssuer)}` : ''].filter(Boolean).join(', ');
    o.line(indent + 1, `${colonSerial(e.serialHex).padEnd(20)} ${formatDate(e.revocationDate)}${extra ? `  ${extra}` : ''}`);
  }
  if (c.entryCount > max) o.line(indent + 1, `... and ${c.entryCount - max} more (use --json for all)`);
}

function certId(o: Out, indent: number, id: OcspCertId): void {
  o.field(indent, 'Serial', colonSerial(id.serialHex));
  o.field(indent, 'Issuer name hash', `${id.issuerNameHashHex} (${id.hashAlgorithm})`);
  o.field(indent, 'Issuer key hash', id.issuerKeyHashHex);
}

function ocspResponse(o: Out, indent: number, r: OcspResponseModel, opts: TextOptions): void {
  const now = opts.now;
  o.field(indent, 'Response status', r.responseStatus);
  const b = r.basic;
  if (!b) return;
  o.field(indent, 'Responder', b.responderId.byName ? b.responderId.byName.rfc4514 : `key hash ${b.responderId.byKeyHashHex}`);
  o.field(indent, 'Produced at', formatDate(b.producedAt));
  o.field(indent, 'Nonce', b.nonceHex ?? '(none)');
  o.field(indent, 'Signature algorithm', b.signatureAlgorithm.name);
  for (const [n, s] of b.responses.entries()) {
    const st = s.certStatus;
    const status = st.status === 'revoked' ? `REVOKED at ${formatDate(st.revocationTime)}${st.reason ? `, reason ${st.reason}` : ''}` : st.status.toUpperCase();
    o.line(indent, `Response ${n + 1}: ${status}`);
    certId(o, indent + 1, s.certId);
    o.field(indent + 1, 'This update', formatDate(s.thisUpdate));
    const stale = s.nextUpdate && s.nextUpdate.getTime() < now.getTime() ? ' (STALE)' : '';
    o.field(indent + 1, 'Next update', s.nextUpdate ? formatDate(s.nextUpdate) + stale : '(none)');
  }
  for (const [n, c] of b.certificates.entries()) {
    o.line(indent, `Embedded certificate ${n + 1}:`);
    certificate(o, indent + 1, c, opts);
  }
}

function ocspRequest(o: Out, indent: number, r: OcspRequestModel): void {
  o.field(indent, 'Signed', r.signed ? 'yes' : 'no');
  o.field(indent, 'Nonce', r.nonceHex ?? '(none)');
  if (r.requestorName) o.field(indent, 'Requestor', formatGeneralName(r.requestorName));
  for (const [n, id] of r.certIds.entries()) {
    o.line(indent, `Request ${n + 1}:`);
    certId(o, indent + 1, id);
  }
}

function csr(o: Out, indent: number, c: CsrModel): void {
  o.field(indent, 'Subject', c.subject.rfc4514 || '(empty)');
  o.field(indent, 'Signature', c.signatureValid ? 'valid' : 'INVALID (does not verify with the enclosed key)');
  o.field(indent, 'Signature algorithm', c.signatureAlgorithm.name);
  publicKey(o, indent, c.publicKey);
  if (c.requestedExtensions.all.length) {
    o.line(indent, 'Requested:');
    extensions(o, indent + 1, c.requestedExtensions);
  }
}

function key(o: Out, indent: number, k: KeyModel): void {
  o.field(indent, 'Format', k.format);
  o.field(indent, 'Encrypted', k.encrypted ? 'yes' : 'no');
  if (k.publicKey) publicKey(o, indent, k.publicKey);
  else o.line(indent, '(public part not visible: encrypted; give the password to see it)');
}

const TITLES: Record<DecodedObject['kind'], string> = {
  certificate: 'Certificate', crl: 'Certificate revocation list', ocspResponse: 'OCSP response', ocspRequest: 'OCSP request',
  csr: 'Certificate request', privateKey: 'Private key (secret not shown)', publicKey: 'Public key', pkcs7: 'PKCS#7 bundle', pkcs12: 'PKCS#12 file',
};

function object(o: Out, indent: number, r: DecodedObject, opts: TextOptions): void {
  const max = opts.maxCrlEntries ?? 50;
  switch (r.kind) {
    case 'certificate': return certificate(o, indent, r, opts);
    case 'crl': return crl(o, indent, r, opts.now, max);
    case 'ocspResponse': return ocspResponse(o, indent, r, opts);
    case 'ocspRequest': return ocspRequest(o, indent, r);
    case 'csr': return csr(o, indent, r);
    case 'privateKey': case 'publicKey': return key(o, indent, r);
    case 'pkcs7': return bundle(o, indent, r, opts);
    case 'pkcs12': return pkcs12(o, indent, r, opts);
  }
}

function bundle(o: Out, indent: number, p: Pkcs7Model, opts: TextOptions): void {
  o.field(indent, 'Contents', `${p.certificates.length} certificate(s), ${p.crls.length} CRL(s)`);
  for (const [n, c] of p.certificates.entries()) { o.line(indent, `Certificate ${n + 1}:`); certificate(o, indent + 1, c, opts); }
  for (const [n, c] of p.crls.entries()) { o.line(indent, `CRL ${n + 1}:`); crl(o, indent + 1, c, opts.now, opts.maxCrlEntries ?? 50); }
}

function pkcs12(o: Out, indent: number, p: Pkcs12Model, opts: TextOptions): void {
  o.field(indent, 'Opened', p.opened ? 'yes' : `no: ${p.error}`);
  if (p.opened && p.error) o.field(indent, 'Note', p.error);
  if (!p.opened) return;
  o.field(indent, 'Contents', `${p.certificates.length} certificate(s), ${p.keys.length} key(s)`);
  for (const [n, c] of p.certificates.entries()) { o.line(indent, `Certificate ${n + 1}:`); certificate(o, indent + 1, c, opts); }
  for (const [n, k] of p.keys.entries()) { o.line(indent, `Key ${n + 1} (secret not shown):`); key(o, indent + 1, k); }
}

function where(item: DecodedItem): string {
  const r = item.range;
  return r.endLine > r.startLine ? `lines ${r.startLine + 1}-${r.endLine}` : 'DER';
}

/** The readable document for the items of one file. */
export function renderText(items: DecodedItem[], options: TextOptions): string {
  const o = new Out();
  const file = options.fileName ?? 'input';
  if (items.length === 0) o.line(0, `${file}: no PEM block or DER object found`);
  for (const item of items) {
    if (o.lines.length > 0) o.line(0, '');
    const r = item.result;
    const r0 = item.range;
    const head = r0.endLine > r0.startLine ? `${file}: block ${r0.block + 1} (${item.label}), ${where(item)}` : `${file} (${item.label})`;
    if (r.kind === 'error') {
      o.line(0, `${head}: ERROR`);
      o.line(1, r.message);
      continue;
    }
    o.line(0, `${TITLES[r.kind]}  [${head}]`);
    object(o, 1, r, options);
  }
  return o.lines.join('\n') + '\n';
}
