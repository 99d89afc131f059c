// Plain-data elements of the "Certificate Authorities" view (no vscode types), the guards
// commands use to recognise a node passed as their argument, and the markdown of a certificate's
// tooltip.
import { formatDate } from '../../core/dates';
import { forMarkdown } from '../../core/present/safeText';
import { colonSerial } from '../../core/serial';
export interface CaNode {
  kind: 'ca';
  id: string;
  dir: string;
  name: string;
  subject?: string;
  notAfter?: Date;
  error?: string;
}

interface CaGroupNode {
  kind: 'caGroup';
  id: string;
  caDir: string;
  count: number;
}

export type CertStatus = 'valid' | 'revoked' | 'hold' | 'expired';

export interface CaCertNode {
  kind: 'caCert';
  id: string;
  caDir: string;
  serialHex: string;
  subject: string;
  status: CertStatus;
  expires: Date;
  reason?: string;
  revokedAt?: Date;
  /** issued/<name>/cert.pem when Certscope issued it, else certs/<SERIAL>.pem when present. */
  certPath?: string;
  /** Where index.txt and the CRLs disagree ("not yet in a CRL: publish a CRL"). */
  note?: string;
  /** The revocation answer with its evidence (the same words as hover and Problems). */
  evidence?: string;
}

export interface CaCrlNode {
  kind: 'caCrl';
  id: string;
  caDir: string;
  path?: string;
  /** Workspace-relative name of the CRL file. */
  pathLabel?: string;
  crlNumber?: string;
  thisUpdate?: Date;
  nextUpdate?: Date;
  entries: number;
  stale: boolean;
  url?: string;
  error?: string;
}

export interface CaCrlEntryNode {
  kind: 'caCrlEntry';
  id: string;
  caDir: string;
  serialHex: string;
  date: Date;
  reason?: string;
}

export type CaTreeNode = CaNode | CaGroupNode | CaCertNode | CaCrlNode | CaCrlEntryNode;

export function isCaCertNode(v: unknown): v is CaCertNode {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'caCert'
    && typeof (v as CaCertNode).caDir === 'string' && typeof (v as CaCertNode).serialHex === 'string';
}

/**
 * Tooltip markdown of an issued certificate. index.txt is workspace content (a cloned repository
 * is hostile): every field is escaped, so no link, autolink, HTML or line break comes from it.
 */
export function caCertTooltip(n: CaCertNode, status: string, relativePath?: string): string {
  return [
    `**${forMarkdown(n.subject)}**`, '', `serial ${forMarkdown(colonSerial(n.serialHex))}`, `status: ${forMarkdown(status)}`, `expires ${formatDate(n.expires)}`,
    ...(n.evidence ? [`CRL: ${forMarkdown(n.evidence)}`] : []),
    ...(relativePath ? ['', forMarkdown(relativePath)] : []),
  ].join('  \n');
}

const NODE_KINDS = new Set<unknown>(['caGroup', 'caCert', 'caCrl', 'caCrlEntry'] satisfies Array<CaTreeNode['kind']>);

/**
 * The CA folder a node of this view belongs to, when `v` is one. Commands started from the view's
 * context menu receive the node itself: this is the only thing they may take from it (a node's
 * `name` is the CA's name, never a folder name for the command to write into).
 */
export function caDirOfNode(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const n = v as { kind?: unknown; dir?: unknown; caDir?: unknown };
  if (n.kind === 'ca' && typeof n.dir === 'string') return n.dir;
  if (NODE_KINDS.has(n.kind) && typeof n.caDir === 'string') return n.caDir;
  return undefined;
}
