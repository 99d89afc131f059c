// The local MQTT-over-TLS broker (an EMQX-like SSL listener): aedes as the MQTT engine behind
// our TLS acceptor (real alerts for refused client certificates), MQTT over WebSocket + TLS,
// CRLs from files and URLs swapped in live, OCSP stapling, and an event per connection.
import * as net from 'node:net';
import * as tls from 'node:tls';
import * as http from 'node:http';
import { constants as cryptoConstants } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Aedes, type Client } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { findPemBlocks } from '../pem';
import { normalizeSerial } from '../serial';
import { decodeCertificate } from '../decode/certificate';
import type { CertificateModel } from '../model';
import { OcspStapler } from '../ocsp/stapler';
import { alertName } from '../tls/alerts';
import { TlsAcceptor, type HandshakeInfo, type Verdict } from '../tls/tlsAcceptor';
import { tls13CipherSuites } from '../tls/tls13Record';
import type { BrokerConfig } from './config';
import { CrlStore } from './crlStore';
import { checkClient, type CheckResult, type ClientCertInfo } from './clientCheck';
import { CdpCrlCache } from './cdpCache';
import { ClientOcspChecker } from './clientOcsp';
import { crlProblem } from './crlTrust';
import { Emitter, type Event } from './events';
import type { BrokerEvent, BrokerState, BrokerStats, ConnectedClient, LogLevel, MqttVersion, StapleSummary, Transport } from './types';
import { formatDate } from '../dates';
import { formatDuration } from '../duration';

/** TLS 1.2 suites we offer by default: AEAD only (GCM, ChaCha20-Poly1305) with forward secrecy. */
const TLS12_AEAD = 'ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256';

/**
 * The MQTT engine's limits, named after EMQX's defaults: topic aliases up to 65535
 * (mqtt.max_topic_alias), max_packet_size, sessions capped at 2 h (mqtt.session_expiry_interval)
 * and a bounded number of pending sessions and delayed wills, so a client cycling ids cannot grow
 * the broker's memory without end.
 */
function aedesOptions(c: BrokerConfig) {
  return {
    connectTimeout: c.idle_timeout,
    topicAliasMaximum: 65535,
    maximumPacketSize: c.max_packet_size,
    sessionExpiryIntervalLimit: 2 * 60 * 60,
    pendingSessionsLimit: 10_000,
  };
}

/** MQTT protocol level (CONNECT) -> the version name clients and EMQX's dashboard show. */
function mqttVersionName(level: number | undefined): MqttVersion | undefined {
  return level === 3 ? '3.1' : level === 4 ? '3.1.1' : level === 5 ? '5.0' : undefined;
}

export class BrokerStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrokerStartError';
  }
}

export interface BrokerDeps {
  now?: () => number;
}

interface ConnMeta {
  transport: Transport;
  info: HandshakeInfo;
  clientCert?: ClientCertInfo;
  leaf?: CheckResult['leaf'];
  client?: Client;
  revokedWhileConnected?: string;
  code?: string;
  note?: string;
  clientId?: string;
  mqttVersion?: MqttVersion;
  connectedAt?: Date;
  subscriptions: Set<string>;
  messagesIn: number;
}

interface Files {
  cert: string;
  key: string;
  ca?: string;
  leaf: CertificateModel;
  caModels: CertificateModel[];
}

function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new BrokerStartError(`${what} ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message}`);
  }
}

function certModels(pem: string): CertificateModel[] {
  return findPemBlocks(pem).filter((b) => b.label === 'CERTIFICATE' && b.der).map((b) => decodeCertificate(b.der as Uint8Array));
}

