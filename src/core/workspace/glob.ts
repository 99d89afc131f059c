// Minimal glob matching for include/exclude settings and files.exclude on watcher events (VS Code
// offers no API to test a path against a glob). Supports **, *, ?, {a,b} and [...] on '/' paths.

const cache = new Map<string, RegExp>();

function globToRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (re) return re;
  let out = '';
  let inBraces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // "**/" matches zero or more directories; a trailing "**" matches everything below.
        i++;
        if (glob[i + 1] === '/') { i++; out += '(?:[^/]*/)*'; } else out += '.*';
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '{') { inBraces++; out += '(?:'; }
    else if (c === '}' && inBraces > 0) { inBraces--; out += ')'; }
    else if (c === ',' && inBraces > 0) out += '|';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else { out += '[' + glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']'; i = end; }
    } else out += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  re = new RegExp(`^${out}$`);
  cache.set(glob, re);
  return re;
}

/** Matches a workspace-relative path ('/' separators). A pattern without '/' also matches any basename or folder name. */
export function matchesGlob(relPath: string, glob: string): boolean {
  const p = relPath.replace(/\\/g, '/');
  if (globToRegExp(glob).test(p)) return true;
  // VS Code treats files.exclude patterns as matching a folder and everything below it.
  const segments = p.split('/');
  for (let i = 1; i < segments.length; i++) {
    if (globToRegExp(glob).test(segments.slice(0, i).join('/'))) return true;
  }
  return false;
}

export function matchesAny(relPath: string, globs: string[]): boolean {
  return globs.some((g) => matchesGlob(relPath, g));
}
