// The services built once in activate() and handed to every registerX(context, services).
// Plain object, no global locator: a feature gets exactly what activate() passes it.
import type { Log } from './log';
import type { DecodedDocumentProvider } from './editor/decodedDocument';
import type { PkiWorkspace } from './views/pkiWorkspace';

export interface Services {
  log: Log;
  /** Content provider behind the read-only `certscope-decoded:` documents. */
  decodedDocuments: DecodedDocumentProvider;
  /** The workspace PKI index shared by tree, hover, CodeLens, diagnostics and badges. */
  pki: PkiWorkspace;
}
