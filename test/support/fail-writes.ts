// Preload for CLI tests: `node --import tsx --import ./test/support/fail-writes.ts src/cli/main.ts ...`
// with CERTSCOPE_TEST_FAIL_WRITE="<n>:<ERRNO>" makes the n-th write of the CA's atomic writer fail
// with that errno (ENOSPC, EACCES...), as a full or read-only disk would: root ignores EACCES and
// a full disk cannot be arranged in a test otherwise. Only tests load this file.
import { setWriteFault } from '../../src/core/ca/fsAtomic';

const spec = /^(\d+):(E[A-Z]+)$/.exec(process.env.CERTSCOPE_TEST_FAIL_WRITE ?? '');
if (spec) {
  const failAt = Number(spec[1]);
  const code = spec[2];
  let n = 0;
  setWriteFault(() => {
    if (++n === failAt) throw Object.assign(new Error(`${code}: injected failure, write`), { code, syscall: 'write' }); // like write(2): no path
  });
}
