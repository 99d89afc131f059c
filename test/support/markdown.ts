// What a reader sees of hover/tooltip markdown: the backslash escapes of forMarkdown removed.
// Tests assert the visible text with it, and the escaping itself in test/unit/present/.
export function shownText(md: string): string {
  return md.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}