export class TlsMqttBroker {
  private readonly emitter = new Emitter<BrokerEvent>();
  /** Every event: connections (accepted/rejected with reasons), MQTT activity, CRL/OCSP logs. */
  readonly onEvent: Event<BrokerEvent> = this.emitter.event;
  private readonly now: () => number;
  private files?: Files;
  private context?: tls.SecureContext;
  private readonly hub: tls.Server;
  private store?: CrlStore;
  private cdp?: CdpCrlCache;
  private clientOcsp?: ClientOcspChecker;
  private stapler?: OcspStapler;
  private aedes?: Aedes;
  private readonly servers: Array<{ transport: Transport; server: net.Server }> = [];
  private readonly acceptors: TlsAcceptor[] = [];
  private readonly rawSockets = new Set<net.Socket>();
  private readonly conns = new Map<object, ConnMeta>();
  private wss?: WebSocketServer;
  private httpServer?: http.Server;
  private running = false;
  private expiryTimers: NodeJS.Timeout[] = [];
  /** wss sockets waiting for their WebSocket upgrade (closed after idle_timeout). */
  private readonly upgradeTimers = new Map<object, NodeJS.Timeout>();
  private starting?: Promise<BrokerState['listeners']>;
  private stopping?: Promise<void>;
  private stopDone?: Promise<void>;
  private readonly stats = { accepted: 0, rejected: 0, handshakeFailures: 0, messagesIn: 0 };

  constructor(readonly config: BrokerConfig, deps: BrokerDeps = {}) {
    this.now = deps.now ?? Date.now;
    // Never listens: carries the context for OCSP stapling and raises 'OCSPRequest'.
    this.hub = tls.createServer();
  }

  /** Starts both listeners; resolves with the real addresses once they listen. */
  start(): Promise<BrokerState['listeners']> {
    if (this.stopping || this.stopDone) return Promise.reject(new BrokerStartError('this broker was stopped: create a new one'));
    if (this.starting) return Promise.reject(new BrokerStartError('broker already started'));
    this.starting = this.doStart();
    return this.starting;
  }

  private async doStart(): Promise<BrokerState['listeners']> {
    const c = this.config;
    try {
      this.files = this.loadFiles();
      if (c.enable_crl_check && c.profile === 'emqx5') {
        this.cdp = new CdpCrlCache({
          refreshIntervalMs: c.crl_cache_refresh_interval,
          httpTimeoutMs: c.crl_cache_http_timeout,
          capacity: c.crl_cache_capacity,
          now: this.now,
          log: (level, message) => this.log(level, 'crl', message),
          validate: (model) => crlProblem(model, this.files?.caModels ?? []),
        });
        this.cdp.onDidRefresh(() => this.recheckConnected());
        this.cdp.start();
        this.log('info', 'crl', `profile emqx5: client certificates are checked (leaf only) against the CRL at their CRL distribution point, fetched on first sight and refreshed every ${formatDuration(c.crl_cache_refresh_interval)}; no CRL, no connection`);
      } else if (c.enable_crl_check) {
        this.store = new CrlStore({
          files: c.crl_files,
          urls: c.crl_cache_urls,
          refreshIntervalMs: c.crl_cache_refresh_interval,
          httpTimeoutMs: c.crl_cache_http_timeout,
          filePollIntervalMs: c.crl_file_poll_interval,
          now: this.now,
          log: (level, message) => this.log(level, 'crl', message),
          validate: (model) => crlProblem(model, this.files?.caModels ?? []),
        });
        await this.store.start();
        // Revocation is checked in clientCheck.ts against the store: no TLS context swap needed.
        this.store.onDidChange(() => {
          this.log('info', 'crl', `CRLs changed: new handshakes use ${this.store?.crls().length ?? 0} CRL(s)`);
          this.reportCrlCoverage();
          this.watchCrlExpiry();
          this.recheckConnected();
        });
        this.watchCrlExpiry();
      }
      if (c.ocsp_check_clients) {
        this.clientOcsp = new ClientOcspChecker({
          responderUrl: c.ocsp_clients_responder_url,
          fail: c.ocsp_clients_fail,
          // Never longer than the handshake may take.
          timeoutMs: Math.min(c.ocsp_clients_timeout, c.handshake_timeout),
          maxAgeMs: c.ocsp_refresh_interval,
          now: this.now,
          log: (level, message) => this.log(level, 'ocsp', message),
        });
      }
      this.createContext();
      this.reportCrlCoverage();
      if (c.enable_ocsp_stapling) this.startStapler();
      this.aedes = await Aedes.createBroker(aedesOptions(c));
      this.watchAedes(this.aedes);
      this.running = true;
      const listeners: BrokerState['listeners'] = [];
      listeners.push(await this.listen('mqtts', c.port));
      if (c.wssPort !== null) {
        this.setupWebSocket();
        listeners.push(await this.listen('wss', c.wssPort));
      }
      return listeners;
    } catch (err) {
      await this.stopOnce();
      if (err instanceof BrokerStartError) throw err;
      throw new BrokerStartError((err as Error).message);
    }
  }

