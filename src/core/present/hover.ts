// Markdown hovers for one decoded PEM block (or DER file): the facts people look for first, plus
// workspace context (revocation by a CRL in the workspace, matching key or certificate). Never key
// material. Returns a markdown string; the extension wraps it in a MarkdownString.
import type {
  CertificateModel, CrlModel, DecodedItem, GeneralName, KeyModel, OcspResponseModel,
} from '../model';
import { formatDay } from '../dates';
import { describeRevocation } from '../revocation/evidence';
import { isStale } from '../revocation/status';
import { forMarkdown as esc } from './safeText';
import { keyDescription, kindLabel, shortName, statusOf, type SummaryContext } from './summary';
import { colonSerial } from '../serial';

export interface HoverContext extends SummaryContext {
  /** Names of workspace files holding a private key for this public key hash. */
  keyFilesFor?: (spkiSha256: string) => string[];
  /** "CN=broker (server.crt)" for certificates with this public key hash. */
  certificatesFor?: (spkiSha256: string) => string[];
  /** Short display name for a file key (basename or workspace-relative path). */
  fileLabel?: (fileKey: string) => string;
}

const STATE_ICON: Record<string, string> = {
  valid: '$(pass)', expiringSoon: '$(warning)', expired: '$(error)', notYetValid: '$(clock)', revoked: '$(error)', issuerRevoked: '$(error)',
};

export function hoverMarkdown(item: DecodedItem, ctx: HoverContext): string {
  const r = item.result;
  switch (r.kind) {
    case 'certificate': return certificateHover(r, ctx);
    case 'crl': return crlHover(r, ctx);
    case 'ocspResponse': return ocspHover(r);
    case 'privateKey': case 'publicKey': return keyHover(r, ctx);
    case 'csr': return [heading('CSR', shortName(r.subject)), table([
      ['Subject', esc(r.subject.rfc4514)], ['Key', esc(keyDescription(r.publicKey))],
      ['Signature', `${esc(r.signatureAlgorithm.name)}${r.signatureValid ? '' : ' (does not verify)'}`],
      ...sanRow(r.requestedExtensions.subjectAltName?.names),
    ])].join('\n\n');
    case 'pkcs7': return [heading('PKCS#7 bundle', ''), ...r.certificates.map((c) => `- ${esc(shortName(c.subject))} · ${esc(statusOf(c, ctx).text)}`)].join('\n\n');
    case 'pkcs12': return `${heading('PKCS#12 store', '')}\n\n${r.opened ? `${r.certificates.length} certificates, ${r.keys.length} keys` : esc(r.error ?? 'Password needed: use Certscope: Inspect to open it.')}`;
    case 'ocspRequest': return `${heading('OCSP request', '')}\n\n${r.certIds.map((c) => `- serial ${code(colonSerial(c.serialHex))}`).join('\n')}`;
    case 'error': return `**${esc(kindLabel(r))}**\n\n$(error) ${esc(r.message)}`;
  }
}

function certificateHover(c: CertificateModel, ctx: HoverContext): string {
  const s = statusOf(c, ctx);
  const flags = [c.isCA ? (c.selfSigned ? 'root CA' : 'CA') : '', c.selfSigned && !c.isCA ? 'self-signed' : ''].filter(Boolean).join(', ');
  const rows: Array<[string, string]> = [
    ['Subject', esc(c.subject.rfc4514)],
    ['Issuer', esc(c.issuer.rfc4514) + (c.selfSigned ? ' (self-signed)' : '')],
    ['Validity', `${formatDay(c.notBefore)} → ${formatDay(c.notAfter)}`],
    ['Status', `${STATE_ICON[s.state] ?? ''} ${esc(s.text)}`],
    ...sanRow(c.extensions.subjectAltName?.names),
    ['Key', esc(keyDescription(c.publicKey))],
    ['Signature', esc(c.signatureAlgorithm.name)],
    ['Serial', code(c.serialColon)],
    ['SHA-256', code(colonFingerprint(c.fingerprints.sha256))],
    ['SHA-1', code(colonFingerprint(c.fingerprints.sha1))],
  ];
  const rev = revocationLine(s, ctx);
  if (rev) rows.push(['Revocation', rev]);
  const keys = ctx.keyFilesFor?.(c.publicKey.spkiSha256) ?? [];
  if (keys.length) rows.push(['Private key', keys.map(esc).join(', ')]);
  return [heading('Certificate', shortName(c.subject) + (flags ? ` · ${flags}` : '')), table(rows)].join('\n\n');
}

