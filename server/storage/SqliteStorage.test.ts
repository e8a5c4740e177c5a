import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import * as Y from 'yjs';
import { SqliteStorage } from './SqliteStorage.ts';
import { tempDataDir } from '../../testing/harness.ts';
import { storageContract } from '../../testing/storageContract.ts';

storageContract('sqlite', async () => {
  const dir = tempDataDir();
  return { open: async () => SqliteStorage.open(dir), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

/** A document whose updates are recorded in order, with the text 't' the tests write to. */
function recordingDoc(): { source: Y.Doc; updates: Uint8Array[]; text: Y.Text } {
  const source = new Y.Doc();
  const updates: Uint8Array[] = [];
  source.on('update', (u: Uint8Array) => updates.push(u));
  return { source, updates, text: source.getText('t') };
}

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
