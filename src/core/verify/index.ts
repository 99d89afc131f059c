// Path validation API: verifyCertificate(target, { anchors, pool, crls, at, revocation, ocsp,
// host, policy }) -> VerifyResult (plain data: a verdict per certificate and the first failure).
export { verifyCertificate, buildPaths } from './engine';
export type { VerifyOptions, OcspChecker } from './engine';
export { ocspChecker } from './ocspCheck';
export type { OcspCheckOptions } from './ocspCheck';
export { loadCertificates, loadCrlFile, fetchCrl, systemRoots, InputError } from './inputs';
export type { VerifyResult, CertVerdict, Problem, FailureCode, RevocationStatus } from './types';
export type { PolicySettings } from './policy';
export { ANY_POLICY } from './policy';
