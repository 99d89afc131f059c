// Serves CAs' current CRLs over HTTP on 127.0.0.1, as brokers fetch them (EMQX 5 from a
// certificate's CRL distribution point, EMQX 4 crl_cache_urls): DER at /<name>.crl (default
// /ca.crl), PEM at /<name>.crl.pem. One server (one port) can serve several CAs, each under its
// own path (serve()). Files are read fresh on each request, so a revocation is visible at once.
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';

export interface CrlServerOptions {
  /** crl.der of the CA (the PEM is derived as the sibling crl.pem unless pemPath is given). Omitted: no CA until serve(). */
  derPath?: string;
  pemPath?: string;
  host?: string;
  port?: number;
  /** URL path of the DER CRL (default "/ca.crl"); the PEM is at the same path + ".pem". */
  path?: string;
}

interface Route {
  derPath: string;
  pemPath: string;
}

export class CrlServer {
  private server?: Server;
  private readonly host: string;
  private readonly port: number;
  private readonly routes = new Map<string, Route>();

  constructor(opts: CrlServerOptions) {
    this.host = opts.host ?? '127.0.0.1';
    this.port = opts.port ?? 0;
    if (opts.derPath) this.serve(opts.path ?? '/ca.crl', opts.derPath, opts.pemPath);
  }

  /** Serves a CA's CRL at `path` (DER) and `path`.pem; replaces what was served there. */
  serve(path: string, derPath: string, pemPath?: string): void {
    if (!path.startsWith('/') || path.endsWith('.pem')) throw new Error(`CRL path must start with "/" and not end in .pem: ${path}`);
    this.routes.set(path, { derPath, pemPath: pemPath ?? derPath.replace(/\.der$/i, '') + '.pem' });
  }

  /** Stops serving `path`; resolves to how many paths are still served. */
  unserve(path: string): number {
    this.routes.delete(path);
    return this.routes.size;
  }

  /** The DER file served at `path`, if any. */
  served(path: string): string | undefined {
    return this.routes.get(path)?.derPath;
  }

  /** Resolves once listening, with the real port and the URLs of the first CA served. */
  async start(): Promise<{ port: number; derUrl: string; pemUrl: string }> {
    const server = createServer((req, res) => {
      const url = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        return;
      }
      const pem = url.endsWith('.pem') && this.routes.has(url.slice(0, -4));
      const route = this.routes.get(pem ? url.slice(0, -4) : url);
      if (!route) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found; CRLs are at ${[...this.routes.keys()].join(', ') || '(none yet)'}\n`);
        return;
      }
      readFile(pem ? route.pemPath : route.derPath).then(
        (body) => {
          res.writeHead(200, {
            'Content-Type': pem ? 'application/x-pem-file' : 'application/pkix-crl',
            'Content-Length': body.length,
            'Cache-Control': 'no-cache',
          });
          res.end(req.method === 'HEAD' ? undefined : body);
        },
        () => res.writeHead(503, { 'Content-Type': 'text/plain' }).end('no CRL has been written yet\n'),
      );
    });
    server.requestTimeout = 10_000;
    server.headersTimeout = 5_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => { server.off('error', reject); resolve(); });
    });
    const port = (server.address() as AddressInfo).port;
    const first = this.routes.keys().next().value ?? '/ca.crl';
    const base = `http://${this.host}:${port}`;
    return { port, derUrl: base + first, pemUrl: base + first + '.pem' };
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
