// Several processes writing one CA directory: the lock serialises them, atomic renames keep
// index.txt and the CRL whole, and a writer killed with SIGKILL leaves a state the next writer
// repairs (stale lock broken, CRL rewritten from index.txt).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../support/tmp';
import { initCa, openCa, readIndex } from '../../../src/core/ca/index';
import { parseCrl } from '../../../src/core/verify/parse';

const WRITER = join(__dirname, 'fixtures', 'writer.ts');

function runWriter(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('ca: concurrent writers and crashes', function () {
  this.timeout(60_000);
  const tmp = makeTempDir();
  after(() => tmp.cleanup());

  it('lands every revocation made by four processes at once', async () => {
    const ca = await initCa(join(tmp.dir, 'race'), { subject: '/CN=Race CA' });
    const serials: string[] = [];
    for (let i = 0; i < 12; i++) serials.push((await ca.issue({ profile: 'client', name: `c${i}` })).serialHex);
    const groups = [0, 1, 2, 3].map((g) => serials.filter((_, i) => i % 4 === g));
    const results = await Promise.all(groups.map((g) => runWriter(['revoke', ca.paths.dir, ...g])));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const entries = readIndex(readFileSync(ca.paths.database, 'utf8'));
    assert.equal(entries.length, 12);
    assert.ok(entries.every((e) => e.status === 'R' && e.revoked?.reason === 'keyCompromise'));
    const crl = parseCrl(readFileSync(ca.paths.crlDer));
    assert.equal(crl.entryCount, 12);
    // One CRL per change: 1 at init + 12 revocations.
    assert.equal(crl.crlNumber, 13n);
    assert.equal(existsSync(ca.paths.lock), false);
  });

  it('stays consistent after SIGKILL in the middle of writing, and the next writer continues', async () => {
    const ca = await initCa(join(tmp.dir, 'kill'), { subject: '/CN=Kill CA' });
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', WRITER, 'churn', ca.paths.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, 150 + round * 97));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      // Whatever moment the kill hit: index.txt parses and the CRL is a complete, signed CRL.
      const entries = readIndex(readFileSync(ca.paths.database, 'utf8'));
      const crl = parseCrl(readFileSync(ca.paths.crlDer));
      const revoked = entries.filter((e) => e.status === 'R').length;
      assert.ok(crl.entryCount === revoked || crl.entryCount === revoked - 1, `CRL ${crl.entryCount} vs index ${revoked}`);
      // The next writer breaks a stale lock and brings the CRL up to date.
      const next = openCa(ca.paths.dir);
      const c = await next.issue({ profile: 'client', name: `after-${round}` });
      await next.revoke(c.serialHex, 'keyCompromise');
      const after = parseCrl(readFileSync(ca.paths.crlDer));
      assert.equal(after.entryCount, readIndex(readFileSync(ca.paths.database, 'utf8')).filter((e) => e.status === 'R').length);
      assert.equal(existsSync(ca.paths.crlPending), false);
    }
    // Temp files of killed writers are swept by the next writer.
    assert.deepEqual(readdirSync(ca.paths.dir).filter((f) => f.endsWith('.tmp')), []);
    assert.deepEqual(readdirSync(ca.paths.newCertsDir).filter((f) => f.endsWith('.tmp')), []);
  });
});
