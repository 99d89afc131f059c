// Server processes for the stack matrix: each runs in its own process group (so stop() also ends
// whatever it forked: nginx/HAProxy workers, the Erlang VM's helpers, `ip netns exec` children) and
// is killed by that group's id, never by name. Groups still alive when the test process exits are
// killed too. stdin stays open and unused: openssl s_server ends its session on EOF there.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import * as net from 'node:net';
import { acceptsTcp } from '../../support/net';

export interface ServerProcess {
  pid: number;
  /** stdout + stderr so far (for failure messages). */
  output(): string;
  exited(): boolean;
  stop(): Promise<void>;
}

const live = new Set<number>();
process.on('exit', () => {
  for (const pgid of live) {
    try { process.kill(-pgid, 'SIGKILL'); } catch { /* already gone */ }
  }
});

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function spawnGroup(cmd: string, args: string[], options: SpawnOptions = {}): ServerProcess {
  const child: ChildProcess = spawn(cmd, args, { ...options, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
  const pid = child.pid;
  live.add(pid);
  let text = '';
  const keep = (d: Buffer): void => { text = (text + d.toString()).slice(-64 * 1024); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let gone = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => { gone = true; resolve(); }));
  child.once('error', (err) => { text += `\n${cmd}: ${err.message}`; gone = true; });
  const signal = (sig: NodeJS.Signals): void => {
    try { process.kill(-pid, sig); } catch { /* the group is gone */ }
  };
  return {
    pid,
    output: () => text,
    exited: () => gone,
    stop: async () => {
      if (!gone) {
        signal('SIGTERM');
        const t = setTimeout(() => signal('SIGKILL'), 3000);
        await exit;
        clearTimeout(t);
      }
      // Workers may outlive the leader for a moment: end the rest of the group, and make sure it is gone.
      signal('SIGKILL');
      const deadline = Date.now() + 5000;
      while (groupAlive(pid)) {
        if (Date.now() > deadline) throw new Error(`process group ${pid} (${cmd}) survived SIGKILL`);
        await new Promise((r) => setTimeout(r, 20));
      }
      live.delete(pid);
    },
  };
}

/**
 * One free 127.0.0.1 port per key, all distinct: the sockets are held open together until every
 * port is known (ports taken one by one may repeat once the first is closed again).
 */
export async function freePorts<K extends string>(keys: K[]): Promise<Record<K, number>> {
  const servers = await Promise.all(keys.map(() => new Promise<net.Server>((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  })));
  const ports = Object.fromEntries(keys.map((k, i) => [k, (servers[i].address() as net.AddressInfo).port])) as Record<K, number>;
  await Promise.all(servers.map((srv) => new Promise<void>((r) => srv.close(() => r()))));
  return ports;
}

/** Resolves when `port` on 127.0.0.1 accepts a TCP connection; throws if the process exits first. */
export async function waitForPort(port: number, proc: ServerProcess, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (proc.exited()) throw new Error(`${what} exited before listening on ${port}:\n${proc.output()}`);
    if (await acceptsTcp(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not listen on ${port} within ${ms / 1000} s:\n${proc.output()}`);
}

/** Resolves when the process printed a line matching `re` (for servers in another network namespace). */
export async function waitForOutput(proc: ServerProcess, re: RegExp, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (re.test(proc.output())) return;
    if (proc.exited()) throw new Error(`${what} exited before it was ready:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} was not ready within ${ms / 1000} s:\n${proc.output()}`);
}

/** Stops every process, even when one stop fails. */
export async function stopAll(procs: ServerProcess[]): Promise<void> {
  await Promise.allSettled(procs.map((p) => p.stop()));
}

/** `proc` once `until` resolves; stops it and rethrows when `until` fails. */
export async function started(proc: ServerProcess, until: (p: ServerProcess) => Promise<void>): Promise<ServerProcess> {
  try {
    await until(proc);
    return proc;
  } catch (err) {
    await proc.stop();
    throw err;
  }
}

/** Waits for every start; when one fails, stops those that started and throws the first failure. */
export async function allStarted(starts: Array<Promise<ServerProcess>>): Promise<ServerProcess[]> {
  const results = await Promise.allSettled(starts);
  const ok = results.flatMap((r) => r.status === 'fulfilled' ? [r.value] : []);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await stopAll(ok);
    throw failed.reason;
  }
  return ok;
}
