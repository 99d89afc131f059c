// NSS key-log lines ("LABEL <client_random hex> <secret hex>") as Node's 'keylog' event gives them.

export interface KeylogEntry {
  label: string;
  clientRandom: Buffer;
  secret: Buffer;
}

export function parseKeylogLine(line: Buffer | string): KeylogEntry | undefined {
  const parts = String(line).trim().split(/\s+/);
  if (parts.length !== 3 || !/^[0-9a-fA-F]+$/.test(parts[1]) || !/^[0-9a-fA-F]+$/.test(parts[2])) return undefined;
  return { label: parts[0], clientRandom: Buffer.from(parts[1], 'hex'), secret: Buffer.from(parts[2], 'hex') };
}

/** Label -> secret for one connection's key-log lines (later lines win). */
export function secretsByLabel(lines: ReadonlyArray<Buffer | string>): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const line of lines) {
    const e = parseKeylogLine(line);
    if (e) out.set(e.label, e.secret);
  }
  return out;
}
