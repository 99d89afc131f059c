// The `certscope ca` and `certscope verify` commands as a user runs them: exit codes 0 valid,
// 1 invalid/refused, 2 bad input; --json output; CRLs fetched by URL; openssl agrees.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { makeTempDir } from '../../support/tmp';
import { run } from '../../support/run';
import { CrlServer } from '../../../src/core/ca/index';

const MAIN = join(__dirname, '../../../src/cli/main.ts');
const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', MAIN, ...args]);

describe('certscope ca / verify CLI', function () {
  this.timeout(90_000);
  const tmp = makeTempDir();
  const root = join(tmp.dir, 'root');
  const sub = join(tmp.dir, 'sub');
  after(() => tmp.cleanup());

  it('prints help for both commands', async () => {
    for (const c of ['ca', 'verify']) {
      const r = await cli(c, '--help');
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^Usage:/);
    }
  });

  it('builds a CA hierarchy, issues, revokes and lists', async () => {
    assert.equal((await cli('ca', 'init', root, '--subject', '/CN=CLI Root')).code, 0);
    const s = await cli('ca', 'init', sub, '--subject', '/CN=CLI Sub', '--parent', root, '--path-len', '0');
    assert.equal(s.code, 0, s.stderr);
    const issued = await cli('ca', 'issue', sub, '--profile', 'server', '--name', 'srv', '--dns', 'localhost', '--json');
    assert.equal(issued.code, 0, issued.stderr);
    assert.match(JSON.parse(issued.stdout).serialHex, /^[0-9A-F]+$/);
    assert.equal((await cli('ca', 'issue', sub, '--profile', 'client', '--name', 'dev')).code, 0);
    const rev = await cli('ca', 'revoke', sub, join(sub, 'issued/dev/cert.pem'), '--reason', 'keyCompromise');
    assert.equal(rev.code, 0, rev.stderr);
    assert.match(rev.stdout, /revoked \/CN=dev .*keyCompromise.*CRL #2/);
    const again = await cli('ca', 'revoke', sub, join(sub, 'issued/dev/cert.pem'));
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already revoked/);
    const list = await cli('ca', 'list', sub);
    assert.match(list.stdout, /REVOKED .* keyCompromise .*\/CN=dev/);
    assert.match(list.stdout, /valid .*\/CN=srv/);
  });

  it('verify: 0 for a valid server, 1 for a revoked client (CRL by URL), 2 for bad input', async () => {
    const ok = await cli('verify', join(sub, 'issued/srv/fullchain.pem'), '--ca', join(root, 'ca.crt'), '--host', 'localhost', '--crl', join(sub, 'crl.pem'));
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /: OK/);
    const server = new CrlServer({ derPath: join(sub, 'crl.der') });
    const { derUrl } = await server.start();
    try {
      const bad = await cli('verify', join(sub, 'issued/dev/cert.pem'), '--chain', join(sub, 'ca.crt'), '--ca', join(root, 'ca.crt'), '--crl', derUrl, '--json');
      assert.equal(bad.code, 1);
      const j = JSON.parse(bad.stdout);
      assert.equal(j.valid, false);
      assert.equal(j.failure.code, 'revoked');
      assert.equal(j.path[0].revocation.reason, 'keyCompromise');
    } finally {
      await server.close();
    }
    const host = await cli('verify', join(sub, 'issued/srv/fullchain.pem'), '--ca', join(root, 'ca.crt'), '--host', 'other.example');
    assert.equal(host.code, 1);
    assert.match(host.stdout, /INVALID: other\.example does not match subjectAltName/);
    assert.equal((await cli('verify', join(tmp.dir, 'missing.pem'))).code, 2);
    const badCrl = await cli('verify', join(sub, 'issued/srv/cert.pem'), '--ca', join(root, 'ca.crt'), '--crl', join(sub, 'ca.crt'));
    assert.equal(badCrl.code, 2);
    assert.match(badCrl.stderr, /no CRL found/);
    assert.equal((await cli('verify', join(sub, 'issued/srv/cert.pem'), '--at', 'yesterday')).code, 2);
    assert.equal((await cli('verify', join(sub, 'issued/srv/cert.pem'), '--bogus')).code, 2);
    assert.equal((await cli('ca', 'issue', sub, '--profile', 'server', '--name', 'x', '--key', 'rsa1024')).code, 2);
    const expired = await cli('verify', join(sub, 'issued/srv/fullchain.pem'), '--ca', join(root, 'ca.crt'), '--at', '2099-01-01T00:00:00Z');
    assert.equal(expired.code, 1);
    assert.match(expired.stdout, /expired at/);
  });
});
