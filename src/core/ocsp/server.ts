// The OCSP responder over HTTP (RFC 6960 Appendix A, RFC 5019 §5): POST application/ocsp-request,
// or GET /<url-encoded base64 of the DER request>. Loopback by default, bounded request sizes,
// timeouts for slow clients, close() releases the port and every socket.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { errorResponseDer, type OcspResponder, type ResponderAnswer } from './responder';

export interface OcspServerOptions {
  host?: string;
  /** 0 (default) picks a free port; start() reports the real one. */
  port?: number;
  /** Largest accepted request body or GET path, bytes. Default 64 KiB. */
  maxRequestBytes?: number;
  /** Called once per request, for logs. Never receives key material. */
  onRequest?: (event: OcspServerEvent) => void;
}

/** One request the responder answered (or refused), for its log. */
export interface OcspServerEvent {
  method: string;
  remote: string;
  httpStatus: number;
  responseStatus?: string;
  answers?: ResponderAnswer['answers'];
  error?: string;
}

const OCSP_RESPONSE = 'application/ocsp-response';

export class OcspHttpServer {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly maxBytes: number;
  /** Requests answered, by method: the bench and tests count responder load with it. */
  readonly counts = { GET: 0, POST: 0, rejected: 0 };

  constructor(private readonly responder: OcspResponder, private readonly options: OcspServerOptions = {}) {
    this.maxBytes = options.maxRequestBytes ?? 64 * 1024;
  }

  /** Resolves once listening, with the real port and the base URL. */
  start(): Promise<{ port: number; url: string }> {
    if (this.server) throw new Error('OCSP server already started');
    const server = createServer((req, res) => this.handle(req, res));
    server.headersTimeout = 10_000;
    server.requestTimeout = 15_000;
    server.keepAliveTimeout = 5_000;
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server = server;
    const host = this.options.host ?? '127.0.0.1';
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, host, () => {
        server.off('error', reject);
        const port = (server.address() as AddressInfo).port;
        const h = host.includes(':') ? `[${host}]` : host;
        resolve({ port, url: `http://${h}:${port}/` });
      });
    });
  }

  get port(): number | undefined {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a.port : undefined;
  }

  /** Stops listening and closes every open connection. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const remote = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
    const method = req.method ?? '?';
    const reject = (httpStatus: number, error: string, ocspBody = false) => {
      this.counts.rejected++;
      const body = ocspBody ? errorResponseDer('malformedRequest') : Buffer.from(error + '\n');
      res.writeHead(httpStatus, {
        'Content-Type': ocspBody ? OCSP_RESPONSE : 'text/plain; charset=utf-8',
        'Content-Length': body.byteLength,
        ...(httpStatus === 413 ? { Connection: 'close' } : {}),
      });
      res.end(body);
      this.options.onRequest?.({ method, remote, httpStatus, ...(ocspBody ? { responseStatus: 'malformedRequest' } : {}), error });
    };

    if (method === 'GET') {
      const path = req.url ?? '/';
      if (path.length > this.maxBytes * 2) return reject(414, `request path longer than ${this.maxBytes * 2} bytes`, true);
      let der: Uint8Array;
      try {
        der = decodeGetPath(path);
      } catch (err) {
        // Like an undecodable DER body: HTTP 200 with the OCSP malformedRequest status.
        return reject(200, (err as Error).message, true);
      }
      this.counts.GET++;
      return this.answer(method, remote, der, res, true);
    }
    if (method === 'POST') {
      const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (type !== 'application/ocsp-request') {
        req.resume();
        return reject(415, `Content-Type must be application/ocsp-request, not "${type || '(none)'}"`, true);
      }
      const declared = Number(req.headers['content-length'] ?? NaN);
      if (declared > this.maxBytes) {
        req.resume();
        return reject(413, `request of ${declared} bytes is larger than the ${this.maxBytes}-byte limit`, true);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      req.on('data', (c: Buffer) => {
        if (done) return;
        size += c.length;
        if (size > this.maxBytes) {
          // Answer now and drop the rest; 'Connection: close' ends the socket once the answer is out
          // (destroying the request here could cut the answer off). requestTimeout bounds the rest.
          done = true;
          chunks.length = 0;
          reject(413, `request larger than the ${this.maxBytes}-byte limit`, true);
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => {
        if (done) return;
        done = true;
        this.counts.POST++;
        this.answer(method, remote, new Uint8Array(Buffer.concat(chunks)), res, false);
      });
      req.on('error', () => {
        done = true;
      });
      return;
    }
    res.setHeader('Allow', 'GET, POST');
    reject(405, `method ${method} not allowed: use GET or POST`);
  }

  private answer(method: string, remote: string, der: Uint8Array, res: ServerResponse, get: boolean): void {
    const a = this.responder.respond(der);
    const headers: Record<string, string | number> = { 'Content-Type': OCSP_RESPONSE, 'Content-Length': a.der.byteLength };
    if (get && a.responseStatus === 'successful' && a.thisUpdate && a.nextUpdate && !a.nonce) {
      // RFC 5019 §6.2: let HTTP caches keep the response until nextUpdate, no longer.
      const maxAge = Math.max(0, Math.floor((a.nextUpdate.getTime() - Date.now()) / 1000));
      headers['Cache-Control'] = `max-age=${maxAge}, public, no-transform, must-revalidate`;
      headers['Last-Modified'] = a.thisUpdate.toUTCString();
      headers['Expires'] = a.nextUpdate.toUTCString();
      headers['ETag'] = `"${createHash('sha1').update(a.der).digest('hex')}"`;
    } else {
      headers['Cache-Control'] = 'no-cache, no-store';
    }
    res.writeHead(200, headers);
    res.end(a.der);
    this.options.onRequest?.({ method, remote, httpStatus: 200, responseStatus: a.responseStatus, answers: a.answers, ...(a.error ? { error: a.error } : {}) });
  }
}

/**
 * GET path -> DER. The request is the URL-encoded base64 after the responder's own path, which
 * may be empty ("/MEkw...") or a prefix ("/ocsp/MEkw..."); base64 itself may contain '/', so the
 * first suffix that decodes to exactly one DER SEQUENCE wins.
 */
