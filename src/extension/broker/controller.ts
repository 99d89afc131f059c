// Owns the servers Certscope runs inside the extension host: the local TLS MQTT broker, the OCSP
// responder and the CRL HTTP servers. Each running server has one owner here (its own lifetime,
// shorter than the extension's); dispose() stops them all, so deactivation never leaves a port
// bound. Views, the status bar and the broker log listen to onDidChange / onBrokerEvent.
import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import type { TlsMqttBroker } from '../../core/broker/broker';
import type { BrokerConfig } from '../../core/broker/config';
import type { BrokerEvent, BrokerState, ConnectedClient, ConnectionEvent } from '../../core/broker/types';
import type { CrlServer, CertificateAuthority } from '../../core/ca';
import type { OcspHttpServer } from '../../core/ocsp/server';
import { ocspRequestLine } from '../../core/broker/format';
import { UserError } from '../errors';

/** Rejections kept for the view (newest first). */
const MAX_REJECTIONS = 50;

export interface RunningOcsp {
  caDir: string;
  caName: string;
  url: string;
  port: number;
  requests: number;
}

export interface PublishedCrl {
  caDir: string;
  caName: string;
  derUrl: string;
  pemUrl: string;
}

export interface BrokerOrigin {
  caDir?: string;
  /** The server certificate the broker was started with. */
  certfile: string;
  cacertfile?: string;
}

export interface BrokerSnapshot {
  running: boolean;
  /** What the broker was started from (CA folder, server certificate, CA file it trusts), for the view and the test panel. */
  origin?: BrokerOrigin;
  state?: BrokerState;
  clients: ConnectedClient[];
  rejections: ConnectionEvent[];
  ocsp?: RunningOcsp;
  crls: PublishedCrl[];
}

