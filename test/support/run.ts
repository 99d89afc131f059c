import { execFile, type ExecFileOptions } from 'node:child_process';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program (never through a shell) and resolves with its exit code and output; never rejects on exit != 0. */
export function run(file: string, args: string[], options: ExecFileOptions & { input?: string | Buffer } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { maxBuffer: 256 * 1024 * 1024, timeout: 60_000, ...options, encoding: 'utf8' }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
      if (e && typeof e.code === 'string') return reject(e); // spawn failure, e.g. ENOENT
      resolve({ code: e ? Number(e.code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
    // A program may exit without reading its input: EPIPE on stdin is not the result, the exit code is.
    child.stdin?.on('error', () => undefined);
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Runs openssl and throws with its stderr when it fails. */
export async function openssl(args: string[], options: ExecFileOptions & { input?: string | Buffer } = {}): Promise<string> {
  const r = await run('openssl', args, options);
  if (r.code !== 0) throw new Error(`openssl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}