/** The revocation service's answer with its evidence (absent when no workspace context was given). */
function revocationLine(s: ReturnType<typeof statusOf>, ctx: HoverContext): string | undefined {
  if (!ctx.status) return undefined;
  const label = (k: string): string => (ctx.fileLabel ? ctx.fileLabel(k) : k);
  if (s.revokedIssuer) return `$(error) ${esc(s.text)}: ${esc(describeRevocation(s.revokedIssuer.answer, label))}`;
  const icon = s.revocation.verdict === 'revoked' ? '$(error) ' : s.revocation.source?.stale ? '$(warning) ' : '';
  return icon + esc(describeRevocation(s.revocation, label));
}

function crlHover(c: CrlModel, ctx: HoverContext): string {
  const stale = isStale(c.nextUpdate, ctx.now);
  const rows: Array<[string, string]> = [
    ['Issuer', esc(c.issuer.rfc4514)],
    ['This update', formatDay(c.thisUpdate)],
    ['Next update', c.nextUpdate ? `${formatDay(c.nextUpdate)}${stale ? ' $(error) past: servers using this CRL reject every client' : ''}` : 'none'],
    ['Entries', String(c.entryCount)],
  ];
  if (c.crlNumber) rows.push(['CRL number', esc(c.crlNumber)]);
  rows.push(['Signature', esc(c.signatureAlgorithm.name)]);
  const first = c.entries.slice(0, 5).map((e) => `- ${code(colonSerial(e.serialHex))} revoked ${formatDay(e.revocationDate)}${e.reason ? ` (${esc(e.reason)})` : ''}`);
  const more = c.entries.length > 5 ? [`- … ${c.entries.length - 5} more`] : [];
  return [heading('CRL', shortName(c.issuer)), table(rows), ...(first.length ? [first.concat(more).join('\n')] : [])].join('\n\n');
}

function ocspHover(o: OcspResponseModel): string {
  if (!o.basic) return `${heading('OCSP response', o.responseStatus)}\n\nNo response data (status ${esc(o.responseStatus)}).`;
  const lines = o.basic.responses.map((r) => {
    const st = r.certStatus;
    const detail = st.status === 'revoked' ? ` ${formatDay(st.revocationTime)}${st.reason ? ` (${esc(st.reason)})` : ''}` : '';
    const next = r.nextUpdate ? `, next update ${formatDay(r.nextUpdate)}` : '';
    return `- serial ${code(colonSerial(r.certId.serialHex))}: **${esc(st.status)}**${detail} (this update ${formatDay(r.thisUpdate)}${next})`;
  });
  const responder = o.basic.responderId.byName ? esc(o.basic.responderId.byName.rfc4514) : `key hash ${code(o.basic.responderId.byKeyHashHex ?? '?')}`;
  return [heading('OCSP response', o.responseStatus), `Responder ${responder}, produced ${formatDay(o.basic.producedAt)}`, lines.join('\n')].join('\n\n');
}

function keyHover(k: KeyModel, ctx: HoverContext): string {
  const rows: Array<[string, string]> = [['Format', esc(k.format)]];
  if (k.encrypted) rows.push(['Type', 'encrypted (password needed to see the public part)']);
  else rows.push(['Type', esc(keyDescription(k.publicKey))]);
  if (k.publicKey) {
    rows.push(['SPKI SHA-256', code(colonFingerprint(k.publicKey.spkiSha256))]);
    const certs = ctx.certificatesFor?.(k.publicKey.spkiSha256);
    if (certs) rows.push(['Certificate', certs.length ? certs.map(esc).join(', ') : 'no matching certificate in the workspace']);
  }
  return [heading(k.kind === 'privateKey' ? 'Private key' : 'Public key', ''), table(rows)].join('\n\n');
}

function sanRow(names: GeneralName[] | undefined): Array<[string, string]> {
  if (!names || names.length === 0) return [];
  const shown = names.slice(0, 12).map((n) => `${esc(n.type.toUpperCase())}\\:${esc(n.value)}`);
  return [['SANs', shown.join(', ') + (names.length > 12 ? `, … ${names.length - 12} more` : '')]];
}

function heading(kind: string, title: string): string {
  return `**${kind}**${title ? ` ${esc(title)}` : ''}`;
}

/** Rows are markdown already: every value from the file went through esc (forMarkdown). */
function table(rows: Array<[string, string]>): string {
  return ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}

/** A code span for hex (serials, fingerprints); anything else is escaped instead. */
function code(hex: string): string {
  return /^[0-9A-Fa-f:]*$/.test(hex) ? `\`${hex}\`` : esc(hex);
}

/** "AB:CD:..." from lowercase hex (with or without colons). */
export function colonFingerprint(hex: string): string {
  return hex.replace(/:/g, '').toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

