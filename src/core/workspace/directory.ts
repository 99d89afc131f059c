// A folder indexed the way the Workspace PKI tree indexes a workspace, for the CLI (`certscope scan`,
// `certscope verify --workspace`) and tests: every PKI file under it (the default include
// extensions), plus the CRLs its CA folders name (openssl.cnf crl / crl_dir), decoded and analysed.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBytes } from '../decode/index';
import { caCrlFiles } from '../revocation/discovery';
import { analyze, type AnalysisOptions, type WorkspaceAnalysis } from './analysis';
import { loadFile } from './loader';
import type { IndexedFile } from './types';

/** The extensions of the extension's default `certscope.inspect.include`. */
const PKI_FILE_EXTENSIONS = ['pem', 'crt', 'cer', 'cert', 'der', 'crl', 'csr', 'key', 'p7b', 'p7c', 'p12', 'pfx', 'ocsp', 'resp'];

const SKIP_DIRS = new Set(['node_modules', '.git']);
const MAX_FILES = 50_000;
const MAX_BYTES = 5 * 1024 * 1024;

export async function indexDirectory(dir: string, options: AnalysisOptions): Promise<WorkspaceAnalysis> {
  const ext = new RegExp(`\\.(${PKI_FILE_EXTENSIONS.join('|')})$`, 'i');
  const found = new Set<string>();
  const caDirs: string[] = [];
  const walk = (d: string, depth: number): void => {
    if (depth > 32 || found.size >= MAX_FILES) return;
    let entries;
    try { entries = readdirSync(d, { withFileTypes: true }); } catch { return; }
    if (entries.some((e) => e.name === 'index.txt' && e.isFile())) caDirs.push(d);
    for (const e of entries) {
      if (e.isDirectory() && !SKIP_DIRS.has(e.name)) walk(join(d, e.name), depth + 1);
      else if (e.isFile() && ext.test(e.name)) found.add(join(d, e.name));
    }
  };
  walk(dir, 0);
  for (const ca of caDirs) for (const f of caCrlFiles(ca)) found.add(f);
  const files: IndexedFile[] = [];
  for (const key of [...found].sort()) {
    const f = await loadFile(key, { decode: (bytes, fileName) => decodeBytes(bytes, { fileName }), maxBytes: MAX_BYTES, timeoutMs: 10_000 });
    if (f) files.push(f);
  }
  return analyze(files, options);
}
