// When a room folds its log into a snapshot: not before `compactEvery` updates, then once the
// log is as large as the snapshot, and at 4 × `compactEvery` whatever the sizes; and what it
// drops then (identities of visits that wrote nothing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as Y from 'yjs';
import { Room } from './Room.ts';
import type { RoomPeer } from './RoomPeer.ts';
import { SqliteStorage } from '../storage/SqliteStorage.ts';
import { connect, createSession, startTestServer, synced, tempDataDir, waitFor, type Client } from '../../testing/harness.ts';
import { filesOf, identitiesOf } from '../../lib/schema.ts';

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

test('identities of visits that wrote nothing are pruned at compaction; writers and present people keep theirs', async () => {
  const server = await startTestServer();
  try {
    const session = await createSession(server.url, { files: { 'a.txt': 'start' } });
    const name = (c: Client, n: string) => identitiesOf(c.doc).set(String(c.doc.clientID), { kind: 'human', name: n, color: '#123456' });
    // 20 page loads that only looked (each names its clientID, as the page does), then left.
    for (let i = 0; i < 20; i++) {
      const visitor = connect(session, 'edit');
      await synced(visitor);
      name(visitor, `Visitor ${i}`);
      await waitFor(() => visitor.provider.wsconnected, 'connected');
      const room = (await server.rooms.peek(session.id))!;
      await waitFor(() => identitiesOf(room.doc).has(String(visitor.doc.clientID)), 'identity stored');
      visitor.destroy();
    }
    const writer = connect(session, 'edit');
    const present = connect(session, 'edit');
    await Promise.all([synced(writer), synced(present)]);
    name(writer, 'Writer');
    filesOf(writer.doc).get('a.txt')!.insert(5, ' typed');
    name(present, 'Present');
    present.provider.awareness.setLocalState({ user: { name: 'Present' } });
    const room = (await server.rooms.peek(session.id))!;
    await waitFor(() => identitiesOf(room.doc).size === 22 && room.awareness.getStates().has(present.doc.clientID), 'all identities and presence on the server');
    await room.compact();
    assert.deepEqual([...identitiesOf(room.doc).values()].map((i) => i.name).sort(), ['Present', 'Writer']);
    // The removal reached the clients too, and authorship still names the writer.
    await waitFor(() => identitiesOf(writer.doc).size === 2, 'pruned on the clients');
    assert.equal(filesOf(room.doc).get('a.txt')!.toString(), 'start typed');
    writer.destroy();
    present.destroy();
  } finally {
    await server.dispose();
  }
});
