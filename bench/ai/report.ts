// Tables of the AI benchmark's browser figures (issues 3 and 7): one row per case, each column
// the median across the case's runs, and the figures next to their targets.
import { fmt, median, printTable } from '../lib/stats.ts';
import type { OpenRun } from './openLarge.ts';
import type { StreamRun } from './stream.ts';
import type { TypingRun } from './typing.ts';
import type { WatcherRun } from './watcher.ts';

export interface StreamCase {
  label: string;
  rate: number;
  runs: StreamRun[];
}

type Who = StreamRun['people'][number]['who'];
type PersonRun = StreamRun['people'][number];

/** Person `who` in each run; a run without them (Node only) reads as NaN. */
function person(runs: StreamRun[], who: Who): PersonRun[] {
  const absent = { appliedMs: Number.NaN, appliedRate: Number.NaN, ratio: Number.NaN, changes: Number.NaN, busy: null, latency: [], latencyEol: [] };
  return runs.map((s) => s.people.find((p) => p.who === who) ?? { who, ...absent });
}

const med = <T>(items: T[], f: (item: T) => number | undefined): number => median(items.map((i) => f(i) ?? Number.NaN));

/** Nearest-rank percentile of one run's latencies. */
function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1] : Number.NaN;
}

export interface CaseFigures {
  label: string;
  rate: number;
  bRatio: number;
  bP50: number;
  bP99: number;
  bTaskPer1k: number;
  txP50: number;
  frameP50: number;
}

/** The median row of each case, printed as three tables (throughput, line latency, per-update cost). */
export function printStreamCases(cases: StreamCase[]): CaseFigures[] {
  const throughput: string[][] = [];
  const latency: string[][] = [];
  const cost: string[][] = [];
  const figures: CaseFigures[] = [];
  for (const { label, rate, runs } of cases) {
    if (runs.length === 0) continue;
    const b = person(runs, 'B');
    const a = person(runs, 'A');
    const node = person(runs, 'node');
    const perRun = runs.map((s, i) => ({ s, b: b[i] }));
    const bTaskPer1k = med(perRun, ({ s, b: p }) => ((p.cpu?.taskMs ?? Number.NaN) * 1000) / s.tokens);
    throughput.push([
      label,
      String(runs.length),
      fmt(med(runs, (s) => s.loadAtStart[0]), 2),
      String(Math.round(med(runs, (s) => s.tokens))),
      fmt(med(runs, (s) => s.upstreamRate), 0),
      fmt(med(b, (p) => p.appliedRate), 0),
      fmt(med(b, (p) => p.ratio), 3),
      fmt(Math.min(...b.map((p) => p.ratio)), 3),
      fmt(med(a, (p) => p.ratio), 3),
      fmt(med(node, (p) => p.ratio), 3),
      fmt(med(b, (p) => p.appliedRate) / rate, 3),
      fmt(med(b, (p) => p.changes), 0),
      fmt(100 * med(b, (p) => p.busy ?? Number.NaN), 0),
      fmt(med(perRun, ({ s, b: p }) => ((p.cpu?.threadMs ?? Number.NaN) * 1000) / s.tokens), 1),
      fmt(bTaskPer1k, 1),
    ]);
    const lat = (people: PersonRun[], key: 'latency' | 'latencyEol', p: number) => med(people, (x) => pct(x[key], p));
    latency.push([
      label,
      String(med(b, (p) => p.latency.length)),
      fmt(lat(b, 'latency', 50)),
      fmt(lat(b, 'latency', 95)),
      fmt(lat(b, 'latency', 99)),
      fmt(lat(b, 'latency', 100)),
      fmt(lat(b, 'latencyEol', 50)),
      fmt(lat(b, 'latencyEol', 99)),
      fmt(lat(a, 'latency', 50)),
      fmt(lat(a, 'latency', 99)),
      fmt(lat(node, 'latency', 50)),
      fmt(lat(node, 'latency', 99)),
    ]);
    const c = b.map((p) => p.cost);
    const txP50 = med(c, (x) => x?.tx.p50);
    const frameP50 = med(c, (x) => x?.frames.p50);
    cost.push([
      label,
      fmt(med(c, (x) => x?.tx.n), 0),
      fmt(txP50, 2),
      fmt(med(c, (x) => x?.tx.p99), 2),
      fmt(med(c, (x) => x?.tx.max), 1),
      fmt(med(c, (x) => x?.txInFrame), 0),
      fmt(med(c, (x) => x?.frames.n), 0),
      fmt(frameP50, 2),
      fmt(med(c, (x) => x?.frames.p99), 2),
      fmt(med(c, (x) => x?.frames.max), 1),
      fmt(med(a.map((p) => p.cost), (x) => x?.tx.p50), 2),
      fmt(med(a.map((p) => p.cost), (x) => x?.frames.p50), 2),
    ]);
    figures.push({ label, rate, bRatio: med(b, (p) => p.ratio), bP50: lat(b, 'latency', 50), bP99: lat(b, 'latency', 99), bTaskPer1k, txP50, frameP50 });
  }
  if (figures.length === 0) return figures;
  printTable(
    'AI streaming throughput, median of each column across runs (target: B/upstream ≥ 0.95 at every rate, B task ms/1k tok ≤ 250 at 1k; ratio = upstream first→last token time / first token→last line in the Monaco model)',
    ['case', 'runs', 'load', 'tokens', 'upstream tok/s', 'B applied tok/s', 'B/upstream', 'B min', 'A/upstream', 'Node/upstream', 'B/nominal', 'B changes', 'B long tasks %', 'B CPU ms/1k tok', 'B task ms/1k tok'],
    throughput,
  );
  printTable(
    "AI streaming latency per added line, ms, median across runs of each run's percentile: token with the line's marker sent by the model server → marker in the Monaco model (target at 1k and 5k: p50 ≤ 50, p99 ≤ 150)",
    ['case', 'lines', 'B p50', 'B p95', 'B p99', 'B max', 'B p50 from line end', 'B p99 from line end', 'A p50', 'A p99', 'Node peer p50', 'Node peer p99'],
    latency,
  );
  printTable(
    "Per-update cost in the watching page, ms, median across runs: per remote transaction (beforeTransaction → afterTransactionCleanup) and per animation frame that ran any callback (summed callback time). A transaction applied inside a frame callback is in both figures ('tx in frames' counts them): do not add them",
    ['case', 'B remote tx', 'B tx p50', 'B tx p99', 'B tx max', 'tx in frames', 'B frames', 'B frame p50', 'B frame p99', 'B frame max', 'A tx p50', 'A frame p50'],
    cost,
  );
  return figures;
}

