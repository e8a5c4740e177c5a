import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import pg from 'pg';
import { PostgresStorage } from './PostgresStorage.ts';
import { applyStoredRoom } from './replay.ts';
import { storageContract } from '../../testing/storageContract.ts';
import { postgresMissing, startPostgres, type TestPostgres } from '../../testing/postgres.ts';

const missing = postgresMissing();
let server: TestPostgres | null = null;

before(async () => {
  if (!missing) server = await startPostgres({ fsync: false });
});
after(() => server?.destroy());

storageContract(
  'postgres',
  async () => {
    const url = await server!.createDatabase();
    return { open: () => PostgresStorage.connect(url), cleanup: async () => {} };
  },
  missing ?? false,
);

test('nodes starting together migrate the schema once', { skip: missing ?? false }, async () => {
  const url = await server!.createDatabase();
  const nodes = await Promise.all([1, 2, 3, 4].map(() => PostgresStorage.connect(url)));
  try {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query('SELECT version FROM tandem_schema ORDER BY version');
    await client.end();
    assert.deepEqual(rows.map((r) => r.version), [1, 2]);
    await nodes[0].createSession({ id: 's', title: 'S', createdAt: 1 }, new Uint8Array([0, 0]));
    assert.equal((await nodes[3].getSession('s'))?.title, 'S', 'every node reads the same sessions');
  } finally {
    await Promise.all(nodes.map((n) => n.close()));
  }
});

test('appends issued without waiting commit in issue order with consecutive numbers', { skip: missing ?? false }, async () => {
  const url = await server!.createDatabase();
  const storage = await PostgresStorage.connect(url);
  try {
    const source = new Y.Doc();
    const updates: Uint8Array[] = [];
    source.on('update', (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < 60; i++) source.getText('t').insert(i, String(i % 10));
    // Ticks of 1 to 3 updates, all in flight at once, as a busy room issues them.
    const pending: Promise<number>[] = [];
    for (let i = 0; i < updates.length; ) {
      const n = 1 + (i % 3);
      pending.push(storage.appendUpdates('r', updates.slice(i, i + n)));
      i += n;
    }
    const seqs = await Promise.all(pending);
    for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1], `sequence grows: ${seqs.join()}`);
    assert.equal(seqs.at(-1), updates.length);
    const loaded = await storage.loadRoom('r');
    assert.deepEqual(loaded.updates, updates);
    const doc = new Y.Doc();
    applyStoredRoom(doc, loaded);
    assert.equal(doc.getText('t').toString(), source.getText('t').toString());
  } finally {
    await storage.close();
  }
});

test('a write while the database is down fails with an error, and writing resumes once it is back', { skip: missing ?? false }, async () => {
  const url = await server!.createDatabase();
  const storage = await PostgresStorage.connect(url, { connectTimeoutMs: 2000 });
  try {
    assert.equal(await storage.appendUpdate('r', new Uint8Array([0, 0])), 1);
    server!.stop();
    await assert.rejects(storage.appendUpdate('r', new Uint8Array([0, 0])));
    await assert.rejects(storage.ping());
    server!.start();
    await storage.ping();
    assert.equal(await storage.appendUpdate('r', new Uint8Array([0, 0])), 2, 'numbering read again from the table');
    assert.equal((await storage.loadRoom('r')).updates.length, 2);
  } finally {
    await storage.close();
  }
});

/**
 * Write transactions begun in the cluster so far: the next transaction id. Read-only
 * transactions (the loads, this probe) take none, and it is exact at once, where the statistics
 * views lag behind by up to a second and more on a loaded machine.
 */
async function commits(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ n: string }>('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS n');
  return Number(rows[0].n);
}

test('appends from many rooms at once share commits: a write in flight per lane, the rest in the next ones', { skip: missing ?? false }, async () => {
  const url = await server!.createDatabase();
  const storage = await PostgresStorage.connect(url);
  const probe = new pg.Client({ connectionString: url });
  await probe.connect();
  try {
    const rooms = Array.from({ length: 40 }, (_, i) => `room-${i}`);
    // Every room's numbering is known (as after a load), so the appends need no lookups.
    await Promise.all(rooms.map((r) => storage.loadRoom(r)));
    const before = await commits(probe);
    const seqs = await Promise.all(rooms.flatMap((r) => [storage.appendUpdate(r, new Uint8Array([0, 0])), storage.appendUpdates(r, [new Uint8Array([0, 0]), new Uint8Array([0, 0])])]));
    const used = (await commits(probe)) - before;
    // Two lanes: the first two appends go out alone, the rest share the next writes (one room's
    // second append waits for its first): 4 at most, where a commit per append would be 80.
    assert.ok(used <= 4, `80 appends of 40 rooms took ${used} commits`);
    assert.deepEqual(seqs, rooms.flatMap(() => [1, 3]));
    for (const r of rooms) assert.equal((await storage.loadRoom(r)).updates.length, 3);
  } finally {
    await probe.end();
    await storage.close();
  }
});

test('a conflict in one room of a batch fails that room only', { skip: missing ?? false }, async () => {
  const url = await server!.createDatabase();
  const storage = await PostgresStorage.connect(url);
  const other = await PostgresStorage.connect(url);
  try {
    await Promise.all(['a', 'b', 'c'].map((r) => storage.loadRoom(r)));
    // Another node writes room b behind this one's back (as after a lost lease).
    await other.appendUpdate('b', new Uint8Array([0, 0]));
    const first = storage.appendUpdate('a', new Uint8Array([0, 0])); // in flight alone
    const results = await Promise.allSettled([first, ...['a', 'b', 'c'].map((r) => storage.appendUpdate(r, new Uint8Array([0, 0])))]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    assert.equal((await storage.loadRoom('a')).updates.length, 2);
    assert.equal((await storage.loadRoom('c')).updates.length, 1);
    // Room b numbers again from the table and goes on.
    assert.equal(await storage.appendUpdate('b', new Uint8Array([0, 0])), 2);
  } finally {
    await other.close();
    await storage.close();
  }
});
