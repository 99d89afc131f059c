import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

export type FileRead = { ok: true; bytes: Uint8Array } | { ok: false; error: string };

/**
 * Reads a file for decoding. The size is checked on the open descriptor first, so a huge file is
 * refused without being read; a file that grows while read is cut at the cap and refused too.
 */
export function readFileForDecoding(path: string, maxBytes = DEFAULT_MAX_BYTES): FileRead {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const st = fstatSync(fd);
    if (st.isDirectory()) return { ok: false, error: 'is a directory' };
    if (st.size > maxBytes) return { ok: false, error: `file is ${formatSize(st.size)}, over the ${formatSize(maxBytes)} limit; not read` };
    // Read straight into one buffer sized from fstat (+1 byte to notice a file that grew).
    let out = Buffer.allocUnsafe(st.size + 1);
    let total = 0;
    for (;;) {
      if (total === out.length) {
        if (total > maxBytes) return { ok: false, error: `file is over the ${formatSize(maxBytes)} limit; not read` };
        const bigger = Buffer.allocUnsafe(Math.min(out.length * 2, maxBytes + 1));
        out.copy(bigger, 0, 0, total);
        out = bigger;
      }
      const n = readSync(fd, out, total, out.length - total, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) return { ok: false, error: `file is over the ${formatSize(maxBytes)} limit; not read` };
    }
    return { ok: true, bytes: new Uint8Array(out.buffer, out.byteOffset, total) };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.code === 'EISDIR' ? 'is a directory' : err.message;
    return { ok: false, error: why };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function formatSize(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${n} bytes`;
}
