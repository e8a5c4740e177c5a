// Server fan-out: R rooms × C stock WebsocketProvider clients make one-character edits, either
// paced at a fixed total rate or as fast as they can; every edit reaches the C-1 other clients
// of its room. Measured per server process: relayed updates per second (edits × receivers /
// time until every client holds every edit) and the server's CPU time per 1,000 relayed
// updates (process.cpuUsage() in the child, load phase only). Tandem (server/main.ts, SQLite
// persistence on) and the reference @y/websocket-server run the same load, in alternating order.
import { startReference, startTandem, type ServerChild } from './lib/servers.ts';
import { benchText, joinRoom, openRoom, waitUntil, type BenchClient } from './lib/clients.ts';
import { fmt, median, printTable } from './lib/stats.ts';
import { summarizeProfile } from './lib/profileSummary.ts';

export interface FanoutScenario {
  name: string;
  rooms: number;
  clients: number;
  /** Edits per second over all rooms; null floods (each client edits once per loop turn). */
  rate: number | null;
  edits: number;
}

export interface FanoutRun {
  server: ServerChild['kind'];
  relayed: number;
  seconds: number;
  relayedPerSec: number;
  cpuMs: number;
  cpuMsPer1k: number;
  /** CPU time of the benchmark process (all the clients) per 1,000 relayed updates. */
  clientCpuMsPer1k: number;
  /** Update messages the clients applied per relayed edit (below 1 when the server merges). */
  framesPerRelayed: number;
  /** Time from the last edit made to the last edit received. */
  tailMs: number;
  /** The server's V8 CPU profile of the load phase, with --profile. */
  profile?: string;
}