export interface TypingFigures {
  idleP50: number;
  idleP99: number;
  ratioP50: number;
  ratioP99: number;
}

export function printTyping(runs: TypingRun[], rate: number): TypingFigures {
  const row = (label: string, pick: (r: TypingRun) => TypingRun['idle'], rate: ((r: TypingRun) => number) | null) => [
    label,
    String(runs.length),
    fmt(med(runs, (r) => pick(r).n), 0),
    rate ? fmt(med(runs, rate), 1) : '',
    fmt(med(runs, (r) => pick(r).p50)),
    fmt(med(runs, (r) => pick(r).p95)),
    fmt(med(runs, (r) => pick(r).p99)),
    fmt(med(runs, (r) => pick(r).max)),
    fmt(med(runs, (r) => pick(r).p50 / r.idle.p50)),
    fmt(med(runs, (r) => pick(r).p99 / r.idle.p99)),
  ];
  printTable(
    `Keystrokes A→B (model→model, ms) while the AI streams into the same file at ${rate} tok/s, median across runs; ratios per run against the idle typing of the same run (targets: idle p50 ≤ 5, p99 ≤ 20; streaming ≤ 1.5× idle)`,
    ['typing', 'runs', 'keys', 'keys/s in A', 'p50', 'p95', 'p99', 'max', 'p50/idle', 'p99/idle'],
    [row('idle (no AI run)', (r) => r.idle, null), row(`while the AI streams`, (r) => r.streaming, (r) => r.keysPerSecond)],
  );
  return {
    idleP50: med(runs, (r) => r.idle.p50),
    idleP99: med(runs, (r) => r.idle.p99),
    ratioP50: med(runs, (r) => r.streaming.p50 / r.idle.p50),
    ratioP99: med(runs, (r) => r.streaming.p99 / r.idle.p99),
  };
}

export function printOpen(runs: OpenRun[]): number {
  const editable = med(runs, (r) => r.editableMs);
  printTable(
    `A ${runs[0]?.lines ?? '?'}-line file (${fmt((runs[0]?.bytes ?? Number.NaN) / 1e6, 1)} MB) opens to editable, ms, median of ${runs.length} (target: click → typed character in the model ≤ 1500)`,
    ['runs', 'load', 'click → full text in the model', 'click → typed character in the model', 'of which full text → click into the editor', 'of which keydown → character in the model'],
    [[String(runs.length), fmt(med(runs, (r) => r.loadAtStart[0])), fmt(med(runs, (r) => r.fullMs), 0), fmt(editable, 0), fmt(med(runs, (r) => r.toEditorClickMs), 0), fmt(med(runs, (r) => r.keyMs), 1)]],
  );
  return editable;
}

/** The streamed cases of one watcher file size. */
export function watcherCase(runs: WatcherRun[], lines: number, rate: number): StreamCase {
  return { label: `watcher ${lines === 5000 ? '5k' : lines} lines + pending review @${rate}`, rate, runs: runs.filter((r) => r.fileLines === lines) };
}

export interface Target {
  figure: string;
  value: number;
  digits: number;
  target: string;
  met: (v: number) => boolean;
}

export function printTargets(targets: Target[]): void {
  printTable(
    'Figures against their targets',
    ['figure', 'value', 'target', 'met'],
    targets.map((t) => [t.figure, fmt(t.value, t.digits), t.target, Number.isFinite(t.value) ? (t.met(t.value) ? 'yes' : 'NO') : '–']),
  );
}
