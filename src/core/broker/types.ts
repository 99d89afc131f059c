// Plain data the broker reports: events as they happen, and state on request.
import type { ClientCertInfo } from './clientCheck';
import type { CrlSourceState } from './crlStore';
import type { CdpEntryState } from './cdpCache';
import type { BrokerProfile } from './config';
import type { StapleState } from '../ocsp/stapler';

export type Transport = 'mqtts' | 'wss';
export type LogLevel = 'info' | 'warn' | 'error';
/** MQTT protocol version of a connected client (CONNECT protocol level 3, 4, 5). */
export type MqttVersion = '3.1' | '3.1.1' | '5.0';

export interface StapleSummary {
  stapling: boolean;
  status?: 'good' | 'revoked' | 'unknown';
  lastFetch?: Date;
  nextUpdate?: Date;
  lastError?: string;
}

/** Who is on the other end of one TLS connection, and what was negotiated. */
interface TlsPeer {
  transport: Transport;
  remoteAddress: string;
  remotePort: number;
  tlsVersion: string;
  cipher: string;
  clientCert?: ClientCertInfo;
}

export interface ConnectionEvent extends TlsPeer {
  type: 'connection';
  outcome: 'accepted' | 'rejected';
  time: Date;
  /** Why the client was refused, in words. */
  reason?: string;
  /** Node's verification code (CERT_REVOKED, ...). */
  verifyError?: string;
  /** The TLS alert sent to the client. */
  alert?: { code: number; name: string; sent: boolean; note?: string };
  /** Accepted with a caveat (crl_missing / crl_stale = allow). */
  note?: string;
  staple?: StapleSummary;
}

export type BrokerEvent =
  | { type: 'listening'; time: Date; transport: Transport; address: string; port: number }
  | ConnectionEvent
  | { type: 'handshakeFailed'; time: Date; transport: Transport; remoteAddress: string; remotePort: number; message: string }
  | { type: 'mqtt'; time: Date; action: 'connect' | 'disconnect' | 'subscribe' | 'unsubscribe' | 'error' | 'revoked'; clientId: string; mqttVersion?: MqttVersion; detail?: string }
  | { type: 'log'; time: Date; level: LogLevel; source: 'broker' | 'crl' | 'ocsp'; message: string }
  | { type: 'stopped'; time: Date };

export interface ConnectedClient extends TlsPeer {
  clientId: string;
  /** Undefined only for a protocol level aedes would not accept. */
  mqttVersion?: MqttVersion;
  connectedAt: Date;
  subscriptions: string[];
  messagesIn: number;
  /** A CRL loaded after the client connected revokes its certificate; it stays connected (disconnect_on_revoke off). */
  revokedWhileConnected?: string;
}

export interface BrokerStats {
  accepted: number;
  rejected: number;
  handshakeFailures: number;
  openConnections: number;
  mqttClients: number;
  messagesIn: number;
  subscriptions: number;
}

export interface BrokerState {
  running: boolean;
  listeners: Array<{ transport: Transport; address: string; port: number }>;
  profile: BrokerProfile;
  crl: {
    enabled: boolean;
    sources: CrlSourceState[];
    activeCrls: number;
    /** emqx5: the global cache of CRLs fetched from distribution points, one entry per URL. */
    distributionPoints: CdpEntryState[];
    missingFor: string[];
    staleFor: string[];
  };
  staples: StapleState[];
  stats: BrokerStats;
}
