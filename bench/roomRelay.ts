// `room` micro-benchmark (`node bench/run.ts room`): CPU per relayed edit of the room path alone, without sockets, so that what the room adds to
// the reference's work can be read apart from the kernel's share of a fan-out. Each edit is
// applied as a client's update, then the loop turns once (Tandem's per-tick flush), and the
// resulting frame goes to PEERS in-process peers that only count bytes.
// Rows: Tandem's Room with its real SQLite storage; the same Room with a storage that stores
// nothing (the cost of the room's own logic); the reference server's logic (the doc's update
// event encodes one message and sends it to every peer, as @y/websocket-server does).
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { Room } from '../server/collab/Room.ts';
import type { RoomPeer } from '../server/collab/RoomPeer.ts';
import { SqliteStorage } from '../server/storage/SqliteStorage.ts';
import type { Storage } from '../server/storage/Storage.ts';
import { tempDir } from './lib/servers.ts';
import { fmt, median, printTable } from './lib/stats.ts';

const PEERS = 10;

/** One-character edits at random places of one file, as a typing client would send them. */
function clientUpdates(edits: number): Uint8Array[] {
  const source = new Y.Doc();
  const updates: Uint8Array[] = [];
  source.on('update', (u: Uint8Array) => updates.push(u));
  const files = source.getMap<Y.Text>('files');
  files.set('a.txt', new Y.Text());
  const text = files.get('a.txt')!;
  for (let i = 0; i < edits; i++) text.insert(Math.floor(Math.random() * (text.length + 1)), 'x');
  return updates;
}

let updates: Uint8Array[] = [];
const nextTurn = () => new Promise((r) => setImmediate(r));
let bytesSent = 0;
const peers: RoomPeer[] = Array.from({ length: PEERS }, (_, id) => ({
  id,
  send: (frame: Uint8Array) => void (bytesSent += frame.byteLength),
  close() {},
}));

/** Stores nothing: isolates the room's own work from the database's. */
const noStorage: Storage = {
  createSession: async () => {},
  getSession: async () => null,
  loadRoom: async () => ({ snapshot: null, updates: [], lastSeq: 0, bytes: 0 }),
  appendUpdate: async () => 0,
  appendUpdates: async () => 0,
  compact: async () => {},
  addCheckpoint: async () => [],
  listCheckpoints: async () => [],
  getCheckpoint: async () => null,
  ping: async () => {},
  close: async () => {},
};

/** Applies every update with `apply`, one loop turn each; CPU µs per update after the first. */
async function usPerEdit(apply: (i: number) => void): Promise<number> {
  apply(0);
  await nextTurn();
  const start = process.cpuUsage();
  for (let i = 1; i < updates.length; i++) {
    apply(i);
    await nextTurn();
  }
  const cpu = process.cpuUsage(start);
  return (cpu.user + cpu.system) / (updates.length - 1);
}

async function tandem(storage: Storage): Promise<number> {
  const room = new Room('bench', await storage.loadRoom('bench'), storage, { maxDocBytes: 1e9, compactEvery: 500 });
  for (const peer of peers) room.addPeer(peer);
  try {
    return await usPerEdit((i) => room.applyClientUpdate(updates[i], peers[i % PEERS]));
  } finally {
    await room.destroy();
  }
}

async function reference(): Promise<number> {
  const doc = new Y.Doc();
  doc.on('update', (update: Uint8Array) => {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    syncProtocol.writeUpdate(encoder, update);
    const message = encoding.toUint8Array(encoder);
    for (const peer of peers) peer.send(message);
  });
  try {
    return await usPerEdit((i) => Y.applyUpdate(doc, updates[i], peers[i % PEERS]));
  } finally {
    doc.destroy();
  }
}

export interface RoomRelayResult {
  edits: number;
  peers: number;
  /** Medians over repetitions, CPU µs per edit. */
  tandemSqliteUs: number;
  tandemNoStorageUs: number;
  referenceUs: number;
}

export async function runRoomRelay(options: { quick: boolean; reps: number }): Promise<RoomRelayResult> {
  const edits = options.quick ? 2000 : 4000;
  updates = clientUpdates(edits);
  const results: Record<'sqlite' | 'none' | 'reference', number[]> = { sqlite: [], none: [], reference: [] };
  for (let rep = 0; rep < options.reps; rep++) {
    const sqlite = SqliteStorage.open(tempDir('room-relay-'));
    results.sqlite.push(await tandem(sqlite));
    await sqlite.close();
    results.none.push(await tandem(noStorage));
    results.reference.push(await reference());
  }
  const result: RoomRelayResult = {
    edits,
    peers: PEERS,
    tandemSqliteUs: median(results.sqlite),
    tandemNoStorageUs: median(results.none),
    referenceUs: median(results.reference),
  };
  const ref = result.referenceUs;
  printTable(
    `Room relay path, ${edits} edits × ${PEERS} in-process peers, median of ${options.reps} (CPU µs per edit, no sockets)`,
    ['path', 'µs per edit', 'vs reference logic'],
    [
      ['Tandem Room + SQLite', fmt(result.tandemSqliteUs), fmt(result.tandemSqliteUs / ref)],
      ['Tandem Room, no storage', fmt(result.tandemNoStorageUs), fmt(result.tandemNoStorageUs / ref)],
      ['reference logic', fmt(ref), '1.00'],
    ],
  );
  return result;
}
