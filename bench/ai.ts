// The AI peer's streaming figures (issue 3): the local model server (bench/ai/modelChild.ts, its
// own process) is Tandem's Responses provider. 1: an apply_patch hunk streamed at 1k–20k tok/s
// into a file two people have open in the production build — tokens applied per second in each
// browser as a ratio of the upstream rate. 2: per added line, token leaving the model server →
// text in the remote Monaco model (p50/p99). 3: time to first token through Tandem vs directly
// from the model server with the same provider code and transport. 4: bytes sent upstream on a
// follow-up turn with a 100 KB file, chained (WebSocket) vs full input (HTTP, cache miss).
import { loadavg } from 'node:os';
import { startTandem, type ServerChild } from './lib/servers.ts';
import { snapshotBuild } from './lib/buildSnapshot.ts';
import { fmt, median, printTable, summarize, type Summary } from './lib/stats.ts';
import { startModel } from './ai/modelHandle.ts';
import { runStream, type StreamRun } from './ai/stream.ts';
import { runTtft, type TtftSample } from './ai/ttft.ts';
import { runUpstreamBytes, type BytesResult } from './ai/upstreamBytes.ts';

// BENCH_AI_RATES=1000,20000 measures only those rates (while iterating on one case).
const RATES = process.env.BENCH_AI_RATES?.trim() ? process.env.BENCH_AI_RATES.split(',').map((r) => Number(r.trim())).filter((r) => r > 0) : [1000, 5000, 10000, 20000];
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const log = (line: string) => console.log(line);

export interface AiResult {
  loadAtStart: number[];
  stream: StreamRun[];
  ttft: { direct: TtftSample[]; tandem: TtftSample[] };
  bytes: BytesResult[];
}

async function withServer<T>(start: () => Promise<ServerChild>, fn: (s: ServerChild) => Promise<T>): Promise<T> {
  const server = await start();
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}

/**
 * BENCH_AI_PHASES (comma-separated) runs part of the benchmark while iterating: `stream` (browsers
 * and the Node peer), `stream-node` (the Node peer only, no build needed), `ttft`, `bytes`.
 * Default: stream, ttft, bytes.
 */
function phases(): Set<string> {
  const raw = process.env.BENCH_AI_PHASES?.trim();
  return new Set(raw ? raw.split(',').map((p) => p.trim()) : ['stream', 'ttft', 'bytes']);
}

export async function runAi(options: { quick: boolean; reps: number | null }): Promise<AiResult> {
  const loadAtStart = loadavg();
  const run = phases();
  console.log(`\nai: load ${load()} (2-core machine shared with other work: absolute times are noisy)`);
  const model = await startModel();
  try {
    let stream: StreamRun[] = [];
    if (run.has('stream')) {
      const appDir = await snapshotBuild();
      console.log(`\nai: streaming an apply_patch hunk into a file people A and B have open (production build), ${RATES.join(', ')} tok/s`);
      stream = await withServer(
        () => startTandem({ next: true, cwd: appDir, env: model.tandemEnv('websocket') }),
        (server) => runStream(model, server, { quick: options.quick, rates: RATES, log }),
      );
      console.log(`  load ${load()}`);
    } else if (run.has('stream-node')) {
      console.log(`\nai: streaming an apply_patch hunk, Node peer only, ${RATES.join(', ')} tok/s`);
      stream = await withServer(
        () => startTandem({ next: false, env: model.tandemEnv('websocket') }),
        (server) => runStream(model, server, { quick: options.quick, rates: RATES, log, browsers: false }),
      );
      console.log(`  load ${load()}`);
    }
    const reps = options.reps ?? (options.quick ? 30 : 60);
    const ttftServer = () => startTandem({ next: false, env: model.tandemEnv('websocket') });
    let ttft: AiResult['ttft'] = { direct: [], tandem: [] };
    if (run.has('ttft')) {
      console.log(`\nai: time to first token, Tandem vs direct (Responses WebSocket, chained, first-token delay 0)`);
      ttft = await withServer(ttftServer, (server) => runTtft(model, server, { reps, log }));
      console.log(`  load ${load()}`);
    }
    const bytes: BytesResult[] = [];
    if (run.has('bytes')) {
      console.log(`\nai: bytes upstream on a follow-up turn with a 100 KB file`);
      bytes.push(
        await withServer(ttftServer, (server) => runUpstreamBytes(model, server, 'websocket')),
        await withServer(() => startTandem({ next: false, env: model.tandemEnv('http') }), (server) => runUpstreamBytes(model, server, 'http')),
      );
      console.log(`  load ${load()}`);
    }
    const result = { loadAtStart, stream, ttft, bytes };
    printAi(result);
    return result;
  } finally {
    await model.stop();
  }
}

