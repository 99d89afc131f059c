// Runs the built CLI (`node dist/cli.js probe URL --json ...`) as a user would, optionally inside
// the servers' network namespace, and returns the parsed result. The bundle is built once per process.
import { join } from 'node:path';
import { run } from '../../support/run';
import type { ProbeResult } from '../../../src/core/probe/types';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

let built: Promise<void> | undefined;

/** `npm run build` once per process, so the matrix runs the engine of this checkout. */
export function ensureCliBuilt(): Promise<void> {
  built ??= run('npm', ['run', 'build'], { cwd: ROOT, timeout: 120_000 }).then((r) => {
    if (r.code !== 0) throw new Error(`npm run build failed (${r.code}):\n${r.stdout}${r.stderr}`);
  });
  return built;
}

export interface ProbeRun {
  args: string[];
  code: number;
  result: ProbeResult;
  stderr: string;
}

/** `certscope probe ...args --json`; `wrap` runs it through e.g. `ip netns exec NS`. */
export async function probeCli(args: string[], wrap: string[] = []): Promise<ProbeRun> {
  await ensureCliBuilt();
  const argv = [process.execPath, CLI, 'probe', ...args, '--json'];
  const [file, ...rest] = [...wrap, ...argv];
  const r = await run(file, rest, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, timeout: 90_000 });
  let parsed: unknown;
  try {
    parsed = JSON.parse(r.stdout);
  } catch {
    throw new Error(`certscope probe ${args.join(' ')} printed no JSON (exit ${r.code}):\n${r.stdout}${r.stderr}`);
  }
  // The result is the top level of --json; accept a { result } wrapper too.
  const p = parsed as { result?: ProbeResult };
  return { args, code: r.code, result: p.result ?? (parsed as ProbeResult), stderr: r.stderr };
}