  /**
   * Closes listeners and every connection, stops CRL refresh and OCSP fetching. Idempotent; a
   * stop during start() waits for the start to settle, so nothing it opens is left behind.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.starting?.catch(() => undefined);
      await this.stopOnce();
    })();
    return this.stopping;
  }

  private stopOnce(): Promise<void> {
    this.stopDone ??= this.doStop();
    return this.stopDone;
  }

  private async doStop(): Promise<void> {
    this.running = false;
    const closes = this.servers.map(({ server }) => new Promise<void>((r) => server.close(() => r())));
    for (const s of this.rawSockets) s.destroy();
    this.rawSockets.clear();
    await Promise.all(closes);
    this.servers.length = 0;
    if (this.wss) await new Promise<void>((r) => this.wss?.close(() => r()));
    this.httpServer?.removeAllListeners();
    if (this.aedes) {
      const a = this.aedes;
      await new Promise<void>((r) => a.close(() => r()));
    }
    this.stapler?.dispose();
    this.store?.dispose();
    this.cdp?.dispose();
    for (const t of this.expiryTimers) clearTimeout(t);
    this.expiryTimers = [];
    for (const t of this.upgradeTimers.values()) clearTimeout(t);
    this.upgradeTimers.clear();
    this.hub.removeAllListeners();
    this.conns.clear();
    this.emit({ type: 'stopped', time: new Date(this.now()) });
    this.emitter.dispose();
  }

  /**
   * emqx5: refetch these distribution points now if cached (the CA that serves them just wrote a
   * new CRL). EMQX 5 itself waits for crl_cache_refresh_interval. Resolves to the URLs refetched.
   */
  refreshDistributionPoints(urls: readonly string[]): Promise<string[]> {
    return this.cdp ? this.cdp.refresh(urls) : Promise.resolve([]);
  }

  clients(): ConnectedClient[] {
    const out: ConnectedClient[] = [];
    for (const m of this.conns.values()) {
      if (!m.clientId || !m.connectedAt) continue;
      out.push({
        clientId: m.clientId, mqttVersion: m.mqttVersion, transport: m.transport, remoteAddress: m.info.remoteAddress, remotePort: m.info.remotePort,
        tlsVersion: m.info.protocol, cipher: m.info.cipher, clientCert: m.clientCert, connectedAt: m.connectedAt,
        subscriptions: [...m.subscriptions], messagesIn: m.messagesIn, revokedWhileConnected: m.revokedWhileConnected,
      });
    }
    return out;
  }

  state(): BrokerState {
    const listeners = this.servers.map(({ transport, server }) => {
      const a = server.address() as net.AddressInfo | null;
      return { transport, address: a?.address ?? this.config.bind, port: a?.port ?? 0 };
    });
    const coverage = this.crlCoverage();
    return {
      running: this.running,
      listeners,
      profile: this.config.profile,
      crl: {
        enabled: this.config.enable_crl_check, sources: this.store?.state() ?? [], activeCrls: (this.store?.crls().length ?? 0) + (this.cdp?.state().filter((e) => e.crl).length ?? 0),
        distributionPoints: this.cdp?.state() ?? [], ...coverage,
      },
      staples: this.stapler?.state() ?? [],
      stats: this.currentStats(),
    };
  }

  private currentStats(): BrokerStats {
    const clients = this.clients();
    return {
      ...this.stats,
      openConnections: this.rawSockets.size,
      mqttClients: clients.length,
      subscriptions: clients.reduce((n, c) => n + c.subscriptions.length, 0),
    };
  }

  private emit(e: BrokerEvent): void {
    this.emitter.fire(e);
  }

  private log(level: LogLevel, source: 'broker' | 'crl' | 'ocsp', message: string): void {
    this.emit({ type: 'log', time: new Date(this.now()), level, source, message });
  }

