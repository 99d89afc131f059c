// A TLS terminator in front of a plain mosquitto (nginx stream, HAProxy): the broker starts first,
// then the terminator with one TLS listener per profile proxying to it; the plain profile is the
// broker itself. Whatever started is stopped again when a later step fails.
import { readFileSync } from 'node:fs';
import { startPlainMosquitto } from './mosquitto';
import { freePorts, spawnGroup, stopAll, waitForPort, type ServerProcess } from './process';
import type { Profile, RunningStack, StackName } from './stack';

export type TlsProfile = Exclude<Profile, 'plain'>;

export interface TerminatorCommand {
  cmd: string;
  args: string[];
  /** A log file the terminator writes instead of stderr, shown with the logs. */
  logFile?: string;
}

/** `configure` writes the terminator's configuration for these listener ports and the broker's port. */
export async function startTerminatorStack(name: StackName, workDir: string, profiles: TlsProfile[],
  configure: (listen: Record<TlsProfile, number>, backendPort: number) => TerminatorCommand): Promise<RunningStack> {
  const backend = await startPlainMosquitto(workDir, `${name}-backend`);
  const procs: ServerProcess[] = [backend.proc];
  try {
    const listen = await freePorts(profiles);
    const command = configure(listen, backend.port);
    const proc = spawnGroup(command.cmd, command.args);
    procs.push(proc);
    for (const [profile, port] of Object.entries(listen)) await waitForPort(port as number, proc, `${name} (${profile})`);
    const logFile = (): string => {
      try { return command.logFile ? readFileSync(command.logFile, 'utf8').slice(-64 * 1024) : ''; } catch { return ''; }
    };
    return {
      name, ports: { ...listen, plain: backend.port }, scheme: 'mqtts', wrap: [],
      stop: () => stopAll(procs),
      logs: () => [...procs.map((p) => p.output()), logFile()].join('\n'),
    };
  } catch (err) {
    await stopAll(procs);
    throw err;
  }
}
