// The "Certscope Broker" LogOutputChannel: one line per broker event (connections with their TLS
// version and client certificate, rejections with the reason and the alert sent, MQTT activity,
// CRL and OCSP refreshes). Events carry no key material; nothing else is written here.
import * as vscode from 'vscode';
import type { BrokerEvent } from '../../core/broker/types';
import { brokerEventLine } from '../../core/broker/format';

export function createBrokerLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('Certscope Broker', { log: true });
}

/** One event, one line, in the words the CLI uses (core/broker/format.ts, which escapes what peers control). */
export function writeBrokerEvent(log: vscode.LogOutputChannel, e: BrokerEvent): void {
  const { level, head, detail } = brokerEventLine(e);
  log[level](detail ? `${head}: ${detail}` : head);
}
