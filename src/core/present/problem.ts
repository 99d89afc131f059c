// One wording for "this block could not be decoded", shared by the CLI and the editor, e.g.
// "ca.pem: block 2 (CERTIFICATE), line 31: truncated base64", or "garbage.crt: no PEM block and
// no DER structure found" when there is no block to point at.
import type { DecodedItem } from '../model';
import { forTerminal } from './safeText';

/** Labels that stand for "the whole file" rather than a PEM block with a line to point at. */
const WHOLE_FILE_LABELS = new Set(['DER', 'NONE', 'EMPTY']);

/** The problem line, safe for a terminal (file names and messages may quote hostile text). */
export function describeProblem(file: string, item: DecodedItem): string | undefined {
  const text = problemText(file, item);
  return text === undefined ? undefined : forTerminal(text);
}

function problemText(file: string, item: DecodedItem): string | undefined {
  const r = item.result;
  if (r.kind === 'error') {
    const isPemBlock = (item.range.endLine > item.range.startLine || r.line !== undefined) && !WHOLE_FILE_LABELS.has(item.label);
    if (!isPemBlock) return `${file}: ${r.message}`;
    return `${file}: block ${item.range.block + 1} (${item.label}), line ${(r.line ?? item.range.startLine) + 1}: ${r.message}`;
  }
  if (r.kind === 'pkcs12' && !r.opened) return `${file}: ${r.error ?? 'PKCS#12 file not opened'}`;
  return undefined;
}
