// Serves a CA's current CRL over HTTP on 127.0.0.1, as brokers fetch it (EMQX crl_cache_urls):
// DER at /<name>.crl (default /ca.crl), PEM at /<name>.crl.pem. Files are read fresh on each
// request, so a revocation is visible at once.
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';

export interface CrlServerOptions {
  /** crl.der of the CA (the PEM is derived as the sibling crl.pem unless pemPath is given). */
  derPath: string;
  pemPath?: string;
  host?: string;
  port?: number;
  /** URL path of the DER CRL (default "/ca.crl"); the PEM is at the same path + ".pem". */
  path?: string;
}

export class CrlServer {
  private server?: Server;
  private readonly opts: Required<CrlServerOptions>;

  constructor(opts: CrlServerOptions) {
    this.opts = {
      derPath: opts.derPath,
      pemPath: opts.pemPath ?? opts.derPath.replace(/\.der$/i, '') + '.pem',
      host: opts.host ?? '127.0.0.1',
      port: opts.port ?? 0,
      path: opts.path ?? '/ca.crl',
    };
  }

  /** Resolves once listening, with the real port and the two URLs. */
  async start(): Promise<{ port: number; derUrl: string; pemUrl: string }> {
    const server = createServer((req, res) => {
      const url = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        return;
      }
      const pem = url === this.opts.path + '.pem';
      if (url !== this.opts.path && !pem) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found; the CRL is at ${this.opts.path}\n`);
        return;
      }
      readFile(pem ? this.opts.pemPath : this.opts.derPath).then(
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
      server.listen(this.opts.port, this.opts.host, () => { server.off('error', reject); resolve(); });
    });
    const port = (server.address() as AddressInfo).port;
    const base = `http://${this.opts.host}:${port}`;
    return { port, derUrl: base + this.opts.path, pemUrl: base + this.opts.path + '.pem' };
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
