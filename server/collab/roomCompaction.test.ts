// When a room folds its log into a snapshot: not before `compactEvery` updates, then once the
// log is as large as the snapshot, and at 4 × `compactEvery` whatever the sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as Y from 'yjs';
import { Room, type RoomPeer } from './Room.ts';
import { SqliteStorage } from '../storage/SqliteStorage.ts';
import { tempDataDir } from '../testing/harness.ts';

const peer: RoomPeer = { id: 1, send() {}, close() {} };
const turn = () => new Promise((r) => setImmediate(r));

/** A client's one-character edits to a text, as updates. */
function typing(count: number, seedText: string): { seed: Uint8Array; edits: Uint8Array[] } {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, seedText);
  const seed = Y.encodeStateAsUpdate(doc);
  const edits: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => edits.push(u));
  for (let i = 0; i < count; i++) doc.getText('t').insert(0, 'x');
  return { seed, edits };
}

async function logRowsAfter(seedText: string, edits: number, compactEvery: number): Promise<number> {
  const dir = tempDataDir();
  const storage = SqliteStorage.open(dir);
  try {
    const typed = typing(edits, seedText);
    await storage.createSession({ id: 'r', title: 'r', createdAt: 0 }, typed.seed);
    const room = new Room('r', await storage.loadRoom('r'), storage, { maxDocBytes: 1e9, compactEvery });
    room.addPeer(peer);
    for (const u of typed.edits) {
      room.applyClientUpdate(u, peer);
      await turn();
    }
    await turn();
    const rows = (await storage.loadRoom('r')).updates.length;
    assert.equal(room.doc.getText('t').length, seedText.length + edits);
    await room.destroy();
    return rows;
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a small document compacts every compactEvery updates', async () => {
  assert.equal(await logRowsAfter('', 25, 10), 5);
});

test('a large snapshot waits for the log to reach its size, up to 4 × compactEvery', async () => {
  const big = 'y'.repeat(20_000);
  assert.equal(await logRowsAfter(big, 25, 10), 25, 'the log is far smaller than the snapshot');
  assert.equal(await logRowsAfter(big, 45, 10), 5, 'compacted at 40 updates by the cap');
});
