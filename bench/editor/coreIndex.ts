// Child process for bench/editor-scale.bench.ts (run with tsx, one mode per process so memory is
// measured alone): `core DIR` indexes every file under DIR with the core (read, decode, analysis,
// tree) in this thread; `x509 DIR` reads and parses the same files with Node's X509Certificate
// (subject, issuer, validity, fingerprint), the plain-Node baseline. Prints {ms, rssMb}.
import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBytes } from '../../src/core/decode/index';
import { WorkspaceIndex } from '../../src/core/workspace/index';
import { loadFile } from '../../src/core/workspace/loader';
import { PkiTree } from '../../src/core/workspace/tree';

async function main(): Promise<void> {
  const [mode, dir] = process.argv.slice(2);
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.pem')).map((f) => join(dir, f));
  const rss0 = process.memoryUsage().rss;
  const t = performance.now();
  let count = 0;
  if (mode === 'core') {
    const index = new WorkspaceIndex((k) => loadFile(k, { decode: (b, n) => decodeBytes(b, { fileName: n }), maxBytes: 5 << 20, timeoutMs: 10_000 }));
    await index.refresh(files);
    const tree = new PkiTree(index.analysis({ now: new Date(), expiringDays: 30 }));
    count = tree.roots().length > 0 ? index.size : 0;
  } else {
    for (const f of files) {
      const x = new X509Certificate(readFileSync(f));
      void [x.subject, x.issuer, x.validFrom, x.validTo, x.fingerprint256];
      count++;
    }
  }
  const ms = performance.now() - t;
  process.stdout.write(JSON.stringify({ ms, rssMb: Math.round((process.memoryUsage().rss - rss0) / 1024 / 1024), count }) + '\n');
}

void main();