export class BrokerController implements vscode.Disposable {
  private broker?: TlsMqttBroker;
  private origin?: BrokerOrigin;
  private brokerSubscription?: { dispose(): void };
  private ocsp?: { server: OcspHttpServer; info: Omit<RunningOcsp, 'requests'> };
  private readonly crlServers = new Map<string, { server: CrlServer; info: PublishedCrl }>();
  /** CRL servers at the Development CAs' distribution points (one per port, one path per CA). */
  private readonly cdpServers = new Map<number, { server: CrlServer; routes: Map<string, PublishedCrl> }>();
  /** Ports of distribution-point servers "Start Local TLS Broker" started: they stop with the broker. */
  private cdpOwnedByBroker = new Set<number>();
  private rejections: ConnectionEvent[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly events = new vscode.EventEmitter<BrokerEvent>();
  /** Fires after any server started or stopped, and on every broker event. */
  readonly onDidChange = this.changed.event;
  readonly onBrokerEvent = this.events.event;
  /** The OCSP responder was started by "Start Local TLS Broker" and stops with the broker. */
  ocspOwnedByBroker = false;
  /** Serialises start/stop so a double click never starts two brokers. */
  private queue: Promise<unknown> = Promise.resolve();

  get running(): boolean {
    return this.broker !== undefined;
  }

  snapshot(): BrokerSnapshot {
    return {
      running: this.running,
      origin: this.origin,
      state: this.broker?.state(),
      clients: this.broker?.clients() ?? [],
      rejections: [...this.rejections],
      ocsp: this.ocsp ? { ...this.ocsp.info, requests: this.ocsp.server.counts.GET + this.ocsp.server.counts.POST } : undefined,
      crls: this.publishedCrls(),
    };
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Starts the broker; resolves with its listeners once they listen. */
  startBroker(config: BrokerConfig, origin: { caDir?: string }): Promise<BrokerState['listeners']> {
    return this.serial(async () => {
      if (this.broker) throw new UserError(`the local broker is already running on port ${this.mqttsPort() ?? '?'}: stop or restart it`);
      const { TlsMqttBroker } = await import('../../core/broker/broker');
      const broker = new TlsMqttBroker(config);
      this.rejections = [];
      this.brokerSubscription = broker.onEvent((e) => this.onEvent(e));
      try {
        const listeners = await broker.start();
        this.broker = broker;
        this.origin = { caDir: origin.caDir, certfile: config.certfile, cacertfile: config.cacertfile };
        return listeners;
      } catch (err) {
        this.brokerSubscription.dispose();
        this.brokerSubscription = undefined;
        throw new UserError(`the local broker did not start: ${(err as Error).message}`);
      } finally {
        this.changed.fire();
      }
    });
  }

  stopBroker(): Promise<boolean> {
    return this.serial(async () => {
      const b = this.broker;
      if (!b) return false;
      this.broker = undefined;
      this.origin = undefined;
      try {
        await b.stop();
      } finally {
        this.brokerSubscription?.dispose();
        this.brokerSubscription = undefined;
        this.changed.fire();
      }
      return true;
    });
  }

  /** Resolves true once the broker staples a good response (false after `ms` or when stopped). */
  async waitForStaple(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline && this.broker) {
      if (this.broker.state().staples.some((s) => s.stapling)) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  }

  mqttsPort(): number | undefined {
    return this.broker?.state().listeners.find((l) => l.transport === 'mqtts')?.port;
  }

  /** The URL clients use for the running broker (localhost: its certificate names it), else undefined. */
  mqttsUrl(): string | undefined {
    const port = this.mqttsPort();
    return port === undefined ? undefined : `mqtts://localhost:${port}`;
  }

  private onEvent(e: BrokerEvent): void {
    if (e.type === 'connection' && e.outcome === 'rejected') {
      this.rejections = [e, ...this.rejections].slice(0, MAX_REJECTIONS);
    }
    this.events.fire(e);
    this.changed.fire();
  }

  /** Starts the OCSP responder for a CA (answers from its index.txt, signs with its key). */
  startOcsp(ca: CertificateAuthority, caName: string, port = 0): Promise<RunningOcsp> {
    return this.serial(async () => {
      if (this.ocsp) {
        if (this.ocsp.info.caDir === ca.paths.dir) return this.snapshot().ocsp!;
        throw new UserError(`the OCSP responder is already running for ${this.ocsp.info.caName}: stop it first`);
      }
      const [{ OcspResponder }, { IndexStatusSource }, { OcspHttpServer }] = await Promise.all([
        import('../../core/ocsp/responder'), import('../../core/ocsp/indexStatus'), import('../../core/ocsp/server'),
      ]);
      const responder = new OcspResponder({
        issuer: ca.certPem,
        signerKey: readFileSync(ca.paths.privateKey),
        source: new IndexStatusSource(ca.paths.database),
        validitySeconds: 3600,
      });
      const server = new OcspHttpServer(responder, {
        host: '127.0.0.1',
        port,
        onRequest: (ev) => this.events.fire({
          type: 'log', time: new Date(), level: ev.httpStatus === 200 ? 'info' : 'warn', source: 'ocsp',
          message: `responder: ${ocspRequestLine(ev)}`,
        }),
      });
      try {
        const { port: real, url } = await server.start();
        this.ocsp = { server, info: { caDir: ca.paths.dir, caName, url, port: real } };
      } catch (err) {
        throw new UserError(`the OCSP responder did not start: ${(err as Error).message}`);
      } finally {
        this.changed.fire();
      }
      return this.snapshot().ocsp!;
    });
  }

  stopOcsp(): Promise<boolean> {
    return this.serial(async () => {
      const o = this.ocsp;
      if (!o) return false;
      this.ocsp = undefined;
      try {
        await o.server.close();
      } finally {
        this.changed.fire();
      }
      return true;
    });
  }

  /** Serves a CA's CRL over HTTP on 127.0.0.1 (idempotent per CA). */
  publishCrl(ca: CertificateAuthority, caName: string): Promise<PublishedCrl> {
    return this.serial(async () => {
      const existing = this.crlServers.get(ca.paths.dir);
      if (existing) return existing.info;
      const { CrlServer } = await import('../../core/ca');
      const server = new CrlServer({ derPath: ca.paths.crlDer, pemPath: ca.paths.crlPem, host: '127.0.0.1', port: 0 });
      try {
        const { derUrl, pemUrl } = await server.start();
        const info = { caDir: ca.paths.dir, caName, derUrl, pemUrl };
        this.crlServers.set(ca.paths.dir, { server, info });
        return info;
      } finally {
        this.changed.fire();
      }
    });
  }

  unpublishCrl(caDir?: string): Promise<number> {
    return this.serial(async () => {
      const targets = [...this.crlServers.entries()].filter(([dir]) => caDir === undefined || dir === caDir);
      for (const [dir, s] of targets) {
        this.crlServers.delete(dir);
        await s.server.close();
      }
      let routes = 0;
      for (const [port, s] of [...this.cdpServers]) {
        for (const [path, info] of [...s.routes]) {
          if (caDir !== undefined && info.caDir !== caDir) continue;
          s.routes.delete(path);
          s.server.unserve(path);
          routes++;
        }
        if (s.routes.size === 0) await this.closeCdpServer(port);
      }
      this.changed.fire();
      return targets.length + routes;
    });
  }

  publishedCrl(caDir: string): PublishedCrl | undefined {
    return this.publishedCrls().find((c) => c.caDir === caDir);
  }

  /** One entry per CA: its distribution point when Certscope serves it there (the URL its certificates carry). */
  private publishedCrls(): PublishedCrl[] {
    const byCa = new Map<string, PublishedCrl>();
    for (const s of this.cdpServers.values()) for (const info of s.routes.values()) if (!byCa.has(info.caDir)) byCa.set(info.caDir, info);
    for (const c of this.crlServers.values()) if (!byCa.has(c.info.caDir)) byCa.set(c.info.caDir, c.info);
    return [...byCa.values()];
  }

  /**
   * Serves the CA's CRL at a distribution point URL on this machine (http://127.0.0.1:<port>/<path>),
   * sharing one server per port between CAs. `started`: a server was started for it; `served`: it
   * was served already; `inUse`: another program holds the port (it may serve the CRL itself).
   */
  serveDistributionPoint(ca: CertificateAuthority, caName: string, url: string, owner: 'broker' | 'user'): Promise<{ outcome: 'started' | 'served' | 'added'; port: number } | { outcome: 'inUse' | 'failed'; error: string }> {
    return this.serial(async () => {
      // Loaded on first use: activation stays free of the CA and server modules (servers.js).
      const { CrlServer, localCdpOf } = await import('../../core/ca');
      const at = localCdpOf(url);
      if (!at) return { outcome: 'failed' as const, error: `${url} is not an http URL on 127.0.0.1` };
      const info: PublishedCrl = { caDir: ca.paths.dir, caName, derUrl: url, pemUrl: `${url}.pem` };
      const running = this.cdpServers.get(at.port);
      if (running) {
        const same = running.server.served(at.path) === ca.paths.crlDer;
        running.server.serve(at.path, ca.paths.crlDer, ca.paths.crlPem);
        running.routes.set(at.path, info);
        if (owner === 'user') this.cdpOwnedByBroker.delete(at.port);
        this.changed.fire();
        return { outcome: same ? 'served' as const : 'added' as const, port: at.port };
      }
      const server = new CrlServer({ host: '127.0.0.1', port: at.port });
      server.serve(at.path, ca.paths.crlDer, ca.paths.crlPem);
      try {
        await server.start();
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        return { outcome: e.code === 'EADDRINUSE' ? 'inUse' as const : 'failed' as const, error: e.message };
      }
      this.cdpServers.set(at.port, { server, routes: new Map([[at.path, info]]) });
      if (owner === 'broker') this.cdpOwnedByBroker.add(at.port);
      this.changed.fire();
      return { outcome: 'started' as const, port: at.port };
    });
  }

  /** Stops what "Start Local TLS Broker" started for the broker (OCSP responder, distribution-point servers). */
  async stopBrokerHelpers(): Promise<void> {
    if (this.ocspOwnedByBroker) {
      this.ocspOwnedByBroker = false;
      await this.stopOcsp();
    }
    const ports = [...this.cdpOwnedByBroker];
    this.cdpOwnedByBroker.clear();
    await this.serial(async () => {
      for (const p of ports) await this.closeCdpServer(p);
      if (ports.length) this.changed.fire();
    });
  }

  /** Stops the distribution-point server on `port` (every CA it serves). */
  stopDistributionPointServer(port: number): Promise<void> {
    return this.serial(async () => {
      await this.closeCdpServer(port);
      this.changed.fire();
    });
  }

  private async closeCdpServer(port: number): Promise<void> {
    const s = this.cdpServers.get(port);
    if (!s) return;
    this.cdpServers.delete(port);
    this.cdpOwnedByBroker.delete(port);
    await s.server.close();
  }

  /**
   * The CA wrote a new CRL (revocation, hold released, Publish CRL): the running broker (emqx5)
   * refetches the CA's distribution points it has cached now instead of at its refresh interval.
   * Resolves to the URLs refetched.
   */
  async refreshCrlOf(ca: CertificateAuthority): Promise<string[]> {
    const b = this.broker;
    if (!b) return [];
    const urls = new Set(ca.crlUrls);
    for (const s of this.cdpServers.values()) for (const info of s.routes.values()) if (info.caDir === ca.paths.dir) urls.add(info.derUrl);
    return b.refreshDistributionPoints([...urls]);
  }

  /** Stops every local server; one that fails to stop never leaves the others bound. */
  async stopAll(): Promise<void> {
    const failures: unknown[] = [];
    for (const stop of [() => this.stopBroker(), () => this.stopOcsp(), () => this.unpublishCrl()]) {
      try {
        await stop();
      } catch (err) {
        failures.push(err);
      }
    }
    if (failures.length) throw new AggregateError(failures, failures.map((e) => (e as Error).message).join('; '));
  }

  /** Set when the extension shuts down (window reload, exit): its stops are not the user's. */
  disposing = false;

  dispose(): void {
    this.disposing = true;
    void this.stopAll()
      .catch((err: unknown) => this.events.fire({ type: 'log', time: new Date(), level: 'error', source: 'broker', message: `stopping the local servers on shutdown: ${(err as Error).message}` }))
      .finally(() => {
        this.changed.dispose();
        this.events.dispose();
      });
  }
}
