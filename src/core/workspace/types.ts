// Plain data shared by the workspace analysis: an indexed file and references into it. The index
// keys files by an opaque string (an absolute path in the extension and in tests); nothing here
// knows about VS Code URIs.
import type {
  CertificateModel, CrlModel, CsrModel, DecodedItem, KeyModel, OcspResponseModel,
} from '../model';

export interface IndexedFile {
  /** Identity of the file (absolute path). */
  key: string;
  size: number;
  mtimeMs: number;
  /** Everything found in the file, in order. Empty when `error` is set. */
  items: DecodedItem[];
  /** File-level failure: too large, unreadable, timed out, or no PKI content at all. */
  error?: string;
}

/** Where an object sits: the file, the item index in it, and the position inside a container (PKCS#7/#12). */
export interface Location {
  file: string;
  item: number;
  sub?: number;
}

export interface CertRef { loc: Location; cert: CertificateModel; range: DecodedItem['range'] }
export interface CrlRef { loc: Location; crl: CrlModel; range: DecodedItem['range'] }
export interface KeyRef { loc: Location; key: KeyModel; range: DecodedItem['range'] }
export interface CsrRef { loc: Location; csr: CsrModel; range: DecodedItem['range'] }
export interface OcspRef { loc: Location; ocsp: OcspResponseModel; range: DecodedItem['range'] }
export interface ErrorRef { loc: Location; label: string; message: string; range?: DecodedItem['range'] }

