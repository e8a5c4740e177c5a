// Beyond one machine: the same paced fan-out load against one node on SQLite, one node on
// PostgreSQL, and three nodes on PostgreSQL + Redis with the clients spread over the nodes (so
// most of them are forwarded to the node that holds their session). Measured: relay latency of
// every edit to every other client (p50/p99, clients and servers on one machine, one clock),
// the servers' CPU time per 1,000 relayed updates (all nodes together), and the cost of
// durability: the mean time of one tick's storage write, read from each node's /metrics, and a
// diagnostic row: the PostgreSQL node with its commits not waiting for the disk flush
// (synchronous_commit=off, set in the connection URL; not durable, never a product setting),
// which shows what share of the PostgreSQL node's latency is the flush itself.
// Ratios are against the SQLite node measured in the same run, in alternating order; the three
// nodes' p99 is also given against the single PostgreSQL node (same storage, one node).
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as Y from 'yjs';
import { connectClient, joinRoom, openRoom, waitUntil, benchText, type BenchClient, type Room } from './lib/clients.ts';
import { startTandem, type ServerChild } from './lib/servers.ts';
import { fmt, median, percentile, printTable } from './lib/stats.ts';
import { postgresMissing, startPostgres, type TestPostgres } from '../testing/postgres.ts';
import { redisMissing, startRedis, type TestRedis } from '../testing/redis.ts';

type Setup = 'sqlite' | 'postgres' | 'postgres-noflush' | 'cluster';

interface ClusterRun {
  setup: Setup;
  p50: number;
  p99: number;
  relayed: number;
  cpuMsPer1k: number;
  /** Mean storage write per tick (ms), over all nodes. */
  writeMsPerTick: number;
}

/** V8's full collection, reached without restarting the benchmark with --expose-gc. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Seconds of unmeasured edits before each measurement. */
const WARMUP_S = 1;

/** Seconds of edits right before the measured ones, with them in one paced run (see measure). */
const LEAD_IN_S = 0.5;
const LEAD_IN_PREFIX = 'l';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function storageWrites(node: ServerChild): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`${node.httpUrl}/metrics`)).text();
  const read = (name: string) => Number(/^(\S+) (\S+)$/m.exec(text.split('\n').find((l) => l.startsWith(`${name} `)) ?? '')?.[2] ?? 0);
  return { sum: read('tandem_storage_write_seconds_sum'), count: read('tandem_storage_write_seconds_count') };
}

async function startSetup(setup: Setup, pg: TestPostgres | null, redis: TestRedis | null): Promise<ServerChild[]> {
  if (setup === 'sqlite') return [await startTandem({ next: false })];
  const env: Record<string, string> = { DATABASE_URL: await pg!.createDatabase() };
  if (setup === 'postgres') return [await startTandem({ next: false, env })];
  if (setup === 'postgres-noflush') {
    env.DATABASE_URL += `?options=${encodeURIComponent('-c synchronous_commit=off')}`;
    return [await startTandem({ next: false, env })];
  }
  Object.assign(env, { REDIS_URL: redis!.url, TANDEM_SECRET: randomBytes(32).toString('hex') });
  return Promise.all([0, 1, 2].map(() => startTandem({ next: false, env })));
}

