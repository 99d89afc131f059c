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
