// `npm run bench [-- [--quick] [--reps N] [fanout] [keystroke]]`: runs every benchmark (or the
// named ones) in turn, prints tables and writes the figures to bench/results/<name>-<time>.json.
// Benchmarks, not tests: nothing here passes or fails on a number; compare the ratios against
// the reference measured in the same run (absolute times drift on shared machines).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { profileServersInto, ROOT } from './lib/servers.ts';
import { runFanout } from './fanout.ts';
import { runKeystroke } from './keystroke.ts';
import { runAi } from './ai.ts';
import { runRoomRelay } from './roomRelay.ts';
import { runCluster } from './cluster.ts';
import { runPredict } from './predict.ts';

interface Options {
  quick: boolean;
  profile: boolean;
  reps: number | null;
  only: Set<string>;
}

const BENCHMARKS: Record<string, (o: { quick: boolean; reps: number | null }) => Promise<unknown>> = {
  fanout: (o) => runFanout({ quick: o.quick, reps: o.reps ?? (o.quick ? 1 : 3) }),
  keystroke: (o) => runKeystroke({ quick: o.quick }),
  ai: (o) => runAi({ quick: o.quick, reps: o.reps }),
  room: (o) => runRoomRelay({ quick: o.quick, reps: o.reps ?? (o.quick ? 3 : 5) }),
  cluster: (o) => runCluster({ quick: o.quick, reps: o.reps ?? (o.quick ? 1 : 3) }),
  predict: (o) => runPredict({ quick: o.quick }),
};

function parseArgs(argv: string[]): Options {
  const options: Options = { quick: false, profile: false, reps: null, only: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--profile') options.profile = true;
    else if (arg === '--reps') options.reps = Math.max(1, Number.parseInt(argv[++i] ?? '', 10) || 1);
    else if (arg === '--help' || arg === '-h') {
      console.log(`usage: node bench/run.ts [--quick] [--profile] [--reps N] [${Object.keys(BENCHMARKS).join('|')} ...]`);
      process.exit(0);
    } else if (arg in BENCHMARKS) options.only.add(arg);
    else {
      console.error(`unknown argument "${arg}"; benchmarks: ${Object.keys(BENCHMARKS).join(', ')}`);
      process.exit(2);
    }
  }
  return options;
}

const options = parseArgs(process.argv.slice(2));
const names = Object.keys(BENCHMARKS).filter((n) => options.only.size === 0 || options.only.has(n));
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const resultsDir = join(ROOT, 'bench/results');
mkdirSync(resultsDir, { recursive: true });
// Profiling slows the servers: read the profiles of a --profile run, not its figures.
if (options.profile) profileServersInto(join(resultsDir, `profiles-${stamp}`));
console.log(`tandem bench: ${names.join(', ')}${options.quick ? ' (quick)' : ''}; node ${process.version}, ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

let failed = false;
for (const name of names) {
  const started = Date.now();
  try {
    const result = await BENCHMARKS[name](options);
    const file = join(resultsDir, `${name}-${stamp}.json`);
    writeFileSync(
      file,
      JSON.stringify({ benchmark: name, at: new Date().toISOString(), quick: options.quick, node: process.version, cores: cpus().length, loadavg: loadavg(), result }, null, 2),
    );
    console.log(`\n${name}: done in ${((Date.now() - started) / 1000).toFixed(0)} s, load now ${loadavg().map((l) => l.toFixed(2)).join(' ')}; figures in ${file}`);
  } catch (err) {
    failed = true;
    console.error(`\n${name}: failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
}
// A benchmark may report a failed part and still print the rest (process.exitCode).
process.exit(failed ? 1 : (process.exitCode ?? 0));