function printAi(r: AiResult): void {
  const throughput: string[][] = [];
  const latency: string[][] = [];
  for (const rate of RATES) {
    const runs = r.stream.filter((s) => s.rate === rate);
    if (runs.length === 0) continue;
    // Missing people (a Node-only run) read as NaN.
    const absent = { appliedRate: Number.NaN, ratio: Number.NaN, changes: Number.NaN, busy: null, latency: [], latencyEol: [] };
    const person = (who: 'A' | 'B' | 'node') => runs.map((s) => s.people.find((p) => p.who === who) ?? { who, appliedMs: Number.NaN, ...absent });
    const b = person('B');
    const a = person('A');
    throughput.push([
      String(rate),
      String(runs.length),
      String(Math.round(median(runs.map((s) => s.tokens)))),
      fmt(median(runs.map((s) => s.upstreamRate)), 0),
      fmt(median(b.map((p) => p.appliedRate)), 0),
      fmt(median(b.map((p) => p.ratio)), 3),
      fmt(Math.min(...b.map((p) => p.ratio)), 3),
      fmt(median(a.map((p) => p.ratio)), 3),
      fmt(median(person('node').map((p) => p.ratio)), 3),
      fmt(median(b.map((p) => p.appliedRate)) / rate, 3),
      fmt(median(b.map((p) => p.changes)), 0),
      fmt(100 * median(b.map((p) => p.busy ?? Number.NaN)), 0),
      fmt(median(runs.map((s, i) => ((b[i].cpu?.threadMs ?? Number.NaN) * 1000) / s.tokens)), 1),
      fmt(median(runs.map((s, i) => ((b[i].cpu?.taskMs ?? Number.NaN) * 1000) / s.tokens)), 1),
    ]);
    const lb = summarize(b.flatMap((p) => p.latency));
    const le = summarize(b.flatMap((p) => p.latencyEol));
    const la = summarize(a.flatMap((p) => p.latency));
    const ln = summarize(person('node').flatMap((p) => p.latency));
    latency.push([String(rate), String(lb.n), fmt(lb.p50), fmt(lb.p95), fmt(lb.p99), fmt(lb.max), fmt(le.p50), fmt(le.p99), fmt(la.p50), fmt(la.p99), fmt(ln.p50), fmt(ln.p99)]);
  }
  printTable(
    'AI streaming throughput (target: B/upstream ≥ 0.95 up to 10k tok/s; ratio = upstream first→last token time / first token→last line in the Monaco model)',
    ['tok/s', 'runs', 'tokens', 'upstream tok/s', 'B applied tok/s', 'B/upstream', 'B min', 'A/upstream', 'Node/upstream', 'B/nominal', 'B changes', 'B long tasks %', 'B CPU ms/1k tok', 'B task ms/1k tok'],
    throughput,
  );
  printTable(
    'AI streaming latency per added line, ms: token with the line\'s marker sent by the model server → marker in the Monaco model (target p99 ≤ 25)',
    ['tok/s', 'lines', 'B p50', 'B p95', 'B p99', 'B max', 'B p50 from line end', 'B p99 from line end', 'A p50', 'A p99', 'Node peer p50', 'Node peer p99'],
    latency,
  );

  if (r.ttft.direct.length > 0) printTtft(r);
  if (r.bytes.length > 0) printBytes(r);
}

function printTtft(r: AiResult): void {
  const part = (samples: TtftSample[], key: keyof TtftSample) => summarize(samples.map((s) => s[key]).filter((v): v is number => typeof v === 'number'));
  const rows: string[][] = [];
  const direct = part(r.ttft.direct, 'total');
  for (const [label, samples] of [['direct (provider session in the bench process)', r.ttft.direct], ['through Tandem (POST /ai → text in a Node peer)', r.ttft.tandem]] as const) {
    const total: Summary = part(samples, 'total');
    rows.push([label, String(total.n), fmt(total.p50), fmt(total.p95), fmt(total.p99), fmt(part(samples, 'request').p50), fmt(part(samples, 'model').p50), fmt(part(samples, 'relay').p50), fmt(total.p50 / direct.p50)]);
  }
  printTable('Time to first token, ms (request = start → model server has the request; model = its own first-token time; relay = first token sent → received)', ['path', 'n', 'p50', 'p95', 'p99', 'request p50', 'model p50', 'relay p50', 'p50/direct'], rows);
  const overhead = part(r.ttft.tandem, 'total').p50 - direct.p50;
  const recorded = part(r.ttft.tandem, 'recorded');
  console.log(`relay overhead on first token (Tandem p50 − direct p50): ${fmt(overhead)} ms (target ≤ 2); the run's own metrics.ttftMs p50 ${fmt(recorded.p50, 0)} ms (inside the server, whole ms)`);

}

function printBytes(r: AiResult): void {
  const bytesRows: string[][] = [];
  const http = r.bytes.find((b) => b.transport === 'http');
  const sum = (reqs: BytesResult['followUp'] | undefined) => reqs?.reduce((n, q) => n + q.bytes, 0) ?? Number.NaN;
  for (const b of r.bytes) {
    const fullRow = (label: string, reqs: BytesResult['followUp'], httpSame: BytesResult['followUp'] | undefined) => {
      const bytes = sum(reqs);
      bytesRows.push([b.transport, label, String(reqs.length), String(bytes), reqs.map((q) => (q.previousResponseId ? 'yes' : 'no')).join('/'), fmt((100 * bytes) / b.full.bytes, 1), fmt((100 * bytes) / sum(httpSame), 1)]);
    };
    fullRow(b.transport === 'websocket' ? 'full context (warm-up, generate: false)' : 'full context (first turn)', [b.full], http && [http.full]);
    fullRow('follow-up, no file changed by people', b.followUp, http?.followUp);
    fullRow('follow-up after a person changed 1 line', b.afterPersonEdit, http?.afterPersonEdit);
    if (b.cacheMiss) fullRow('follow-up after a cache miss (refused + full retry)', b.cacheMiss, http?.followUp);
  }
  printTable(
    `Bytes sent upstream, 100 KB file (${r.bytes[0]?.fileBytes ?? '?'} bytes); target: chained follow-up ≤ 5% of the full context`,
    ['transport', 'request', 'requests', 'bytes', 'chained', '% of full context', '% of HTTP, same turn'],
    bytesRows,
  );
}
