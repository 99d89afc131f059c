// A minimal reader for openssl.cnf: sections, `key = value`, comments, and $var / ${var} /
// $section::var expansion. Enough to find where an existing `openssl ca` directory keeps its files.
import { unquote } from '../confValue';

export type ConfSections = Map<string, Map<string, string>>;

/** The unnamed top section is "default", as in OpenSSL. */
export function parseOpensslConf(text: string): ConfSections {
  const sections: ConfSections = new Map([['default', new Map()]]);
  let current = sections.get('default')!;
  let currentName = 'default';
  for (const rawLine of text.split(/\r?\n/)) {
    const line = stripComment(rawLine).trim();
    if (!line) continue;
    const sec = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (sec) {
      currentName = sec[1];
      current = sections.get(currentName) ?? new Map();
      sections.set(currentName, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    let value = unquote(line.slice(eq + 1).trim());
    value = expand(value, sections, currentName);
    current.set(key, value);
  }
  return sections;
}

function stripComment(line: string): string {
  // '#' starts a comment unless escaped; quotes are rare in CA configs, keep this simple.
  const m = /(^|[^\\])#/.exec(line);
  return m ? line.slice(0, m.index + m[1].length) : line;
}

function expand(value: string, sections: ConfSections, currentName: string): string {
  return value.replace(/\$(?:\{([^}]+)\}|\(([^)]+)\)|([A-Za-z0-9_]+(?:::[A-Za-z0-9_]+)?))/g, (whole, a?: string, b?: string, c?: string) => {
    const ref = a ?? b ?? c ?? '';
    const [sec, key] = ref.includes('::') ? ref.split('::') : [currentName, ref];
    const v = sections.get(sec)?.get(key) ?? sections.get('default')?.get(key);
    return v ?? whole;
  });
}

/** The section named by [ca] default_ca (or the given name), e.g. CA_default. */
export function caSection(conf: ConfSections, name?: string): Map<string, string> | undefined {
  const secName = name ?? conf.get('ca')?.get('default_ca');
  return secName ? conf.get(secName) : undefined;
}
