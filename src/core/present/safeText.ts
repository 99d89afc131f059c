// Text that came from a certificate, a file or a network peer (subjects, SANs, MQTT client ids and
// topics, error messages quoting file content) is hostile: it may carry terminal escape sequences,
// line breaks that forge log lines, bidi overrides that reorder what the reader sees, or markdown
// that turns into links and tables. Every presenter passes such text through one of these two
// functions before showing it.

/**
 * Characters a terminal, a log viewer or an editor would act on instead of showing:
 * C0 controls (ESC starts ANSI sequences, CR/LF forge lines), DEL, C1 controls (0x9b is a one-byte
 * CSI), the line/paragraph separators, and the bidi marks, embeddings, overrides and isolates.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** True when the text holds a character forTerminal would escape. */
export function hasUnsafeText(s: string): boolean {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(s);
}

/**
 * One line of plain text for a terminal or a text log: every control, C1 and bidi character
 * becomes a visible escape ("\x1b", "\x9b", "\u202e", "\n"); everything else is unchanged.
 */
export function forTerminal(s: string): string {
  return s.replace(UNSAFE, visible);
}

/**
 * Multi-line plain text whose line breaks are meant (a report, a help text): escapes like
 * forTerminal but keeps "\n". Use forTerminal on the hostile fields themselves when a forged line
 * break matters (log lines).
 */
export function forTerminalText(s: string): string {
  return s.replace(UNSAFE, (c) => (c === '\n' ? c : visible(c)));
}

/**
 * A VS Code label that renders "$(name)" as an icon (CodeLens titles, quick pick items): the
 * forTerminal escapes, and "$(" backslash-escaped as VS Code's escapeIcons does, so a name cannot
 * plant icons ("$(pass) trusted").
 */
export function forIconLabel(s: string): string {
  return forTerminal(s).replace(/\$\(/g, '\\$(');
}

/**
 * One line for a VS Code notification (showInformation/Warning/ErrorMessage): plain text, except
 * that "[label](command:...)" / "(https://...)" becomes a clickable link there, so "](" is broken
 * apart ("] (") besides the forTerminal escapes. A certificate name cannot plant a command link.
 */
export function forNotification(s: string): string {
  return forTerminal(s).replace(/\]\(/g, '] (');
}

/**
 * JSON text (JSON.stringify output) for a terminal: JSON.stringify leaves DEL, C1 (0x9b CSI),
 * separators and bidi characters raw inside strings; they become \uXXXX escapes. The text stays
 * exact JSON: it parses to the same values.
 */
export function jsonForTerminal(json: string): string {
  // Raw line feeds are the pretty-printer's (inside strings JSON.stringify writes "\\n").
  return json.replace(UNSAFE, (c) => (c === '\n' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * Inline markdown (a hover or tooltip line, a table cell) that shows the text literally:
 * controls become visible escapes as in forTerminal (so no line break ends a table row), and every
 * ASCII punctuation character is backslash-escaped (CommonMark allows it for all of them), so no
 * emphasis, code span, link, HTML tag, table cell separator, list marker, "$(icon)" or bare-URL
 * autolink ("http://x", "www.x.com", "a@b.c" all need ':', '.' or '@') can form.
 */
export function forMarkdown(s: string): string {
  return forTerminal(s).replace(/[!-/:-@[-`{-~]/g, '\\$&');
}