export function fanoutScenarios(quick: boolean): FanoutScenario[] {
  // Paced loads last about 4 s (1.6 s quick); the flood is a fixed count.
  const seconds = quick ? 1.6 : 4;
  const paced = (rooms: number, clients: number, rate: number): FanoutScenario => ({
    name: `${rooms} room${rooms > 1 ? 's' : ''} × ${clients} clients, ${rate} edits/s`,
    rooms,
    clients,
    rate,
    edits: Math.round(rate * seconds),
  });
  return [
    paced(1, 10, 300),
    paced(10, 10, 500),
    paced(4, 50, 150),
    { name: '1 room × 10 clients, flood', rooms: 1, clients: 10, rate: null, edits: quick ? 3000 : 6000 },
  ];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(kind: ServerChild['kind'], scenario: FanoutScenario): Promise<FanoutRun> {
  const server = kind === 'tandem' ? await startTandem({ next: false }) : await startReference();
  return load(server, scenario);
}

async function load(server: ServerChild, scenario: FanoutScenario): Promise<FanoutRun> {
  const kind = server.kind;
  const rooms: BenchClient[][] = [];
  try {
    for (let r = 0; r < scenario.rooms; r++) {
      const room = await openRoom(server, `fanout-${r}`);
      rooms.push(await joinRoom(server, room, scenario.clients, `bench-${r}`));
    }
    let frames = 0;
    for (const clients of rooms) {
      for (const c of clients) {
        c.doc.on('update', (_u: Uint8Array, origin: unknown) => {
          if (origin === c.provider) frames++;
        });
      }
    }
    // Let join-time sync and awareness traffic die down before the CPU reading.
    await sleep(500);
    const expected = new Array<number>(scenario.rooms).fill(0);
    const edit = (i: number) => {
      const r = i % scenario.rooms;
      const client = rooms[r][Math.floor(i / scenario.rooms) % scenario.clients];
      const text = benchText(client)!;
      client.doc.transact(() => text.insert(Math.floor(Math.random() * (text.length + 1)), 'x'), 'bench-edit');
      expected[r]++;
    };

    const profiling = await server.profileStart();
    const cpu0 = await server.cpuMs();
    const clientCpu0 = process.cpuUsage();
    const t0 = performance.now();
    let issued = 0;
    if (scenario.rate === null) {
      const perTurn = scenario.rooms * scenario.clients;
      while (issued < scenario.edits) {
        for (let j = 0; j < perTurn && issued < scenario.edits; j++) edit(issued++);
        await new Promise((r) => setImmediate(r));
      }
    } else {
      while (issued < scenario.edits) {
        const due = Math.min(scenario.edits, Math.floor(((performance.now() - t0) / 1000) * scenario.rate));
        while (issued < due) edit(issued++);
        await sleep(2);
      }
    }
    const tLast = performance.now();
    await waitUntil(
      () => rooms.every((clients, r) => clients.every((c) => benchText(c)!.length === expected[r])),
      'every client to receive every edit',
      120_000,
    );
    const t1 = performance.now();
    const clientCpu = process.cpuUsage(clientCpu0);
    const cpuMs = (await server.cpuMs()) - cpu0;
    const profile = profiling ? await server.profileStop() : null;
    const relayed = expected.reduce((s, n) => s + n * (scenario.clients - 1), 0);
    const seconds = (t1 - t0) / 1000;
    return {
      server: kind,
      relayed,
      seconds,
      relayedPerSec: relayed / seconds,
      cpuMs,
      cpuMsPer1k: (cpuMs / relayed) * 1000,
      clientCpuMsPer1k: ((clientCpu.user + clientCpu.system) / relayed),
      framesPerRelayed: frames / relayed,
      tailMs: t1 - tLast,
      ...(profile ? { profile } : {}),
    };
  } finally {
    for (const clients of rooms) for (const c of clients) c.destroy();
    await server.stop();
  }
}


export interface FanoutResult {
  scenario: FanoutScenario;
  runs: FanoutRun[];
  ratioCpuPer1k: number;
  ratioRelayedPerSec: number;
}

export async function runFanout(options: { quick: boolean; reps: number }): Promise<FanoutResult[]> {
  const results: FanoutResult[] = [];
  for (const scenario of fanoutScenarios(options.quick)) {
    console.log(`\nfan-out: ${scenario.name}, ${scenario.edits} edits, ${options.reps} repetitions per server`);
    const runs: FanoutRun[] = [];
    const cpuRatios: number[] = [];
    const rateRatios: number[] = [];
    for (let rep = 0; rep < options.reps; rep++) {
      const order: ServerChild['kind'][] = rep % 2 === 0 ? ['tandem', 'reference'] : ['reference', 'tandem'];
      const pair: Partial<Record<ServerChild['kind'], FanoutRun>> = {};
      for (const kind of order) {
        const run = await measure(kind, scenario);
        pair[kind] = run;
        runs.push(run);
        console.log(
          `  rep ${rep + 1} ${kind.padEnd(9)} ${fmt(run.relayedPerSec, 0).padStart(7)} relayed/s  ` +
            `${fmt(run.cpuMsPer1k)} ms CPU/1k, clients ${fmt(run.clientCpuMsPer1k)}  (cpu ${fmt(run.cpuMs, 0)} ms, ${fmt(run.seconds)} s, tail ${fmt(run.tailMs, 0)} ms)`,
        );
      }
      cpuRatios.push(pair.tandem!.cpuMsPer1k / pair.reference!.cpuMsPer1k);
      rateRatios.push(pair.tandem!.relayedPerSec / pair.reference!.relayedPerSec);
    }
    results.push({ scenario, runs, ratioCpuPer1k: median(cpuRatios), ratioRelayedPerSec: median(rateRatios) });
    for (const kind of ['tandem', 'reference'] as const) {
      const profile = runs.filter((r) => r.server === kind && r.profile).at(-1)?.profile;
      if (profile) summarizeProfile(profile, `CPU profile, ${kind}, ${scenario.name} (last repetition, load phase)`, 10);
    }
  }
  printFanout(results);
  return results;
}

function printFanout(results: FanoutResult[]): void {
  const rows: string[][] = [];
  for (const { scenario, runs, ratioCpuPer1k, ratioRelayedPerSec } of results) {
    for (const kind of ['tandem', 'reference'] as const) {
      const mine = runs.filter((r) => r.server === kind);
      const cpu = mine.map((r) => r.cpuMsPer1k);
      rows.push([
        kind === 'tandem' ? scenario.name : '',
        kind,
        fmt(median(mine.map((r) => r.relayedPerSec)), 0),
        `${fmt(median(cpu))} (${fmt(Math.min(...cpu))}–${fmt(Math.max(...cpu))})`,
        fmt(median(mine.map((r) => r.clientCpuMsPer1k))),
        fmt(median(mine.map((r) => r.framesPerRelayed)), 3),
        fmt(median(mine.map((r) => r.tailMs)), 0),
      ]);
    }
    rows.push(['', 'ratio T/ref', fmt(ratioRelayedPerSec), fmt(ratioCpuPer1k), '', '', '']);
  }
  printTable(
    'Server fan-out (medians over repetitions; ratio = median of paired Tandem/reference ratios; CPU target: ratio ≤ 1.00)',
    ['scenario', 'server', 'relayed/s', 'server CPU ms per 1k relayed (min–max)', 'clients CPU/1k', 'frames/relayed', 'tail ms'],
    rows,
  );
}
