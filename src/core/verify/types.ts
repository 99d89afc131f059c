// Plain-data results of path validation: what the CLI, the extension and tests see.

type FailureCode =
  | 'parse' | 'noIssuer' | 'untrusted' | 'signature' | 'expired' | 'notYetValid' | 'nameChaining' | 'notCA'
  | 'pathLength' | 'keyUsage' | 'extKeyUsage' | 'nameConstraints' | 'policy' | 'unknownCriticalExtension'
  | 'revoked' | 'revocationUnknown' | 'hostname';

export interface Problem {
  code: FailureCode;
  message: string;
}

export interface RevocationStatus {
  status: 'good' | 'revoked' | 'unknown' | 'notChecked';
  source?: 'crl' | 'ocsp';
  /** CRLReason name for revoked certificates. */
  reason?: string;
  revocationDate?: Date;
  /** Why the status could not be determined, or which CRL/responder answered. */
  detail?: string;
}

export interface CertVerdict {
  /** 0 = the certificate being verified; the trust anchor is last. */
  index: number;
  role: 'leaf' | 'intermediate' | 'anchor';
  subject: string;
  issuer: string;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  sha256: string;
  ok: boolean;
  problems: Problem[];
  revocation: RevocationStatus;
}

export interface VerifyResult {
  valid: boolean;
  /** Validation time. */
  at: Date;
  /** The first failure, with the index (as in `path`) of the certificate it concerns. */
  failure?: Problem & { certIndex?: number };
  /** Leaf first, trust anchor last; may stop early when no issuer was found. */
  path: CertVerdict[];
  /** Policies valid for the path (user-constrained-policy-set), when policy processing ran. */
  policies?: string[];
  hostname?: { name: string; matched: boolean; detail: string };
}
