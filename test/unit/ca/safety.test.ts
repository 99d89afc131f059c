// Keys and the CA database are never lost or corrupted (issue 10 §1): an issued/<name>/ is never
// replaced, dates stay within what X.509 and index.txt can hold, a write that fails midway leaves
// no certificate without its key and no temp file, nothing is written through a symbolic link,
// and CA folders are 0700 whatever the umask. openssl (x509, ca -gencrl) judges the results.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initCa, openCa, readIndex, type CertificateAuthority } from '../../../src/core/ca/index';
import { setWriteFault } from '../../../src/core/ca/fsAtomic';
import { makeTempDir } from '../../support/tmp';
import { openssl, run } from '../../support/run';

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Every file under dir (relative paths), temp files included. */
function walk(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (lstatSync(p).isDirectory()) out.push(...walk(p, base));
    else out.push(p.slice(base.length + 1));
  }
  return out;
}

/** openssl's own CA code still reads the folder: index.txt, serial, crlnumber, key, config. */
async function gencrlWorks(ca: CertificateAuthority): Promise<void> {
  const r = await run('openssl', ['ca', '-config', ca.paths.config, '-gencrl', '-out', join(ca.paths.dir, '..', 'openssl-gencrl.pem')]);
  assert.equal(r.code, 0, `openssl ca -gencrl failed: ${r.stderr}`);
}

/** The invariants after any issue, failed or not: each index entry has certs/<SERIAL>.pem, each issued folder a key and certificate, no temp file. */
function assertConsistent(ca: CertificateAuthority): void {
  const files = walk(ca.paths.dir);
  assert.deepEqual(files.filter((f) => f.endsWith('.tmp')), [], 'temp files left behind');
  for (const e of readIndex(readFileSync(ca.paths.database, 'utf8'))) {
    assert.ok(existsSync(join(ca.paths.newCertsDir, `${e.serialHex}.pem`)), `index.txt records ${e.serialHex} without certs/${e.serialHex}.pem`);
  }
  for (const name of readdirSync(ca.paths.issuedDir)) {
    const have = readdirSync(join(ca.paths.issuedDir, name)).sort();
    assert.deepEqual(have, ['cert.pem', 'chain.pem', 'fullchain.pem', 'key.pem'], `issued/${name} is incomplete: ${have.join(', ')}`);
  }
}

