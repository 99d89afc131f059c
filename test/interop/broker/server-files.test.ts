// A server certificate outside a CA's issued/ folder (core/broker/serverFiles.ts) against files the
// openssl CLI made: the CA's signature, serverAuth, and the private key found beside it by public
// key (openssl says which key belongs to which certificate), never by name alone.
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueWithOpenssl, type OpensslCert } from '../../support/openssl-pki';
import { openssl } from '../../support/run';
import { makeTempDir } from '../../support/tmp';
import { keyBeside, keyFit, readServerCertificate, requireKeyFits, ServerFilesError } from '../../../src/core/broker/serverFiles';

describe('server certificate files outside issued/ (openssl-made)', () => {
  const tmp = makeTempDir();
  let ca: OpensslCert;
  let other: OpensslCert;
  let server: OpensslCert;
  let client: OpensslCert;
  let caPem: string;

  before(async () => {
    const caExt = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash';
    ca = await issueWithOpenssl(tmp.dir, 'ca', { subject: '/CN=Files CA', extensions: caExt });
    other = await issueWithOpenssl(tmp.dir, 'other', { subject: '/CN=Other CA', extensions: caExt });
    mkdirSync(join(tmp.dir, 'servers'));
    server = await issueWithOpenssl(join(tmp.dir, 'servers'), 'broker', { subject: '/CN=localhost', issuer: ca,
      extensions: 'basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost' });
    client = await issueWithOpenssl(tmp.dir, 'device', { subject: '/CN=device', issuer: ca,
      extensions: 'basicConstraints=critical,CA:FALSE\nextendedKeyUsage=clientAuth' });
    caPem = readFileSync(ca.certPath, 'utf8');
  });
  after(() => tmp.cleanup());

  it('finds the key beside the certificate by public key, as openssl pairs them', async () => {
    // A decoy key first in name order, and the real key under an unrelated name.
    copyFileSync(client.keyPath, join(tmp.dir, 'servers', 'a-broker.key'));
    const hidden = join(tmp.dir, 'servers', 'tls-private.pem');
    copyFileSync(server.keyPath, hidden);
    const cert = readServerCertificate(server.certPath, caPem, 'Files CA');
    const found = keyBeside(server.certPath, cert);
    assert.ok(found === server.keyPath || found === hidden, String(found));
    assert.equal(await openssl(['pkey', '-in', found!, '-pubout']), await openssl(['x509', '-in', server.certPath, '-noout', '-pubkey']));
    assert.equal(keyFit(join(tmp.dir, 'servers', 'a-broker.key'), cert), 'other-key');
  });

  it('no key beside: undefined; a wrong, encrypted or non-key file is refused by name, without key material', async () => {
    const lone = join(tmp.dir, 'lone');
    mkdirSync(lone);
    copyFileSync(server.certPath, join(lone, 'broker.crt'));
    const cert = readServerCertificate(join(lone, 'broker.crt'), caPem, 'Files CA');
    assert.equal(keyBeside(join(lone, 'broker.crt'), cert), undefined);
    const encrypted = join(lone, 'enc.key');
    await openssl(['pkey', '-in', server.keyPath, '-aes256', '-passout', 'pass:secret', '-out', encrypted]);
    assert.equal(keyFit(encrypted, cert), 'encrypted');
    writeFileSync(join(lone, 'junk.key'), 'not a key\n');
    const messages = [client.keyPath, encrypted, join(lone, 'junk.key')].map((k) => {
      try { requireKeyFits(k, cert, join(lone, 'broker.crt')); return 'accepted'; } catch (e) { assert.ok(e instanceof ServerFilesError); return (e as Error).message; }
    });
    assert.deepEqual(messages, [
      'device.key is not the private key of broker.crt (another public key)',
      'enc.key is encrypted: the broker needs the key without a passphrase',
      'junk.key holds no private key',
    ]);
    assert.doesNotMatch(messages.join('\n'), /BEGIN|MI[A-Za-z0-9+/]{20}/);
    requireKeyFits(server.keyPath, cert, server.certPath);
  });

  it('refuses a certificate of another CA, a client certificate and the CA itself', () => {
    const refused = (file: string) => assert.throws(() => readServerCertificate(file, caPem, 'Files CA'), ServerFilesError);
    refused(other.certPath);
    assert.throws(() => readServerCertificate(other.certPath, caPem, 'Files CA'), /other\.crt was not issued by Files CA/);
    assert.throws(() => readServerCertificate(client.certPath, caPem, 'Files CA'), /device\.crt is not a server certificate/);
    refused(ca.certPath);
    assert.throws(() => readServerCertificate(join(tmp.dir, 'missing.crt'), caPem, 'Files CA'), /cannot read .*missing\.crt: ENOENT/);
  });
});
