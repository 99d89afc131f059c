// The client side of the broker benchmarks: connect (TLS, then MQTT CONNECT) in a loop for a
// while, `concurrency` connections at a time, counting CONNACKs that accept. Runs in a child
// process so the client's CPU stays out of the broker's.
import { spawn } from 'node:child_process';
import * as tls from 'node:tls';

export interface ConnectLoopJob {
  port: number;
  /** One per client certificate, used round-robin. */
  contexts: tls.SecureContext[];
  connect: Buffer;
  ms: number;
  concurrency: number;
  requestOCSP?: boolean;
}

export interface ConnectLoopResult {
  count: number;
  errors: number;
  lastError: string;
}

export async function connectLoop(job: ConnectLoopJob): Promise<ConnectLoopResult> {
  const end = Date.now() + job.ms;
  const r: ConnectLoopResult = { count: 0, errors: 0, lastError: '' };
  let next = 0;
  const one = (): Promise<void> => new Promise((resolve) => {
    let done = false;
    const finish = (ok: boolean, why?: string): void => {
      if (done) return;
      done = true;
      if (ok) r.count++; else { r.errors++; r.lastError = why ?? r.lastError; }
      s.destroy();
      resolve();
    };
    // requestOCSP is a documented TLSSocket option that @types/node leaves out of ConnectionOptions.
    const s = tls.connect({ host: '127.0.0.1', port: job.port, servername: 'localhost', secureContext: job.contexts[next++ % job.contexts.length], requestOCSP: job.requestOCSP } as tls.ConnectionOptions);
    s.on('secureConnect', () => s.write(job.connect));
    // CONNACK with return code / reason code 0 (byte 3 in both 3.1.1 and 5).
    s.on('data', (d: Buffer) => finish(d[0] === 0x20 && d[3] === 0, `unexpected reply ${d.subarray(0, 5).toString('hex')}`));
    s.on('error', (e) => finish(false, e.message));
    s.on('close', () => finish(false, 'closed'));
    s.setTimeout(20_000, () => finish(false, 'timeout'));
  });
  await Promise.all(Array.from({ length: job.concurrency }, async () => {
    while (Date.now() < end) await one();
  }));
  return r;
}

/** Runs `script FLAG ARG` in a child Node process (tsx) and returns the JSON it prints last. */
export function runLoopChild(script: string, flag: string, arg: string): Promise<ConnectLoopResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, flag, arg], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('exit', (code) => {
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '') as ConnectLoopResult);
      } catch {
        reject(new Error(`bench client failed (${code}): ${out}`));
      }
    });
  });
}
