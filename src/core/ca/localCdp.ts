// The CRL distribution point a Development CA puts into the certificates it issues when its CRL
// is served by Certscope itself: http://127.0.0.1:<port>/<name>.crl (EMQX 5 fetches http only).
// One CRL server per port serves every CA under its own path (see crlServer.ts).

/** Default port of Certscope's CRL HTTP server (setting certscope.ca.crlServerPort). */
export const DEFAULT_CRL_SERVER_PORT = 8089;

/** The URL path for a CA: its folder name made URL-safe ("Dev CA" -> "/dev-ca.crl"). */
export function cdpPathFor(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '') || 'ca';
  return `/${slug}.crl`;
}

export function localCdpUrl(port: number, path: string): string {
  return `http://127.0.0.1:${port}${path}`;
}

/** Port and path of a CDP URL that Certscope can serve on this machine (http to 127.0.0.1 or localhost), else undefined. */
export function localCdpOf(url: string): { port: number; path: string } | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' || !['127.0.0.1', 'localhost'].includes(u.hostname) || u.search || u.hash) return undefined;
  const port = u.port ? Number(u.port) : 80;
  return { port, path: u.pathname };
}
