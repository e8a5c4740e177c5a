import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import * as Y from 'yjs';
import { SqliteStorage } from './SqliteStorage.ts';
import { applyStoredRoom } from './replay.ts';
import { tempDataDir } from '../../testing/harness.ts';

function docFrom(stored: { snapshot: Uint8Array | null; updates: Uint8Array[] }): Y.Doc {
  const doc = new Y.Doc();
  applyStoredRoom(doc, stored);
  return doc;
}

/** A document whose updates are recorded in order, with the text 't' the tests write to. */
function recordingDoc(): { source: Y.Doc; updates: Uint8Array[]; text: Y.Text } {
  const source = new Y.Doc();
  const updates: Uint8Array[] = [];
  source.on('update', (u: Uint8Array) => updates.push(u));
  return { source, updates, text: source.getText('t') };
}

test('sessions: create, get, unknown, duplicate id refused', async () => {
  const dir = tempDataDir();
  const storage = SqliteStorage.open(dir);
  try {
    await storage.createSession({ id: 's1', title: 'One', createdAt: 42 }, Y.encodeStateAsUpdate(new Y.Doc()));
    assert.deepEqual(await storage.getSession('s1'), { id: 's1', title: 'One', createdAt: 42 });
    assert.equal(await storage.getSession('s2'), null);
    await assert.rejects(storage.createSession({ id: 's1', title: 'Again', createdAt: 1 }, new Uint8Array([0, 0])));
    assert.equal((await storage.getSession('s1'))?.title, 'One');
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('append, load across reopen, compact keeps state and drops folded rows', async () => {
  const dir = tempDataDir();
  let storage = SqliteStorage.open(dir);
  const { source, updates, text } = recordingDoc();
  try {
    await storage.createSession({ id: 'r', title: 'R', createdAt: 0 }, Y.encodeStateAsUpdate(source));
    for (let i = 0; i < 10; i++) text.insert(text.length, `${i},`);
    let lastSeq = 0;
    for (const u of updates) {
      const seq = await storage.appendUpdate('r', u);
      assert.ok(seq > lastSeq, 'sequence grows');
      lastSeq = seq;
    }
    // Another room's rows stay apart.
    await storage.appendUpdate('other', updates[0]);

    await storage.close();
    storage = SqliteStorage.open(dir);
    const loaded = await storage.loadRoom('r');
    assert.equal(loaded.updates.length, 10);
    assert.equal(loaded.lastSeq, lastSeq);
    assert.equal(docFrom(loaded).getText('t').toString(), '0,1,2,3,4,5,6,7,8,9,');

    const snapshot = Y.encodeStateAsUpdate(docFrom(loaded));
    await storage.compact('r', snapshot, lastSeq);
    text.insert(0, '>');
    await storage.appendUpdate('r', updates[updates.length - 1]);
    const compacted = await storage.loadRoom('r');
    assert.equal(compacted.updates.length, 1, 'only the row after the compaction remains');
    assert.equal(compacted.bytes, snapshot.byteLength + updates[updates.length - 1].byteLength);
    assert.equal(docFrom(compacted).getText('t').toString(), '>0,1,2,3,4,5,6,7,8,9,');
    assert.equal((await storage.loadRoom('other')).updates.length, 1);

    const empty = await storage.loadRoom('never');
    assert.equal(empty.snapshot, null);
    assert.equal(empty.updates.length, 0);
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a batch of updates is appended in order with one call, and numbering survives an emptied log', async () => {
  const dir = tempDataDir();
  let storage = SqliteStorage.open(dir);
  const { source, updates, text } = recordingDoc();
  try {
    for (let i = 0; i < 5; i++) text.insert(text.length, `${i}`);
    const first = await storage.appendUpdate('r', updates[0]);
    const last = await storage.appendUpdates('r', updates.slice(1));
    assert.equal(last, first + 4, 'the last sequence number of the batch');
    await storage.close();
    storage = SqliteStorage.open(dir);
    const loaded = await storage.loadRoom('r');
    assert.deepEqual(loaded.updates, updates, 'every update, in append order');
    assert.equal(loaded.lastSeq, last);

    // Fold the whole log away, then keep writing: the new rows load after the snapshot.
    await storage.compact('r', Y.encodeStateAsUpdate(source), last);
    text.insert(0, '>');
    text.insert(text.length, '<');
    const after = await storage.appendUpdates('r', updates.slice(5));
    assert.ok(after > last, 'numbers keep growing after the log was emptied');
    const reloaded = await storage.loadRoom('r');
    assert.equal(reloaded.updates.length, 2);
    assert.equal(reloaded.lastSeq, after);
    assert.equal(docFrom(reloaded).getText('t').toString(), '>01234<');
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a database from before the clustered log keeps its updates and numbering', async () => {
  const dir = tempDataDir();
  const { updates, text } = recordingDoc();
  for (let i = 0; i < 4; i++) text.insert(0, `${i}`);
  // The previous layout, written with plain SQL: a rowid table with AUTOINCREMENT and an index.
  const old = new DatabaseSync(join(dir, 'tandem.sqlite'));
  old.exec(`
    CREATE TABLE sessions (id TEXT PRIMARY KEY, title TEXT NOT NULL, created_at INTEGER NOT NULL);
    CREATE TABLE snapshots (room TEXT PRIMARY KEY, state BLOB NOT NULL, through_seq INTEGER NOT NULL);
    CREATE TABLE updates (seq INTEGER PRIMARY KEY AUTOINCREMENT, room TEXT NOT NULL, data BLOB NOT NULL);
    CREATE INDEX updates_room_seq ON updates (room, seq);`);
  const insert = old.prepare('INSERT INTO updates (room, data) VALUES (?, ?)');
  for (const [i, u] of updates.entries()) insert.run(i % 2 === 0 ? 'r' : 'other', u);
  old.close();

  const storage = SqliteStorage.open(dir);
  try {
    const r = await storage.loadRoom('r');
    assert.deepEqual(r.updates, [updates[0], updates[2]]);
    assert.equal(r.lastSeq, 3);
    assert.deepEqual((await storage.loadRoom('other')).updates, [updates[1], updates[3]]);
    assert.equal(await storage.appendUpdate('other', updates[0]), 5, 'numbering continues after the moved rows');
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the database and its WAL are owner-only (0600), whatever the umask', async () => {
  const dir = tempDataDir();
  const umask = process.umask(0o022);
  const storage = SqliteStorage.open(dir);
  try {
    await storage.createSession({ id: 's1', title: 'One', createdAt: 1 }, Y.encodeStateAsUpdate(new Y.Doc()));
    for (const name of ['tandem.sqlite', 'tandem.sqlite-wal']) {
      const mode = statSync(join(dir, name)).mode & 0o777;
      assert.equal(mode.toString(8), '600', name);
    }
  } finally {
    process.umask(umask);
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
