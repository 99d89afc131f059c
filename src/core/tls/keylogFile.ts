// Writes TLS session secrets in the NSS key-log format (SSLKEYLOGFILE) so Wireshark/tshark can
// decrypt a capture. Opt-in only: whoever holds the file can read the session. The file is created
// 0600 and appended to (like browsers do with SSLKEYLOGFILE), never truncated.
import { closeSync, fchmodSync, fstatSync, openSync, writeSync } from 'node:fs';

class KeylogFileError extends Error {}

export class KeylogFile {
  private readonly fd: number;

  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, 'a', 0o600);
      const st = fstatSync(this.fd);
      if (!st.isFile()) {
        closeSync(this.fd);
        throw new KeylogFileError(`${path} is not a regular file`);
      }
      // An existing file readable by others: tighten it, the secrets are about to go in.
      if ((st.mode & 0o077) !== 0) fchmodSync(this.fd, 0o600);
    } catch (err) {
      if (err instanceof KeylogFileError) throw err;
      throw new KeylogFileError(`cannot write the key log ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }

  /** One line from Node's 'keylog' event (it ends with a newline already). */
  write(line: Uint8Array): void {
    writeSync(this.fd, line.at(-1) === 0x0a ? line : Buffer.concat([line, Buffer.from('\n')]));
  }

  close(): void {
    closeSync(this.fd);
  }
}
