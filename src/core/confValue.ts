// A value from a key = value config file (openssl.cnf, emqx.conf): trimmed, one level of
// matching single or double quotes removed.

export function unquote(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")))) return t.slice(1, -1);
  return t;
}