describe('ca/safety: keys and the database are never lost or corrupted', function () {
  this.timeout(60_000);
  const tmp = makeTempDir();
  after(() => tmp.cleanup());
  let n = 0;
  const freshCa = async (): Promise<CertificateAuthority> => initCa(join(tmp.dir, `ca${++n}`, 'ca'), { subject: '/CN=Safety CA', key: 'p256' });

  it('refuses a --name that exists, leaving its key and index.txt untouched', async () => {
    const ca = await freshCa();
    const first = await ca.issue({ profile: 'client', name: 'device', subject: '/CN=device' });
    const key = sha(first.paths.key!);
    const index = readFileSync(ca.paths.database, 'utf8');
    await assert.rejects(ca.issue({ profile: 'client', name: 'device', subject: '/CN=device' }), /issued\/device already exists \(it holds an earlier certificate and its key\): choose another name/);
    assert.equal(sha(first.paths.key!), key, 'the first key was replaced');
    assert.equal(readFileSync(ca.paths.database, 'utf8'), index, 'the refused issue changed index.txt');
    assertConsistent(ca);
  });

  it('subjects that sanitise to the same folder (non-ASCII CNs, ".", "..") get distinct folders inside issued/', async () => {
    const ca = await freshCa();
    const issued = [];
    for (const cn of ['日本', '中国', '.', '..', 'Ünïcödé', '_nicode']) issued.push(await ca.issue({ profile: 'client', subject: `/CN=${cn}` }));
    const dirs = issued.map((i) => i.paths.dir);
    assert.equal(new Set(dirs).size, dirs.length, `folders collide: ${dirs.join(', ')}`);
    for (const i of issued) {
      assert.equal(join(i.paths.dir, '..'), ca.paths.issuedDir, `${i.paths.dir} is not directly inside issued/`);
      const pub = await openssl(['pkey', '-in', i.paths.key!, '-pubout']);
      assert.equal(pub, await openssl(['x509', '-in', i.paths.cert, '-noout', '-pubkey']), `${i.paths.dir}: key and certificate do not match`);
    }
    assert.equal(issued[1].folderTaken, join(ca.paths.issuedDir, 'cert'));
    assertConsistent(ca);
  });

  it('refuses given names that cannot be one folder', async () => {
    const ca = await freshCa();
    for (const name of ['.', '..', 'a/b', '../x', '', 'x'.repeat(101), '-rf', 'nul\u0000']) {
      await assert.rejects(ca.issue({ profile: 'client', name, subject: '/CN=x' }), /cannot be a folder name/, JSON.stringify(name));
    }
    assert.deepEqual(readdirSync(ca.paths.issuedDir), []);
  });

  it('clamps a validity past 9999-12-31 to 99991231235959Z; index.txt stays readable and openssl ca -gencrl works', async () => {
    const ca = await freshCa();
    const huge = await ca.issue({ profile: 'server', name: 'forever', dns: ['x'], days: 1e12 });
    assert.match(await openssl(['x509', '-in', huge.paths.cert, '-noout', '-enddate']), /notAfter=Dec 31 23:59:59 9999 GMT/);
    assert.match(readFileSync(ca.paths.database, 'utf8'), /^V\t99991231235959Z\t/m);
    const viaNotAfter = await ca.issue({ profile: 'client', name: 'far', notAfter: new Date(Date.UTC(20000, 0, 1)) });
    assert.match(await openssl(['x509', '-in', viaNotAfter.paths.cert, '-noout', '-enddate']), /9999 GMT/);
    // A CRL valid for more than 100 years is refused: openssl.cnf's default_crl_days would break -gencrl.
    await assert.rejects(ca.writeCrl({ nextUpdateHours: 1e15 }), /CRL validity must be a positive number of hours, at most 876000/);
    await assert.rejects(initCa(join(tmp.dir, 'hugecrl'), { subject: '/CN=x', crlHours: 1e12 }), /at most 876000/);
    assert.equal(existsSync(join(tmp.dir, 'hugecrl')), false);
    await assert.rejects(ca.revoke(huge.serialHex, 'superseded', new Date(Date.UTC(10000, 0, 1))), /revocation date must be between 1950-01-01 and 9999-12-31/);
    await ca.revoke(huge.serialHex, 'superseded');
    assert.equal(readIndex(readFileSync(ca.paths.database, 'utf8')).length, 2);
    await gencrlWorks(ca);
  });

  it('after every CA command, openssl ca -gencrl still works on the folder', async () => {
    const ca = await freshCa();
    await gencrlWorks(ca);
    const steps: Array<[string, () => Promise<unknown>]> = [
      ['issue server', () => ca.issue({ profile: 'server', name: 's', dns: ['s.example'], ip: ['127.0.0.1', '::1'] })],
      ['issue client', () => ca.issue({ profile: 'client', subject: '/O=Acme/CN=Ünïcödé device' })],
      ['issue ocsp', () => ca.issue({ profile: 'ocsp', name: 'ocsp' })],
      ['issue ca', () => ca.issue({ profile: 'ca', name: 'subca', pathLen: 0 })],
      ['intermediate', () => initCa(join(ca.paths.dir, 'sub'), { subject: '/CN=Sub', parent: ca })],
      ['revoke keyCompromise', async () => ca.revoke((await ca.issue({ profile: 'client', name: 'k' })).serialHex, 'keyCompromise', undefined, { compromiseTime: new Date(Date.now() - 86_400_000) })],
      ['hold', async () => ca.revoke((await ca.issue({ profile: 'client', name: 'h' })).serialHex, 'certificateHold')],
      ['release hold', async () => ca.unrevoke(ca.list().find((e) => e.revoked?.reason === 'certificateHold')!.serialHex)],
      ['revoke past date', async () => ca.revoke((await ca.issue({ profile: 'client', name: 'p' })).serialHex, 'superseded', new Date(Date.UTC(2001, 0, 1)))],
      ['crl', () => ca.writeCrl({ nextUpdateHours: 24 })],
    ];
    for (const [what, step] of steps) {
      await step();
      await gencrlWorks(ca).catch((e: Error) => { throw new Error(`after ${what}: ${e.message}`); });
    }
  });

  it('a failed init (disk full at any write) leaves no half-made CA; an existing ca.key is never replaced', async () => {
    for (let failAt = 1; failAt <= 9; failAt++) {
      const dir = join(tmp.dir, `init-fail-${failAt}`);
      let k = 0;
      setWriteFault(() => { if (++k === failAt) throw Object.assign(new Error('ENOSPC: injected'), { code: 'ENOSPC', syscall: 'write' }); });
      try {
        await assert.rejects(initCa(dir, { subject: '/CN=Init Fail' }), (e: NodeJS.ErrnoException) => e.code === 'ENOSPC');
      } finally {
        setWriteFault(undefined);
      }
      assert.equal(existsSync(dir), false, `write ${failAt}: ${dir} left behind`);
      await initCa(dir, { subject: '/CN=Init Fail' }); // and the folder can be used again
    }
    const keyed = join(tmp.dir, 'has-key');
    mkdirSync(keyed);
    writeFileSync(join(keyed, 'ca.key'), 'precious');
    await assert.rejects(initCa(keyed, { subject: '/CN=x' }), /ca\.key already exists: a key is never replaced/);
    assert.equal(readFileSync(join(keyed, 'ca.key'), 'utf8'), 'precious');
    assert.deepEqual(readdirSync(keyed), ['ca.key']);
  });

  it('a write that fails at any point of an issue leaves no certificate without its key and no temp file', async () => {
    const ca = await freshCa();
    await ca.issue({ profile: 'client', name: 'before', subject: '/CN=before' });
    // Count the writes of one issue, then fail each of them in turn (ENOSPC and EACCES).
    let writes = 0;
    setWriteFault(() => { writes++; });
    try { await ca.issue({ profile: 'client', name: 'counting', subject: '/CN=counting' }); } finally { setWriteFault(undefined); }
    assert.ok(writes >= 6, `an issue makes ${writes} writes`);
    for (let failAt = 1; failAt <= writes; failAt++) {
      const code = failAt % 2 ? 'ENOSPC' : 'EACCES';
      const index = readFileSync(ca.paths.database, 'utf8');
      let k = 0;
      setWriteFault((path) => {
        if (++k === failAt) throw Object.assign(new Error(`${code}: injected, open '${path}'`), { code, path, syscall: 'write' });
      });
      try {
        await assert.rejects(ca.issue({ profile: 'client', name: `fail${failAt}`, subject: `/CN=fail${failAt}` }), (e: NodeJS.ErrnoException) => e.code === code);
      } finally {
        setWriteFault(undefined);
      }
      assert.equal(readFileSync(ca.paths.database, 'utf8'), index, `write ${failAt}: index.txt changed by a failed issue`);
      assert.equal(existsSync(join(ca.paths.issuedDir, `fail${failAt}`)), false, `write ${failAt}: issued/fail${failAt} left behind`);
      assertConsistent(ca);
    }
    // A revocation that fails at any write: afterwards (the next command repairs a half-done one)
    // index.txt and the CRL agree, as openssl reads them.
    for (let failAt = 1; failAt <= 4; failAt++) {
      const victim = await ca.issue({ profile: 'client', name: `rev${failAt}`, subject: `/CN=rev${failAt}` });
      let k = 0;
      setWriteFault(() => { if (++k === failAt) throw Object.assign(new Error('ENOSPC: injected'), { code: 'ENOSPC', syscall: 'write' }); });
      try { await ca.revoke(victim.serialHex, 'superseded').catch(() => undefined); } finally { setWriteFault(undefined); }
      await ca.writeCrl();
      const revoked = ca.list().find((e) => e.serialHex === victim.serialHex)?.status === 'R';
      const crlText = await openssl(['crl', '-in', ca.paths.crlPem, '-noout', '-text']);
      assert.equal(new RegExp(`Serial Number: 0*${victim.serialHex}`, 'i').test(crlText), revoked, `write ${failAt} of a revoke: index.txt and the CRL disagree`);
      assertConsistent(ca);
    }
    // The CA still works afterwards, for Certscope and for openssl.
    const after = await ca.issue({ profile: 'client', name: 'after', subject: '/CN=after' });
    assert.match(await openssl(['verify', '-CAfile', ca.paths.certificate, after.paths.cert]), /OK/);
    assertConsistent(ca);
    await gencrlWorks(ca);
  });

  it('never writes through a symbolic link: .crl-pending, issued/<name>, a CA file', async () => {
    const ca = await freshCa();
    const victim = join(tmp.dir, `victim${n}`);
    writeFileSync(victim, 'precious\n');
    const outsideDir = join(tmp.dir, `outside${n}`);
    mkdirSync(outsideDir);
    // A hostile repository ships .crl-pending pointing at a file of the user.
    symlinkSync(join(tmp.dir, `missing${n}`), ca.paths.crlPending);
    const srv = await ca.issue({ profile: 'server', name: 'srv', dns: ['srv'] }).catch((e: Error) => e);
    assert.ok(!(srv instanceof Error), String(srv));
    await assert.rejects(ca.revoke(srv.serialHex, 'superseded'), /refusing to write .*\.crl-pending: it is a symbolic link/);
    assert.equal(existsSync(join(tmp.dir, `missing${n}`)), false, 'a file was created through the link');
    // issued/<name> planted as a link to a folder outside: a given name is refused, a derived one moves on.
    symlinkSync(outsideDir, join(ca.paths.issuedDir, 'device'));
    await assert.rejects(ca.issue({ profile: 'client', name: 'device', subject: '/CN=device' }), /already exists/);
    const derived = await ca.issue({ profile: 'client', subject: '/CN=device' });
    assert.equal(derived.paths.dir, join(ca.paths.issuedDir, 'device-2'));
    assert.deepEqual(readdirSync(outsideDir), [], 'files were written through the link');
    // A CA file replaced by a link (serial -> the victim): refused, the victim unchanged.
    const serialPath = ca.paths.serial;
    const serial = readFileSync(serialPath, 'utf8');
    writeFileSync(victim, serial);
    const { rmSync } = await import('node:fs');
    rmSync(serialPath);
    symlinkSync(victim, serialPath);
    await assert.rejects(ca.issue({ profile: 'client', name: 'x', subject: '/CN=x' }), /refusing to write .*serial: it is a symbolic link/);
    assert.equal(readFileSync(victim, 'utf8'), serial);
  });

  it('creates CA folders 0700 and keys 0600 whatever the umask (umask 000)', async () => {
    const old = process.umask(0);
    try {
      const ca = await freshCa();
      const i = await ca.issue({ profile: 'client', name: 'dev', subject: '/CN=dev' });
      for (const d of [ca.paths.dir, ca.paths.newCertsDir, ca.paths.issuedDir, i.paths.dir]) {
        assert.equal(statSync(d).mode & 0o777, 0o700, `${d} is ${(statSync(d).mode & 0o777).toString(8)}`);
      }
      assert.equal(statSync(i.paths.key!).mode & 0o777, 0o600);
      assert.equal(statSync(ca.paths.privateKey).mode & 0o777, 0o600);
      assert.equal(statSync(i.paths.cert).mode & 0o777, 0o644);
      const sub = await initCa(join(ca.paths.dir, 'sub'), { subject: '/CN=Sub', parent: ca });
      assert.equal(statSync(sub.paths.dir).mode & 0o777, 0o700);
    } finally {
      process.umask(old);
    }
  });

  it('a hostile certscope.json (crlHours not a number, or centuries) is refused when a CRL is written, with a clear message', async () => {
    const ca = await freshCa();
    for (const crlHours of ['forever', 1e300]) {
      writeFileSync(join(ca.paths.dir, 'certscope.json'), JSON.stringify({ crlHours }));
      const reopened = openCa(ca.paths.dir);
      assert.equal(reopened.list().length, 0, 'the CA can still be listed');
      await assert.rejects(reopened.writeCrl(), /crlHours in certscope\.json or default_crl_days in openssl\.cnf\) must be a positive number of hours, at most 876000/);
    }
  });
});
