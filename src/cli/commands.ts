// The CLI's command table. Each command lives in its own module, loaded only when used.
// A command returns its exit code: 0 success, 1 "checked and found bad" (invalid, refused), 2 bad input.

export interface CliCommand {
  summary: string;
  run(argv: string[]): Promise<number>;
}

type Loader = () => Promise<CliCommand>;

export const commands: Record<string, Loader> = {
  // Filled by each feature: e.g. inspect: async () => (await import('./inspect')).inspectCommand,
  ocsp: async () => (await import('./ocsp')).ocspCommand,
  inspect: async () => (await import('./inspect')).inspectCommand,
  probe: async () => (await import('./probe')).probeCommand,
  demo: async () => (await import('./demo')).demoCommand,
  ca: async () => (await import('./ca')).caCommand,
  verify: async () => (await import('./verify')).verifyCommand,
  broker: async () => (await import('./broker')).brokerCommand,
  scan: async () => (await import('./scan')).scanCommand,
};
