// Programmatic API of the development CA (used by the CLI, the extension, the OCSP responder,
// the broker and the demo).
//
//   const ca = await initCa('/tmp/ca', { subject: '/CN=Dev Root', key: 'p256' });
//   const inter = await initCa('/tmp/ca/sub', { subject: '/CN=Dev Sub', parent: ca, pathLen: 0 });
//   const srv = await inter.issue({ profile: 'server', name: 'broker', dns: ['localhost'], ip: ['127.0.0.1'] });
//   await inter.revoke(srv.paths.cert, 'keyCompromise');  // also writes crl.pem / crl.der
//   openCa(dir).list()                                    // index.txt entries
export { initCa, openCa, CertificateAuthority, CaError, REVOCATION_REASONS } from './authority';
export type { IssuedCertificate, RevokeResult, Profile } from './authority';
export { readIndex, formatIndex, indexBySerial } from './indexDb';
export { opensslSerial as normalizeSerialHex, serialKey } from '../serial';
export type { IndexEntry } from './indexDb';
export { ISSUED_FILES } from './layout';
export { KEY_SPECS } from './keys';
export type { KeySpec } from './keys';
export { checkBrokerFilesFree } from './brokerFiles';
export { CrlServer } from './crlServer';
export { readCsr } from './csr';
export type { CsrInfo } from './csr';
export { cdpPathFor, localCdpOf, localCdpUrl } from './localCdp';
