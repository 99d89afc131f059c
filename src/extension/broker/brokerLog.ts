// The "Certscope Broker" LogOutputChannel: one line per broker event (connections with their TLS
// version and client certificate, rejections with the reason and the alert sent, MQTT activity,
// CRL and OCSP refreshes). Events carry no key material; nothing else is written here.
import * as vscode from 'vscode';
import type { BrokerEvent } from '../../core/broker/types';
import { forTerminal } from '../../core/present/safeText';

export function createBrokerLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('Certscope Broker', { log: true });
}

function formatBrokerEvent(e: BrokerEvent): { level: 'info' | 'warn' | 'error' | 'debug'; text: string } {
  switch (e.type) {
    case 'listening':
      return { level: 'info', text: `listening: ${e.transport}://${e.address}:${e.port}` };
    case 'connection': {
      const who = e.clientCert ? `${e.clientCert.subject} (serial ${e.clientCert.serial})` : 'no client certificate';
      const peer = `${e.remoteAddress}:${e.remotePort} ${e.tlsVersion || '?'}${e.cipher ? ` ${e.cipher}` : ''}`;
      if (e.outcome === 'accepted') return { level: 'info', text: `accepted ${who} from ${peer}${e.note ? ` (${e.note})` : ''}` };
      const alert = e.alert ? ` -> alert ${e.alert.name} (${e.alert.code})${e.alert.sent ? '' : ' not sent'}` : '';
      return { level: 'warn', text: `rejected ${who} from ${peer}: ${e.reason ?? e.verifyError ?? 'no reason'}${alert}` };
    }
    case 'handshakeFailed':
      return { level: 'warn', text: `TLS handshake failed from ${e.remoteAddress}:${e.remotePort}: ${e.message}` };
    case 'mqtt':
      return { level: e.action === 'error' || e.action === 'revoked' ? 'warn' : 'debug', text: `mqtt ${e.action} ${e.clientId}${e.detail ? `: ${e.detail}` : ''}` };
    case 'log':
      return { level: e.level, text: `[${e.source}] ${e.message}` };
    case 'stopped':
      return { level: 'info', text: 'stopped' };
  }
}

export function writeBrokerEvent(log: vscode.LogOutputChannel, e: BrokerEvent): void {
  const { level, text } = formatBrokerEvent(e);
  // One event, one line: client ids, topics and subjects cannot forge lines or inject escapes.
  log[level](forTerminal(text));
}
