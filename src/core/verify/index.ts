// Path validation API: verifyCertificate(target, { anchors, pool, crls, at, revocation, ocsp,
// host, policy }) -> VerifyResult (plain data: a verdict per certificate and the first failure).
export { verifyCertificate } from './engine';
export type { VerifyOptions } from './engine';
export { ocspChecker } from './ocspCheck';
export { loadCertificates, loadCrlFile, fetchCrl, systemRoots, InputError } from './inputs';
export type { VerifyResult } from './types';
