// Room lifecycle: frames buffered while a room loads, idle unload with compaction, per-tick
// batching of fan-out, and the ping/pong heartbeat.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { MESSAGE } from '../../lib/protocol.ts';
import { filesOf } from '../../lib/schema.ts';
import { configFromEnv } from '../config.ts';
import { startServer } from '../app.ts';
import { SqliteStorage } from '../storage/SqliteStorage.ts';
import type { Storage, StoredRoom } from '../storage/Storage.ts';
import { closeCode, connect, createSession, rawSocket, startTestServer, synced, tempDataDir, waitFor, wsUrl } from '../../testing/harness.ts';

/** Real SQLite storage whose room loads take a while: the boundary is slowed, nothing faked. */
class SlowLoadStorage extends SqliteStorage {
  loads = 0;
  override async loadRoom(id: string): Promise<StoredRoom> {
    this.loads++;
    await new Promise((r) => setTimeout(r, 300));
    return super.loadRoom(id);
  }
}

test('frames sent while the room loads are kept and answered from the stored state', async () => {
  const dataDir = tempDataDir();
  const storage = new SlowLoadStorage(`${dataDir}/tandem.sqlite`);
  const config = configFromEnv({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ROOM_IDLE_MS: '50' });
  const server = await startServer(config, { next: false, storage: storage as Storage });
  try {
    const session = await createSession(server.url, { files: { 'a.txt': 'seed' } });
    // A raw client sends an update the instant the socket opens, before the room has loaded.
    const early = new Y.Doc();
    const raw = new WebSocket(wsUrl(session, session.collab.editParams.token));
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE.sync);
    encoding.writeVarUint(encoder, 2);
    early.getMap('files').set('early.txt', new Y.Text('first'));
    encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(early));
    raw.once('open', () => raw.send(encoding.toUint8Array(encoder)));
    const a = connect(session, 'edit');
    const b = connect(session, 'edit');
    await Promise.all([synced(a), synced(b)]);
    assert.equal(filesOf(a.doc).get('a.txt')?.toString(), 'seed', 'sync step 2 waited for the stored state');
    await waitFor(() => filesOf(b.doc).get('early.txt')?.toString() === 'first', 'early frame replayed');
    assert.equal(storage.loads, 1, 'concurrent joins share one load');
    raw.terminate();
    a.destroy();
    b.destroy();
  } finally {
    await server.close();
  }
});

test('an empty room is compacted and unloaded after the grace period, then reloads intact', async () => {
  const server = await startTestServer({ ROOM_IDLE_MS: '100' });
  try {
    const session = await createSession(server.url, { files: { 'a.txt': '' } });
    const a = connect(session, 'edit');
    await synced(a);
    const text = filesOf(a.doc).get('a.txt')!;
    for (let i = 0; i < 30; i++) text.insert(text.length, `${i} `);
    await waitFor(() => (server.rooms.isLoaded(session.id) ? true : false), 'room loaded');
    const room = await server.rooms.peek(session.id)!;
    await waitFor(() => filesOf(room.doc).get('a.txt')!.length === text.length, 'server caught up');
    a.destroy();
    await waitFor(() => !server.rooms.isLoaded(session.id), 'room unloaded', 3000);
    await waitFor(() => server.rooms.roomCount === 0, 'no rooms');
    const stored = await server.storage.loadRoom(session.id);
    assert.equal(stored.updates.length, 0, 'log folded into the snapshot on unload');
    const again = connect(session, 'edit');
    await synced(again);
    assert.equal(filesOf(again.doc).get('a.txt')!.toString(), text.toString());
    again.destroy();
  } finally {
    await server.dispose();
  }
});

test('updates arriving together fan out as fewer, merged frames', async () => {
  const server = await startTestServer();
  try {
    const session = await createSession(server.url, { files: { 'a.txt': '' } });
    const observer = await rawSocket(wsUrl(session, session.collab.viewParams.token));
    let updateFrames = 0;
    observer.on('message', (data: Buffer) => {
      const d = decoding.createDecoder(new Uint8Array(data));
      if (decoding.readVarUint(d) === MESSAGE.sync && decoding.readVarUint(d) === 2) updateFrames++;
    });
    const a = connect(session, 'edit');
    await synced(a);
    const text = filesOf(a.doc).get('a.txt')!;
    const sent = 200;
    for (let i = 0; i < sent; i++) text.insert(text.length, 'k');
    const room = await server.rooms.peek(session.id)!;
    await waitFor(() => filesOf(room.doc).get('a.txt')!.length === sent, 'server has every keystroke');
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(updateFrames > 0, 'the observer got the updates');
    assert.ok(updateFrames < sent / 2, `${updateFrames} frames for ${sent} updates`);
    observer.terminate();
    a.destroy();
  } finally {
    await server.dispose();
  }
});

test('a socket that stops answering pings is terminated and its presence removed', async () => {
  const server = await startTestServer({ PING_INTERVAL_MS: '100' });
  try {
    const session = await createSession(server.url);
    const watcher = connect(session, 'edit');
    await synced(watcher);
    const silent = new WebSocket(wsUrl(session, session.collab.editParams.token), { autoPong: false });
    await new Promise((r) => silent.once('open', r));
    const closed = closeCode(silent);
    const awareness = encoding.createEncoder();
    encoding.writeVarUint(awareness, MESSAGE.awareness);
    const state = encoding.createEncoder();
    encoding.writeVarUint(state, 1);
    encoding.writeVarUint(state, 424242);
    encoding.writeVarUint(state, 1);
    encoding.writeVarString(state, JSON.stringify({ name: 'silent' }));
    encoding.writeVarUint8Array(awareness, encoding.toUint8Array(state));
    silent.send(encoding.toUint8Array(awareness));
    await waitFor(() => watcher.provider.awareness.getStates().has(424242), 'silent presence shown');
    assert.equal(await closed, 1006, 'terminated without a close frame');
    await waitFor(() => !watcher.provider.awareness.getStates().has(424242), 'silent presence removed');
    watcher.destroy();
  } finally {
    await server.dispose();
  }
});

test('an in-process holder keeps the room loaded, and its writes reach clients and storage', async () => {
  const server = await startTestServer({ ROOM_IDLE_MS: '50' });
  try {
    const session = await createSession(server.url, { files: { 'a.txt': '' } });
    const { room, release } = await server.rooms.hold(session.id);
    const a = connect(session, 'edit');
    await synced(a);
    room.doc.transact(() => filesOf(room.doc).get('a.txt')!.insert(0, 'from the server'), { kind: 'test-peer' });
    await waitFor(() => filesOf(a.doc).get('a.txt')!.toString() === 'from the server', 'in-process write relayed');
    a.destroy();
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(server.rooms.isLoaded(session.id), 'held room stays loaded with no connection');
    release();
    await waitFor(() => !server.rooms.isLoaded(session.id), 'released room unloads');
    const stored = await server.storage.loadRoom(session.id);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, stored.snapshot!);
    assert.equal(filesOf(doc).get('a.txt')!.toString(), 'from the server');
  } finally {
    await server.dispose();
  }
});
