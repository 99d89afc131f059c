// A Map of lists: the index shape the workspace and revocation lookups build (several
// certificates per key hash, several CRLs per issuer).

export function pushTo<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v); else m.set(k, [v]);
}
