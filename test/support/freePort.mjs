// A TCP port free on 127.0.0.1 right now (the OS picks it), for settings that need a fixed port
// in a URL (certscope.ca.crlServerPort: the CRL distribution point in issued certificates).
import { createServer } from 'node:net';

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}
