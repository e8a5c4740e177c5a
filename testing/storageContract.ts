// What every Storage implementation must do, run against each of them (SQLite, PostgreSQL).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import type { Storage } from '../server/storage/Storage.ts';
import { applyStoredRoom } from '../server/storage/replay.ts';

/** One store: `open()` opens it (again, after a close); `cleanup()` removes it. */
export interface StoreUnderTest {
  open(): Promise<Storage>;
  cleanup(): Promise<void>;
}

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

/** Registers the contract's tests; `skip` (a reason) skips them all visibly. */
export function storageContract(name: string, make: () => Promise<StoreUnderTest>, skip: string | false = false): void {
  test(`${name}: sessions: create, get, unknown, duplicate id refused`, { skip }, async () => {
    const store = await make();
    const storage = await store.open();
    try {
      await storage.createSession({ id: 's1', title: 'One', createdAt: 42 }, Y.encodeStateAsUpdate(new Y.Doc()));
      assert.deepEqual(await storage.getSession('s1'), { id: 's1', title: 'One', createdAt: 42 });
      assert.equal(await storage.getSession('s2'), null);
      await assert.rejects(storage.createSession({ id: 's1', title: 'Again', createdAt: 1 }, new Uint8Array([0, 0])));
      assert.equal((await storage.getSession('s1'))?.title, 'One');
    } finally {
      await storage.close();
      await store.cleanup();
    }
  });

  test(`${name}: append, load across reopen, compact keeps state and drops folded rows`, { skip }, async () => {
    const store = await make();
    let storage = await store.open();
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
      storage = await store.open();
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
      await store.cleanup();
    }
  });

  test(`${name}: a batch of updates is appended in order with one call, and numbering survives an emptied log`, { skip }, async () => {
    const store = await make();
    let storage = await store.open();
    const { source, updates, text } = recordingDoc();
    try {
      for (let i = 0; i < 5; i++) text.insert(text.length, `${i}`);
      const first = await storage.appendUpdate('r', updates[0]);
      const last = await storage.appendUpdates('r', updates.slice(1));
      assert.equal(last, first + 4, 'the last sequence number of the batch');
      await storage.close();
      storage = await store.open();
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
      await store.cleanup();
    }
  });

  test(`${name}: checkpoints: listed newest first, read with their data, dropped past the retention`, { skip }, async () => {
    const store = await make();
    let storage = await store.open();
    const row = (n: number, bytes = 10) => ({ id: `c${n}`, createdAt: 1000 + n, info: JSON.stringify({ n }), bytes });
    const data = (n: number) => new Uint8Array([n, n, n]);
    try {
      for (let n = 1; n <= 3; n++) assert.deepEqual(await storage.addCheckpoint('r', row(n), data(n), { keep: 10, maxBytes: 1000 }), []);
      await storage.addCheckpoint('other', row(9), data(9), { keep: 10, maxBytes: 1000 });
      assert.deepEqual((await storage.listCheckpoints('r', 10)).map((c) => c.id), ['c3', 'c2', 'c1']);
      assert.deepEqual((await storage.listCheckpoints('r', 2)).map((c) => c.id), ['c3', 'c2']);
      await storage.close();
      storage = await store.open();
      const got = await storage.getCheckpoint('r', 'c2');
      assert.deepEqual(got?.row, row(2));
      assert.deepEqual(Array.from(got!.data), [2, 2, 2]);
      assert.equal(await storage.getCheckpoint('r', 'c9'), null, 'another session’s checkpoint is not this one’s');
      // Count: a fourth with keep 3 drops the oldest.
      assert.deepEqual(await storage.addCheckpoint('r', row(4), data(4), { keep: 3, maxBytes: 1000 }), ['c1']);
      // Bytes: a large one pushes out all but itself and what fits beside it; the newest stays even alone past the budget.
      assert.deepEqual((await storage.addCheckpoint('r', row(5, 25), data(5), { keep: 10, maxBytes: 40 })).sort(), ['c2', 'c3']);
      assert.deepEqual((await storage.listCheckpoints('r', 10)).map((c) => c.id), ['c5', 'c4']);
      assert.deepEqual((await storage.addCheckpoint('r', row(6, 500), data(6), { keep: 10, maxBytes: 40 })).sort(), ['c4', 'c5']);
      assert.deepEqual((await storage.listCheckpoints('r', 10)).map((c) => c.id), ['c6']);
      assert.deepEqual((await storage.listCheckpoints('other', 10)).map((c) => c.id), ['c9'], 'other sessions untouched');
    } finally {
      await storage.close();
      await store.cleanup();
    }
  });
}