export function decodeGetPath(path: string): Uint8Array {
  let p = path.replace(/^\/+/, '');
  if (p.includes('?')) p = p.slice(0, p.indexOf('?'));
  let text: string;
  try {
    text = decodeURIComponent(p);
  } catch {
    throw new Error('GET path is not valid URL encoding');
  }
  // Some clients send base64url; unescaped '/' inside standard base64 is kept as is.
  text = text.replace(/-/g, '+').replace(/_/g, '/').replace(/\s/g, '');
  if (text === '') throw new Error('GET without a request: expected /<url-encoded base64 OCSP request>');
  const candidates = [text];
  for (let i = text.indexOf('/'); i >= 0; i = text.indexOf('/', i + 1)) candidates.push(text.slice(i + 1));
  let sawBase64 = false;
  for (const c of candidates) {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(c)) continue;
    sawBase64 = true;
    const der = new Uint8Array(Buffer.from(c, 'base64'));
    if (isOneDerSequence(der)) return der;
  }
  if (!sawBase64) throw new Error('GET path is not base64');
  // Let the responder report what is wrong with the bytes (malformedRequest).
  return new Uint8Array(Buffer.from(candidates[0].replace(/[^A-Za-z0-9+/=]/g, ''), 'base64'));
}

/** True when the bytes are one SEQUENCE whose encoded length covers them exactly. */
function isOneDerSequence(b: Uint8Array): boolean {
  if (b.length < 2 || b[0] !== 0x30) return false;
  const first = b[1];
  if (first < 0x80) return 2 + first === b.length;
  const n = first & 0x7f;
  if (n === 0 || n > 4 || b.length < 2 + n) return false;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[2 + i];
  return 2 + n + len === b.length;
}
