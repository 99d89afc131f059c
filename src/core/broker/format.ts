// One line of plain text per broker event, for the CLI and the extension's output channel.
// Client ids, topics, subjects and peer messages are escaped (forTerminal): a client id holding a
// newline or an ANSI sequence must not forge or repaint a log line.
import { forTerminal as safe } from '../present/safeText';
import type { BrokerEvent, BrokerState } from './types';
import { formatClock, formatDate } from '../dates';
import type { OcspServerEvent } from '../ocsp/server';
import { colonSerial } from '../serial';
import { crlNumberText } from '../revocation/evidence';

type BrokerLogLevel = 'info' | 'warn' | 'error' | 'debug';

/** One broker event in words: a head line and, for a refusal or a note, the detail under it. */
export interface BrokerEventLine {
  level: BrokerLogLevel;
  head: string;
  detail?: string;
}

/**
 * The one wording of a request to the OCSP responder, for `certscope ocsp serve` and the
 * extension's broker log: "POST from 127.0.0.1:5000 -> 200 successful (0a:1b good)".
 */
export function ocspRequestLine(e: OcspServerEvent): string {
  const answers = e.answers?.length ? ` (${e.answers.map((a) => `${colonSerial(a.serialHex)} ${a.status}`).join(', ')})` : '';
  return safe(`${e.method} from ${e.remote} -> ${e.httpStatus}${e.responseStatus ? ` ${e.responseStatus}` : ''}${answers}${e.error ? `: ${e.error}` : ''}`);
}

/**
 * The one wording of a broker event, for the CLI and the extension's "Certscope Broker" log alike
 * (no time: each adds its own clock). Every peer-controlled part is escaped. `levelInText` puts a
 * warning's level into the text, for outputs that have no level column (the CLI).
 */
export function brokerEventLine(e: BrokerEvent, opts: { levelInText?: boolean } = {}): BrokerEventLine {
  switch (e.type) {
    case 'listening':
      return { level: 'info', head: `listening  ${e.transport === 'mqtts' ? 'mqtts://' : 'wss://'}${e.address}:${e.port}` };
    case 'connection': {
      const who = e.clientCert ? ` ${safe(e.clientCert.subject)} (serial ${safe(e.clientCert.serial)})` : ' (no client certificate)';
      const head = `${e.outcome === 'accepted' ? 'ACCEPTED' : 'REJECTED'}   ${e.transport} ${safe(e.remoteAddress)}:${e.remotePort} ${safe(e.tlsVersion || '?')} ${safe(e.cipher)}${who}`;
      if (e.outcome === 'accepted') return { level: 'info', head, ...(e.note ? { detail: `note: ${safe(e.note)}` } : {}) };
      const alert = e.alert ? ` -> alert ${e.alert.name} (${e.alert.code})${e.alert.sent ? '' : ` NOT sent: ${safe(e.alert.note ?? 'unknown reason')}`}` : '';
      return { level: 'warn', head, detail: `${safe(e.reason ?? e.verifyError ?? 'refused')}${alert}` };
    }
    case 'handshakeFailed':
      return { level: 'warn', head: `TLS FAILED ${e.transport} ${safe(e.remoteAddress)}:${e.remotePort}: ${safe(e.message)}` };
    case 'mqtt':
      return { level: e.action === 'error' || e.action === 'revoked' ? 'warn' : 'debug', head: `mqtt       ${e.action} ${safe(e.clientId)}${e.detail ? ` ${safe(e.detail)}` : ''}` };
    case 'log':
      return { level: e.level, head: `${e.source.padEnd(6)}     ${opts.levelInText && e.level !== 'info' ? `${e.level.toUpperCase()}: ` : ''}${safe(e.message)}` };
    case 'stopped':
      return { level: 'info', head: 'stopped' };
  }
}

/** The CLI's log line: the time of day, the head, and the detail indented under it. */
export function formatBrokerEvent(e: BrokerEvent): string {
  const l = brokerEventLine(e, { levelInText: true });
  return `${formatClock(e.time)} ${l.head}${l.detail ? `\n           ${l.detail}` : ''}`;
}

/** A short status block: listeners, CRL coverage, staples, counters. */
export function formatBrokerState(s: BrokerState): string {
  const lines = [`running: ${s.running}`, `profile: ${s.profile}`];
  for (const l of s.listeners) lines.push(`listener ${l.transport} ${l.address}:${l.port}`);
  if (s.crl.enabled) {
    for (const d of s.crl.distributionPoints) {
      const crl = d.crl ? `${d.crl.issuer}${d.crl.crlNumber ? ` ${crlNumberText(d.crl.crlNumber)}` : ''}, ${d.crl.entries} revoked, next update ${d.crl.nextUpdate ? formatDate(d.crl.nextUpdate) : 'none'}${d.crl.stale ? ' (EXPIRED)' : ''}` : 'no CRL';
      lines.push(`crl distribution point ${d.url}: ${d.ok ? 'ok' : `FAILING (${d.lastError ?? '?'})`}, ${d.fetches} fetch(es), ${d.hits} cache hit(s); ${crl}`);
    }
    for (const src of s.crl.sources) {
      const crls = src.crls.map((c) => `${safe(c.issuer)}${c.crlNumber ? ` ${crlNumberText(c.crlNumber)}` : ''}, ${c.entries} revoked, next update ${c.nextUpdate ? formatDate(c.nextUpdate) : 'none'}${c.stale ? ' (EXPIRED)' : ''}`);
      lines.push(`crl ${safe(src.source)}: ${src.ok ? 'ok' : `FAILING (${safe(src.lastError ?? '?')})`}${crls.length ? `\n    ${crls.join('\n    ')}` : ''}`);
    }
    for (const m of s.crl.missingFor) lines.push(`crl missing for CA ${safe(m)}`);
    for (const m of s.crl.staleFor) lines.push(`crl expired for CA ${safe(m)}`);
  }
  for (const st of s.staples) {
    lines.push(`ocsp staple ${safe(st.subject)}: ${st.stapling ? `${st.status} until ${st.nextUpdate ? formatDate(st.nextUpdate) : '?'}` : `none${st.lastError ? ` (${safe(st.lastError)})` : ''}`}`);
  }
  const c = s.stats;
  lines.push(`connections: ${c.accepted} accepted, ${c.rejected} rejected, ${c.handshakeFailures} failed handshakes, ${c.openConnections} open; mqtt clients ${c.mqttClients}, subscriptions ${c.subscriptions}, messages in ${c.messagesIn}`);
  return lines.join('\n');
}
