// Owns the servers Certscope runs inside the extension host: the local TLS MQTT broker, the OCSP
// responder and the CRL HTTP servers. Each running server has one owner here (its own lifetime,
// shorter than the extension's); dispose() stops them all, so deactivation never leaves a port
// bound. Views, the status bar and the broker log listen to onDidChange / onBrokerEvent.
import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import { TlsMqttBroker } from '../../core/broker/broker';
import type { BrokerConfig } from '../../core/broker/config';
import type { BrokerEvent, BrokerState, ConnectedClient, ConnectionEvent } from '../../core/broker/types';
import { CrlServer, type CertificateAuthority } from '../../core/ca';
import { IndexStatusSource } from '../../core/ocsp/indexStatus';
import { OcspResponder } from '../../core/ocsp/responder';
import { OcspHttpServer } from '../../core/ocsp/server';
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
      crls: [...this.crlServers.values()].map((c) => c.info),
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
          message: `responder: ${ev.method} from ${ev.remote} -> ${ev.responseStatus ?? ev.httpStatus}${ev.answers?.length ? ` (${ev.answers.map((a) => `${a.serialHex} ${a.status}`).join(', ')})` : ''}${ev.error ? `: ${ev.error}` : ''}`,
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
      this.changed.fire();
      return targets.length;
    });
  }

  publishedCrl(caDir: string): PublishedCrl | undefined {
    return this.crlServers.get(caDir)?.info;
  }

  async stopAll(): Promise<void> {
    await this.stopBroker();
    await this.stopOcsp();
    await this.unpublishCrl();
  }

  /** Set when the extension shuts down (window reload, exit): its stops are not the user's. */
  disposing = false;

  dispose(): void {
    this.disposing = true;
    void this.stopAll().finally(() => {
      this.changed.dispose();
      this.events.dispose();
    });
  }
}