async function measure(setup: Setup, quick: boolean, pg: TestPostgres | null, redis: TestRedis | null): Promise<ClusterRun> {
  const nodes = await startSetup(setup, pg, redis);
  const ROOMS = 4;
  const CLIENTS = 6;
  const rate = 200;
  const edits = rate * (quick ? 2 : 10);
  const rooms: BenchClient[][] = [];
  try {
    for (let r = 0; r < ROOMS; r++) {
      const room: Room = await openRoom(nodes[0], `cluster-${r}`);
      // The first client (on the room's "home" node) takes the room there; the others spread.
      const home = nodes[r % nodes.length];
      const clients = await joinRoom(home, room, 1, `c${r}`);
      for (let i = 1; i < CLIENTS; i++) clients.push(connectClient(nodes[(r + i) % nodes.length], room, `c${r}-${i}`));
      await waitUntil(() => clients.every((c) => c.provider.synced && benchText(c) !== undefined), 'clients synced');
      rooms.push(clients);
    }
    const sent = new Map<string, number>();
    const latencies: number[] = [];
    let leadInDeliveries = 0;
    for (const clients of rooms) {
      for (const c of clients) {
        benchText(c)!.observe((event: Y.YTextEvent) => {
          if (event.transaction.local) return;
          const now = performance.now();
          for (const op of event.delta) {
            if (typeof op.insert !== 'string') continue;
            for (const token of op.insert.split(';')) {
              const t = sent.get(token);
              if (t === undefined) continue;
              if (token.startsWith(LEAD_IN_PREFIX)) leadInDeliveries++;
              else latencies.push(now - t);
            }
          }
        });
      }
    }
    const interval = 1000 / rate;
    /** Issues `count` edits at the paced rate, round-robin over rooms and their clients. */
    const pace = async (count: number, token: (i: number) => string) => {
      const start = performance.now();
      for (let i = 0; i < count; i++) {
        const due = start + i * interval;
        const wait = due - performance.now();
        if (wait > 1) await sleep(wait);
        const clients = rooms[i % ROOMS];
        const c = clients[Math.floor(i / ROOMS) % CLIENTS];
        const text = benchText(c)!;
        const t = token(i);
        sent.set(t, performance.now());
        text.insert(text.length, `${t};`);
      }
    };
    // Warm-up at the same rate, not measured: every setup's first writes and forwards (new
    // database backends, cold caches, JIT) would otherwise be a large part of a short run's p99.
    const warmup = Math.round(rate * WARMUP_S);
    await pace(warmup, (i) => `w${i}`);
    await waitUntil(() => latencies.length >= warmup * (CLIENTS - 1), 'warm-up deliveries', 120_000);
    latencies.length = 0;
    // The clients live in this process: a full collection now, not in the middle of the window,
    // where the previous setup's garbage would stall every client's receipts at once.
    collectGarbage();
    await sleep(300);
    const profiling = await Promise.all(nodes.map((n) => n.profileStart()));
    const cpuBefore = await Promise.all(nodes.map((n) => n.cpuMs()));
    const writesBefore = await Promise.all(nodes.map(storageWrites));
    // A lead-in at the same rate, counted for CPU but not for latency: the measured edits start
    // in steady state, not on processes just woken from the pause above (measured: the first
    // ~150 ms after it stalled this process's own event loop for 25–40 ms at a time with three
    // nodes, and those stalls alone made the three nodes' p99).
    const leadIn = Math.round(rate * LEAD_IN_S);
    await pace(leadIn + edits, (i) => (i < leadIn ? `${LEAD_IN_PREFIX}${i}` : `${i - leadIn}`));
    const expected = edits * (CLIENTS - 1);
    await waitUntil(() => latencies.length >= expected && leadInDeliveries >= leadIn * (CLIENTS - 1), `${expected} deliveries`, 120_000);
    const cpuAfter = await Promise.all(nodes.map((n) => n.cpuMs()));
    // Profiles (with --profile) are named by the order the nodes were stopped in: read them, not this run's figures.
    for (const [i, node] of nodes.entries()) if (profiling[i]) console.log(`  ${setup} node ${i + 1} profile: ${await node.profileStop()}`);
    const writesAfter = await Promise.all(nodes.map(storageWrites));
    const cpu = cpuAfter.reduce((a, b, i) => a + b - cpuBefore[i], 0);
    const writeSum = writesAfter.reduce((a, w, i) => a + w.sum - writesBefore[i].sum, 0);
    const writeCount = writesAfter.reduce((a, w, i) => a + w.count - writesBefore[i].count, 0);
    latencies.sort((a, b) => a - b);
    return {
      setup,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      relayed: latencies.length,
      cpuMsPer1k: (cpu / (latencies.length + leadInDeliveries)) * 1000,
      writeMsPerTick: writeCount > 0 ? (writeSum / writeCount) * 1000 : 0,
    };
  } finally {
    for (const clients of rooms) for (const c of clients) c.destroy();
    await Promise.all(nodes.map((n) => n.stop()));
  }
}

