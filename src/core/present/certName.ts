// How a certificate is named in one line on every surface (tree, chains, CA and broker views):
// its subject CN, else the whole subject, else "(empty subject)".

export function certDisplayName(cert: { subject: { commonName?: string; rfc4514: string } }): string {
  return cert.subject.commonName ?? (cert.subject.rfc4514 || '(empty subject)');
}

/** The CN inside a subject already rendered as text (broker snapshots, CA index lines), else the text. */
export function commonNameIn(subject: string): string;
export function commonNameIn(subject: string | undefined): string | undefined;
export function commonNameIn(subject: string | undefined): string | undefined {
  return subject === undefined ? undefined : /CN=([^/,\n]+)/.exec(subject)?.[1] ?? subject;
}
