// Beyond one machine: the same paced fan-out load against one node on SQLite, one node on
// PostgreSQL, and three nodes on PostgreSQL + Redis with the clients spread over the nodes (so
// most of them are forwarded to the node that holds their session). Measured: relay latency of
// every edit to every other client (p50/p99, clients and servers on one machine, one clock),
// the servers' CPU time per 1,000 relayed updates (all nodes together), and the cost of
// durability: the mean time of one tick's storage write, read from each node's /metrics.
// Ratios are against the SQLite node measured in the same run, in alternating order.
import { randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import { connectClient, joinRoom, openRoom, waitUntil, benchText, type BenchClient, type Room } from './lib/clients.ts';
import { startTandem, type ServerChild } from './lib/servers.ts';
import { fmt, median, percentile, printTable } from './lib/stats.ts';
import { postgresMissing, startPostgres, type TestPostgres } from '../testing/postgres.ts';
import { redisMissing, startRedis, type TestRedis } from '../testing/redis.ts';

type Setup = 'sqlite' | 'postgres' | 'cluster';

interface ClusterRun {
  setup: Setup;
  p50: number;
  p99: number;
  relayed: number;
  cpuMsPer1k: number;
  /** Mean storage write per tick (ms), over all nodes. */
  writeMsPerTick: number;
}

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
  Object.assign(env, { REDIS_URL: redis!.url, TANDEM_SECRET: randomBytes(32).toString('hex') });
  return Promise.all([0, 1, 2].map(() => startTandem({ next: false, env })));
}

async function measure(setup: Setup, quick: boolean, pg: TestPostgres | null, redis: TestRedis | null): Promise<ClusterRun> {
  const nodes = await startSetup(setup, pg, redis);
  const ROOMS = 4;
  const CLIENTS = 6;
  const rate = 200;
  const edits = rate * (quick ? 2 : 5);
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
    for (const clients of rooms) {
      for (const c of clients) {
        benchText(c)!.observe((event: Y.YTextEvent) => {
          if (event.transaction.local) return;
          const now = performance.now();
          for (const op of event.delta) {
            if (typeof op.insert !== 'string') continue;
            for (const token of op.insert.split(';')) {
              const t = sent.get(token);
              if (t !== undefined) latencies.push(now - t);
            }
          }
        });
      }
    }
    await sleep(500);
    const cpuBefore = await Promise.all(nodes.map((n) => n.cpuMs()));
    const writesBefore = await Promise.all(nodes.map(storageWrites));
    const interval = 1000 / rate;
    const start = performance.now();
    for (let i = 0; i < edits; i++) {
      const due = start + i * interval;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const clients = rooms[i % ROOMS];
      const c = clients[Math.floor(i / ROOMS) % CLIENTS];
      const token = `${i}`;
      const text = benchText(c)!;
      sent.set(token, performance.now());
      text.insert(text.length, `${token};`);
    }
    const expected = edits * (CLIENTS - 1);
    await waitUntil(() => latencies.length >= expected, `${expected} deliveries`, 120_000);
    const cpuAfter = await Promise.all(nodes.map((n) => n.cpuMs()));
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
      cpuMsPer1k: (cpu / latencies.length) * 1000,
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
    const order: Setup[] = ['sqlite', 'postgres', 'cluster'];
    const runs: ClusterRun[] = [];
    for (let rep = 0; rep < options.reps; rep++) {
      for (const setup of rep % 2 === 0 ? order : [...order].reverse()) runs.push(await measure(setup, options.quick, pg, redis));
    }
    const of = (setup: Setup, key: keyof Omit<ClusterRun, 'setup'>) => median(runs.filter((r) => r.setup === setup).map((r) => r[key]));
    const rows = order.map((setup) => ({
      setup: setup === 'cluster' ? '3 nodes, PostgreSQL + Redis' : `1 node, ${setup === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`,
      p50: of(setup, 'p50'),
      p99: of(setup, 'p99'),
      cpu: of(setup, 'cpuMsPer1k'),
      write: of(setup, 'writeMsPerTick'),
    }));
    const base = rows[0];
    printTable(
      'cluster: 4 rooms × 6 clients, 200 edits/s; relay latency edit → every other client; ratios to the SQLite node',
      ['setup', 'relay p50 ms', 'relay p99 ms', 'p99 ratio', 'server CPU ms / 1k relayed', 'CPU ratio', 'storage write ms / tick'],
      rows.map((r) => [r.setup, fmt(r.p50), fmt(r.p99), fmt(r.p99 / base.p99, 2), fmt(r.cpu), fmt(r.cpu / base.cpu, 2), fmt(r.write, 3)]),
    );
    const pgRatio = rows[1].p99 / base.p99;
    const clusterRatio = rows[2].p99 / base.p99;
    console.log(`  targets: PostgreSQL p99 ≤ 1.5× SQLite: ${fmt(pgRatio, 2)}× ${pgRatio <= 1.5 ? 'met' : 'NOT met'}; three nodes p99 ≤ 2× the single node: ${fmt(clusterRatio, 2)}× ${clusterRatio <= 2 ? 'met' : 'NOT met'}`);
    return { runs, rows, pgP99Ratio: pgRatio, clusterP99Ratio: clusterRatio };
  } finally {
    pg.destroy();
    redis.destroy();
  }
}