export async function runCluster(options: { quick: boolean; reps: number }): Promise<unknown> {
  const missing = postgresMissing() ?? redisMissing();
  if (missing) {
    console.log(`cluster: skipped: ${missing}`);
    return { skipped: missing };
  }
  // fsync on: the durability cost is the real one.
  const pg = await startPostgres({ fsync: true });
  const redis = await startRedis();
  try {
    // BENCH_CLUSTER_SETUPS=sqlite,postgres measures only those (the SQLite node is always measured: it is the reference).
    const only = process.env.BENCH_CLUSTER_SETUPS?.split(',');
    const order = (['sqlite', 'postgres', 'postgres-noflush', 'cluster'] as Setup[]).filter((s) => s === 'sqlite' || !only || only.includes(s));
    const runs: ClusterRun[] = [];
    for (let rep = 0; rep < options.reps; rep++) {
      for (const setup of rep % 2 === 0 ? order : [...order].reverse()) runs.push(await measure(setup, options.quick, pg, redis));
    }
    const of = (setup: Setup, key: keyof Omit<ClusterRun, 'setup'>) => median(runs.filter((r) => r.setup === setup).map((r) => r[key]));
    const label: Record<Setup, string> = {
      sqlite: '1 node, SQLite',
      postgres: '1 node, PostgreSQL',
      'postgres-noflush': '  diagnostic: the same without the commit flush (not durable)',
      cluster: '3 nodes, PostgreSQL + Redis',
    };
    const rows = order.map((setup) => ({
      setup,
      p50: of(setup, 'p50'),
      p99: of(setup, 'p99'),
      cpu: of(setup, 'cpuMsPer1k'),
      write: of(setup, 'writeMsPerTick'),
    }));
    const row = (setup: Setup) => rows.find((r) => r.setup === setup) ?? { setup, p50: NaN, p99: NaN, cpu: NaN, write: NaN };
    const base = row('sqlite');
    printTable(
      'cluster: 4 rooms × 6 clients, 200 edits/s; relay latency edit → every other client; ratios to the SQLite node',
      ['setup', 'relay p50 ms', 'relay p99 ms', 'p99 ratio', 'server CPU ms / 1k relayed', 'CPU ratio', 'storage write ms / tick'],
      rows.map((r) => [label[r.setup], fmt(r.p50), fmt(r.p99), fmt(r.p99 / base.p99, 2), fmt(r.cpu), fmt(r.cpu / base.cpu, 2), fmt(r.write, 3)]),
    );
    const pgRatio = row('postgres').p99 / base.p99;
    const clusterRatio = row('cluster').p99 / row('postgres').p99;
    const clusterToSqlite = row('cluster').p99 / base.p99;
    const flushShare = row('postgres').p99 - row('postgres-noflush').p99;
    const verdict = (ratio: number, limit: number) => `${fmt(ratio, 2)}× ${ratio <= limit ? 'met' : 'NOT met'}`;
    console.log(`  targets: PostgreSQL p99 ≤ 1.5× SQLite: ${verdict(pgRatio, 1.5)}; three nodes p99 ≤ 2× the single PostgreSQL node: ${verdict(clusterRatio, 2)} (${fmt(clusterToSqlite, 2)}× the SQLite node)`);
    console.log(`  durability: a tick's write ${fmt(row('postgres').write, 3)} ms with the flush, ${fmt(row('postgres-noflush').write, 3)} ms without; the flush adds ${fmt(flushShare)} ms to the p99 (without it: ${fmt(row('postgres-noflush').p99 / base.p99, 2)}× SQLite)`);
    return { runs, rows, pgP99Ratio: pgRatio, clusterP99Ratio: clusterRatio, clusterToSqliteP99Ratio: clusterToSqlite, flushP99Ms: flushShare };
  } finally {
    pg.destroy();
    redis.destroy();
  }
}
