// A private network namespace (needs root) for servers that cannot choose their listen address
// (gnutls-serv binds every interface): the servers and the probe run in it together, so nothing
// listens outside 127.0.0.1 of that namespace. Removed by remove().
import { execFileSync } from 'node:child_process';
import { run } from '../../support/run';

export interface Netns {
  name: string;
  /** Prefix that runs a command inside the namespace. */
  wrap: string[];
  /** Resolves when `port` accepts a TCP connection inside the namespace. */
  waitForPort(port: number, alive: () => boolean, what: string, ms?: number): Promise<void>;
  remove(): Promise<void>;
}

let count = 0;
const live = new Set<string>();
// A namespace left by a test process that ended early is deleted on the way out.
process.on('exit', () => {
  for (const name of live) {
    try { execFileSync('ip', ['netns', 'delete', name], { stdio: 'ignore' }); } catch { /* gone already */ }
  }
});

export async function createNetns(): Promise<Netns> {
  if (process.getuid?.() !== 0) throw new Error('a private network namespace needs root (ip netns add)');
  const name = `certscope-${process.pid}-${count++}`;
  const must = async (args: string[]): Promise<void> => {
    const r = await run('ip', args);
    if (r.code !== 0) throw new Error(`ip ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  };
  await must(['netns', 'add', name]);
  live.add(name);
  const wrap = ['ip', 'netns', 'exec', name];
  try {
    await must(['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
  } catch (err) {
    await run('ip', ['netns', 'delete', name]);
    live.delete(name);
    throw err;
  }
  return {
    name, wrap,
    waitForPort: async (port, alive, what, ms = 20_000) => {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        if (!alive()) throw new Error(`${what} exited before listening on ${port}`);
        // bash's /dev/tcp: a plain TCP connect from inside the namespace.
        const r = await run(wrap[0], [...wrap.slice(1), 'bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`]);
        if (r.code === 0) return;
        await new Promise((res) => setTimeout(res, 100));
      }
      throw new Error(`${what} did not listen on ${port} in ${name} within ${ms / 1000} s`);
    },
    remove: async () => {
      await run('ip', ['netns', 'delete', name]);
      live.delete(name);
    },
  };
}
