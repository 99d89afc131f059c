// Prints the stack x case matrix as markdown: the cause the probe diagnosed (diagnosis[0].kind and
// its confidence, or "works"), marked where it breaks the contract, and the alerts each stack sent.
//
//   npx tsx test/interop/stacks/matrix.ts [--stacks openssl,gnutls,...] [--runs N] [--hog] [--probe-arg ARG]...
//
// --runs N runs every case N times against the same servers and lists each case whose answer
// (verdict, cause, confidence) differed between runs. --hog keeps both cores busy meanwhile with two
// `yes >/dev/null` processes, started here and killed by their PIDs. --probe-arg adds an argument to
// every probe (e.g. --no-differential). Exit 1 when a case breaks the contract or an answer differed.
import { spawn, type ChildProcess } from 'node:child_process';
import { casesFor, CASES, expectedFor, expectedWire } from './cases';
import { LAUNCHERS } from './launchers';
import { runMatrix, type CaseOutcome } from './matrix-run';
import { ensureCliBuilt } from './probe-cli';
import { sharedPki } from './shared-pki';
import { STACK_INFO, STACKS, type RunningStack, type StackName } from './stack';
import { contractViolation } from './contract';
import { makeTempDir } from '../../support/tmp';

interface Options {
  stacks: StackName[];
  runs: number;
  hog: boolean;
  probeArgs: string[];
}

function parse(argv: string[]): Options {
  const o: Options = { stacks: [...STACKS], runs: 1, hog: false, probeArgs: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--hog') o.hog = true;
    else if (a === '--probe-arg' && argv[i + 1]) o.probeArgs.push(argv[++i]);
    else if (a === '--runs' && /^[1-9]\d?$/.test(argv[i + 1] ?? '')) o.runs = Number(argv[++i]);
    else if (a === '--stacks' && argv[i + 1]) {
      const names = argv[++i].split(',');
      const bad = names.filter((n) => !(STACKS as readonly string[]).includes(n));
      if (bad.length) throw new Error(`--stacks: unknown ${bad.join(', ')} (known: ${STACKS.join(', ')})`);
      o.stacks = names as StackName[];
    } else throw new Error(`unknown or incomplete option ${a}\nusage: matrix.ts [--stacks a,b] [--runs 1-99] [--hog] [--probe-arg ARG]...`);
  }
  return o;
}

/** Two busy loops, one per core, ended by their PIDs. */
function startHog(): () => void {
  const hogs: ChildProcess[] = [0, 1].map(() => spawn('sh', ['-c', 'exec yes >/dev/null'], { stdio: 'ignore' }));
  return () => {
    for (const h of hogs) if (h.pid !== undefined && h.exitCode === null) process.kill(h.pid, 'SIGKILL');
  };
}

const answerOf = (o: CaseOutcome): string => o.answer === 'ok' ? 'works' : `${o.answer} (${o.confidence ?? 'no confidence'})`;

async function main(): Promise<number> {
  const opts = parse(process.argv.slice(2));
  await ensureCliBuilt();
  const pki = await sharedPki();
  const stopHog = opts.hog ? startHog() : () => undefined;
  process.on('exit', stopHog);
  const runs = new Map<StackName, Array<Map<string, CaseOutcome>>>();
  const tmp = makeTempDir('certscope-matrix-');
  try {
    for (const name of opts.stacks) {
      let stack: RunningStack | undefined;
      try {
        stack = await LAUNCHERS[name](pki, tmp.dir);
        const all: Array<Map<string, CaseOutcome>> = [];
        for (let i = 0; i < opts.runs; i++) {
          all.push(await runMatrix(pki, stack, undefined, opts.probeArgs));
          process.stderr.write(`${name}: run ${i + 1}/${opts.runs} done\n`);
        }
        runs.set(name, all);
      } finally {
        await stack?.stop();
      }
    }
  } finally {
    stopHog();
    tmp.cleanup();
  }

  const stacks = opts.stacks;
  const out: string[] = [];
  let broken = 0;
  out.push(`| case | ${stacks.map((s) => STACK_INFO[s].title).join(' | ')} |`, `|---|${stacks.map(() => '---').join('|')}|`);
  for (const c of CASES) {
    const cells = stacks.map((s) => {
      if (!casesFor(s).some((x) => x.id === c.id)) return 'n/a';
      const o = runs.get(s)![0].get(c.id)!;
      const expect = expectedFor(s, c);
      const problem = contractViolation(o, expect);
      if (problem) broken++;
      return problem ? `**${answerOf(o)}** ✗ (want ${expect === 'ok' ? 'works' : expect})` : answerOf(o);
    });
    out.push(`| ${c.id}: ${c.what} | ${cells.join(' | ')} |`);
  }
  out.push('', 'Alerts received (✗: not what the stack is known to send)', '', `| case | ${stacks.join(' | ')} |`, `|---|${stacks.map(() => '---').join('|')}|`);
  for (const c of CASES) {
    const cells = stacks.map((s) => {
      if (!casesFor(s).some((x) => x.id === c.id)) return 'n/a';
      const o = runs.get(s)![0].get(c.id)!;
      return o.wire === expectedWire(s, c) ? o.wire : `**${o.wire}** ✗`;
    });
    out.push(`| ${c.id} | ${cells.join(' | ')} |`);
  }
  out.push('', "The server's TLS stack as the probe guessed it (failing cases; count)", '');
  for (const s of stacks) {
    const guesses = new Map<string, number>();
    for (const o of runs.get(s)![0].values()) {
      if (o.run.result.ok) continue;
      const g = o.run.result.serverStack;
      const key = g ? `${g.name} (${g.confidence})` : 'no guess';
      guesses.set(key, (guesses.get(key) ?? 0) + 1);
    }
    out.push(`- ${STACK_INFO[s].title}: ${[...guesses].map(([k, n]) => `${k}: ${n}`).join('; ')}`);
  }
  const unstable: string[] = [];
  if (opts.runs > 1) {
    for (const s of stacks) {
      for (const c of casesFor(s)) {
        const answers = runs.get(s)!.map((m) => `${answerOf(m.get(c.id)!)} [${m.get(c.id)!.wire}]`);
        if (new Set(answers).size > 1) unstable.push(`- ${s} ${c.id}: ${answers.join(' / ')}`);
      }
    }
    out.push('', `${opts.runs} runs${opts.hog ? ' under a CPU hog (2 x yes)' : ''}: ${unstable.length ? `${unstable.length} case(s) answered differently` : 'every case answered the same every time'}`, ...unstable);
  }
  out.push('', `${broken} case(s) break the contract`);
  process.stdout.write(out.join('\n') + '\n');
  return broken || unstable.length ? 1 : 0;
}

main().then((code) => process.exit(code), (err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