  private loadFiles(): Files {
    const c = this.config;
    const cert = readPem(c.certfile, 'certfile') + (c.chainfile ? `\n${readPem(c.chainfile, 'chainfile')}` : '');
    const key = readPem(c.keyfile, 'keyfile');
    const ca = c.cacertfile ? readPem(c.cacertfile, 'cacertfile') : undefined;
    const certs = certModels(cert);
    if (certs.length === 0) throw new BrokerStartError(`certfile ${c.certfile}: no PEM CERTIFICATE block found`);
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)) throw new BrokerStartError(`keyfile ${c.keyfile}: no PEM private key found`);
    const caModels = ca ? certModels(ca) : [];
    if (ca && caModels.length === 0) throw new BrokerStartError(`cacertfile ${c.cacertfile}: no PEM CERTIFICATE block found`);
    const unique = new Map([...caModels, ...certs.slice(1)].map((m) => [m.fingerprints.sha256, m]));
    return { cert, key, ca, leaf: certs[0], caModels: [...unique.values()] };
  }

  /**
   * The TLS context. CRLs are not given to OpenSSL: it would re-verify a multi-megabyte CRL on
   * every handshake; clientCheck.ts looks serials up in CRLs verified once at load instead.
   */
  private tlsOptions(): tls.SecureContextOptions {
    const c = this.config;
    const f = this.files as Files;
    const versions = c.tls_versions;
    return {
      cert: f.cert,
      key: f.key,
      ca: f.ca,
      minVersion: versions.includes('tlsv1.2') ? 'TLSv1.2' : 'TLSv1.3',
      maxVersion: versions.includes('tlsv1.3') ? 'TLSv1.3' : 'TLSv1.2',
      ciphers: `${tls13CipherSuites}:${c.ciphers ?? TLS12_AEAD}`,
      // Two-way TLS: full handshakes only (a resumed session would skip the certificate and CRL
      // check) and no renegotiation (it could present another certificate after our decision).
      secureOptions: cryptoConstants.SSL_OP_NO_RENEGOTIATION | (c.verify === 'verify_peer' ? cryptoConstants.SSL_OP_NO_TICKET : 0),
      sessionIdContext: 'certscope-broker',
    };
  }

  private createContext(): void {
    try {
      const opts = this.tlsOptions();
      this.context = tls.createSecureContext(opts);
      this.hub.setSecureContext(opts);
    } catch (err) {
      throw new BrokerStartError(`TLS configuration rejected by OpenSSL: ${(err as Error).message}`);
    }
  }

  private crlCoverage(): { missingFor: string[]; staleFor: string[] } {
    if (!this.store || !this.files) return { missingFor: [], staleFor: [] };
    const now = this.now();
    const missingFor: string[] = [];
    const staleFor: string[] = [];
    for (const ca of this.files.caModels) {
      const crls = this.store.crlsFor(ca.subject.derHex);
      if (crls.length === 0) missingFor.push(ca.subject.rfc4514);
      else if (crls.every((x) => x.model.nextUpdate && x.model.nextUpdate.getTime() < now)) staleFor.push(ca.subject.rfc4514);
    }
    return { missingFor, staleFor };
  }

  private reportCrlCoverage(): void {
    const { missingFor, staleFor } = this.crlCoverage();
    for (const ca of missingFor) {
      this.log('warn', 'crl', `no CRL loaded for trusted CA "${ca}": clients whose chain includes it are ${this.config.crl_missing === 'allow' ? 'accepted (crl_missing = allow)' : 'refused with unknown_ca (set crl_missing = allow to accept them)'}`);
    }
    for (const ca of staleFor) {
      this.log('warn', 'crl', `the CRL for "${ca}" is past its nextUpdate: clients of this CA are ${this.config.crl_stale === 'allow' ? 'accepted (crl_stale = allow)' : 'refused with certificate_expired until a fresh CRL is loaded'}`);
    }
  }

  /** Says so in the log the moment a loaded CRL passes its nextUpdate while the broker runs. */
  private watchCrlExpiry(): void {
    for (const t of this.expiryTimers) clearTimeout(t);
    this.expiryTimers = [];
    const now = this.now();
    for (const crl of this.store?.crls() ?? []) {
      const at = crl.model.nextUpdate?.getTime();
      if (at === undefined || at <= now) continue;
      const t = setTimeout(() => this.reportCrlCoverage(), Math.min(at - now + 1000, 2 ** 31 - 1));
      t.unref();
      this.expiryTimers.push(t);
    }
  }

  /** The CRL entry revoking a certificate, from whichever source the profile uses. */
  private revocationOf(leaf: NonNullable<CheckResult['leaf']>): { reason?: string; date: Date; source: string } | undefined {
    if (this.store) {
      const hit = this.store.findRevocation(leaf.issuerDerHex, leaf.serialHex);
      return hit && { reason: hit.entry.reason, date: hit.entry.revocationDate, source: hit.crl.source };
    }
    for (const crl of this.cdp?.byIssuer(leaf.issuerDerHex) ?? []) {
      const entry = crl.model.bySerial.get(normalizeSerial(leaf.serialHex));
      if (entry) return { reason: entry.reason, date: entry.revocationDate, source: crl.source };
    }
    return undefined;
  }

  /**
   * After new CRLs: connected clients whose certificate they revoke are disconnected
   * (disconnect_on_revoke: MQTT 5 DISCONNECT 0x98 administrative action, 3.1.1 a close) or, as in
   * EMQX and mosquitto, kept and marked "revoked, still connected".
   */
  private recheckConnected(): void {
    for (const m of new Set(this.conns.values())) {
      if (!m.leaf || !m.clientId || m.revokedWhileConnected) continue;
      const hit = this.revocationOf(m.leaf);
      if (!hit) continue;
      const what = `certificate ${m.clientCert?.subject ?? '?'} (serial ${m.clientCert?.serial ?? '?'}) revoked ${formatDate(hit.date)}${hit.reason ? `, ${hit.reason}` : ''} by the CRL from ${hit.source}`;
      m.revokedWhileConnected = what;
      if (this.config.disconnect_on_revoke && m.client) {
        const v5 = m.client.version === 5;
        this.emit({ type: 'mqtt', time: new Date(this.now()), action: 'revoked', clientId: m.clientId, mqttVersion: m.mqttVersion, detail: `${what}: disconnected (disconnect_on_revoke${v5 ? ', DISCONNECT 0x98 administrative action' : ', connection closed: MQTT 3.1.1 has no server DISCONNECT'})` });
        m.client.disconnect({ reasonCode: 0x98 }, () => undefined);
      } else {
        this.emit({ type: 'mqtt', time: new Date(this.now()), action: 'revoked', clientId: m.clientId, mqttVersion: m.mqttVersion, detail: `${what}: still connected (${this.config.profile} does not re-check connected clients; disconnect_on_revoke is off)` });
      }
    }
  }

  private startStapler(): void {
    const c = this.config;
    const f = this.files as Files;
    let issuer: string | Uint8Array | undefined = c.ocsp_issuer_pem ? readPem(c.ocsp_issuer_pem, 'ocsp_issuer_pem') : undefined;
    if (!issuer) issuer = f.caModels.find((m) => m.subject.derHex === f.leaf.issuer.derHex)?.der;
    this.stapler = new OcspStapler({
      responderUrl: c.ocsp_responder_url,
      issuer,
      certificates: [f.leaf.der],
      refreshIntervalMs: c.ocsp_refresh_interval,
      httpTimeoutMs: c.ocsp_refresh_http_timeout,
      log: (level, message) => this.log(level, 'ocsp', message),
    });
    this.hub.on('OCSPRequest', this.stapler.onOcspRequest);
    this.stapler.start();
  }

  private stapleSummary(): StapleSummary | undefined {
    const s = this.stapler?.state()[0];
    if (!s) return undefined;
    return { stapling: s.stapling, status: s.status, lastFetch: s.lastFetch, nextUpdate: s.nextUpdate, lastError: s.lastError };
  }

  private listen(transport: Transport, port: number): Promise<{ transport: Transport; address: string; port: number }> {
    const acceptor = new TlsAcceptor({
      secureContext: () => this.context as tls.SecureContext,
      hub: this.hub,
      requestCert: this.config.verify === 'verify_peer',
      handshakeTimeoutMs: this.config.handshake_timeout,
      verify: (info) => {
        const record = (r: CheckResult): Verdict => {
          this.conns.set(info.socket, { transport, info, clientCert: r.cert, leaf: r.leaf, code: r.code, note: r.note, subscriptions: new Set(), messagesIn: 0 });
          return r.verdict;
        };
        const r = checkClient(info, this.config, { store: this.store, cdp: this.cdp, ocsp: this.clientOcsp }, this.now(), transport);
        return r instanceof Promise ? r.then(record) : record(r);
      },
      onAccepted: (info) => this.onAccepted(transport, info),
      onRejected: (info, verdict, outcome) => {
        this.stats.rejected++;
        const meta = this.conns.get(info.socket);
        this.conns.delete(info.socket);
        this.emit({
          ...this.connectionBase('rejected', transport, info, meta),
          reason: verdict.reason,
          alert: { code: verdict.alert, name: alertName(verdict.alert), sent: outcome.alertSent, note: outcome.note },
        });
      },
      onFailed: (remote, message) => {
        this.stats.handshakeFailures++;
        this.emit({ type: 'handshakeFailed', time: new Date(this.now()), transport, remoteAddress: remote.address, remotePort: remote.port, message });
      },
    });
    this.acceptors.push(acceptor);
    const server = net.createServer((raw) => this.onRawConnection(raw, acceptor));
    server.maxConnections = this.config.max_connections;
    return new Promise((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        reject(new BrokerStartError(`cannot listen on ${this.config.bind}:${port} (${transport}): ${err.code === 'EADDRINUSE' ? 'port already in use' : err.message}`));
      });
      server.listen(port, this.config.bind, () => {
        server.removeAllListeners('error');
        server.on('error', (err) => this.log('error', 'broker', `${transport} listener: ${err.message}`));
        this.servers.push({ transport, server });
        const a = server.address() as net.AddressInfo;
        this.emit({ type: 'listening', time: new Date(this.now()), transport, address: a.address, port: a.port });
        resolve({ transport, address: a.address, port: a.port });
      });
    });
  }

  private onRawConnection(raw: net.Socket, acceptor: TlsAcceptor): void {
    if (!this.running) {
      raw.destroy();
      return;
    }
    this.rawSockets.add(raw);
    raw.once('close', () => this.rawSockets.delete(raw));
    raw.on('error', () => undefined); // reported by the TLS layer; never crash on a reset
    raw.setNoDelay(true);
    const socket = acceptor.accept(raw);
    socket.once('close', () => this.conns.delete(socket));
  }

  private connectionBase(outcome: 'accepted' | 'rejected', transport: Transport, info: HandshakeInfo, meta: ConnMeta | undefined) {
    return {
      type: 'connection' as const, outcome, time: new Date(this.now()), transport,
      remoteAddress: info.remoteAddress, remotePort: info.remotePort, tlsVersion: info.protocol, cipher: info.cipher,
      clientCert: meta?.clientCert, verifyError: meta?.code ?? info.authorizationError, note: meta?.note, staple: this.stapleSummary(),
    };
  }

  private onAccepted(transport: Transport, info: HandshakeInfo): void {
    this.stats.accepted++;
    const meta = this.conns.get(info.socket);
    this.emit(this.connectionBase('accepted', transport, info, meta));
    if (!this.aedes || !this.running) {
      info.socket.destroy();
      return;
    }
    info.socket.on('error', () => undefined);
    if (transport === 'mqtts') this.aedes.handle(info.socket);
    else this.handToWebSocket(info);
  }

  /**
   * The HTTP server never listens, so Node's own header/request timeouts never run for it: the
   * WebSocket upgrade gets idle_timeout here, as MQTT CONNECT does on the TLS listener (after the
   * upgrade aedes' connect timeout takes over).
   */
  private handToWebSocket(info: HandshakeInfo): void {
    const socket = info.socket;
    const timer = setTimeout(() => {
      this.log('warn', 'broker', `wss ${info.remoteAddress}:${info.remotePort}: no WebSocket upgrade within ${formatDuration(this.config.idle_timeout)} (idle_timeout); connection closed`);
      socket.destroy();
    }, this.config.idle_timeout);
    timer.unref();
    this.upgradeTimers.set(socket, timer);
    socket.once('close', () => {
      clearTimeout(timer);
      this.upgradeTimers.delete(socket);
    });
    this.httpServer?.emit('connection', socket);
  }

  private setupWebSocket(): void {
    // An HTTP server that never listens: our TLS acceptor hands it the verified TLS sockets.
    const httpServer = http.createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`MQTT over WebSocket is at ${this.config.wssPath}\n`);
    });
    httpServer.headersTimeout = 10_000;
    httpServer.requestTimeout = 15_000;
    this.httpServer = httpServer;
    // Bounds what one WebSocket message buffers; room for two maximum packets, so that an
    // oversized MQTT packet is refused by the MQTT rules (DISCONNECT 0x95), not by a WebSocket close.
    this.wss = new WebSocketServer({ server: httpServer, path: this.config.wssPath, maxPayload: 2 * this.config.max_packet_size + 64 * 1024, handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : protocols.has('mqttv3.1') ? 'mqttv3.1' : false) });
    this.wss.on('connection', (ws, req) => {
      const stream = createWebSocketStream(ws);
      stream.on('error', () => undefined);
      const tlsSocket = req.socket as tls.TLSSocket;
      clearTimeout(this.upgradeTimers.get(tlsSocket));
      this.upgradeTimers.delete(tlsSocket);
      const meta = this.conns.get(tlsSocket);
      const client = this.aedes?.handle(stream, req);
      if (client && meta) {
        this.conns.set(stream, meta);
        stream.once('close', () => this.conns.delete(stream));
      }
    });
    this.wss.on('error', (err) => this.log('error', 'broker', `WebSocket: ${err.message}`));
  }

  private metaOf(client: Client | null): ConnMeta | undefined {
    return client ? this.conns.get(client.conn as object) : undefined;
  }

  private watchAedes(aedes: Aedes): void {
    const time = () => new Date(this.now());
    aedes.on('client', (client) => {
      const m = this.metaOf(client);
      if (m) {
        m.clientId = client.id;
        m.client = client;
        m.mqttVersion = mqttVersionName(client.version);
        m.connectedAt = time();
      }
      const version = mqttVersionName(client.version);
      this.emit({ type: 'mqtt', time: time(), action: 'connect', clientId: client.id, mqttVersion: version, detail: m ? `MQTT ${version ?? '?'}, ${m.transport} ${m.info.remoteAddress}:${m.info.remotePort}` : undefined });
    });
    aedes.on('clientDisconnect', (client) => {
      const m = this.metaOf(client);
      if (m) m.clientId = undefined;
      this.emit({ type: 'mqtt', time: time(), action: 'disconnect', clientId: client.id });
    });
    aedes.on('subscribe', (subs, client) => {
      const m = this.metaOf(client);
      for (const s of subs) m?.subscriptions.add(s.topic);
      this.emit({ type: 'mqtt', time: time(), action: 'subscribe', clientId: client.id, detail: subs.map((s) => `${s.topic} (QoS ${s.qos})`).join(', ') });
    });
    aedes.on('unsubscribe', (topics, client) => {
      const m = this.metaOf(client);
      for (const t of topics) m?.subscriptions.delete(t);
      this.emit({ type: 'mqtt', time: time(), action: 'unsubscribe', clientId: client.id, detail: topics.join(', ') });
    });
    aedes.on('publish', (_packet, client) => {
      if (!client) return; // $SYS and other broker-internal messages
      this.stats.messagesIn++;
      const m = this.metaOf(client);
      if (m) m.messagesIn++;
    });
    aedes.on('clientError', (client, err) => {
      this.emit({ type: 'mqtt', time: time(), action: 'error', clientId: client?.id ?? '?', detail: err.message });
    });
    aedes.on('connectionError', (client, err) => {
      this.emit({ type: 'mqtt', time: time(), action: 'error', clientId: client?.id ?? '?', detail: `malformed or refused MQTT connection: ${err.message}` });
    });
  }
}
