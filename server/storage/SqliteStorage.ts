// Embedded default storage: one SQLite file in DATA_DIR, WAL mode. Each room is a snapshot plus an
// append-only log of updates; compaction folds the log into the snapshot in one transaction.
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { join } from 'node:path';
import type { SessionRow, Storage, StoredRoom } from './Storage.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS snapshots (
  room TEXT PRIMARY KEY,
  state BLOB NOT NULL,
  through_seq INTEGER NOT NULL
);
-- seq is the rowid (no AUTOINCREMENT: its bookkeeping row costs every append a page write). It
-- grows while any row exists and can restart only once the log is empty; rooms read all their
-- rows on load whatever the snapshot's through_seq, so a restarted number loses nothing.
CREATE TABLE IF NOT EXISTS updates (
  seq INTEGER PRIMARY KEY,
  room TEXT NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS updates_room_seq ON updates (room, seq);
`;

export class SqliteStorage implements Storage {
  private readonly db: DatabaseSync;
  private readonly stmt: {
    insertSession: StatementSync;
    getSession: StatementSync;
    getSnapshot: StatementSync;
    getUpdates: StatementSync;
    append: StatementSync;
    upsertSnapshot: StatementSync;
    deleteUpdates: StatementSync;
    begin: StatementSync;
    commit: StatementSync;
    rollback: StatementSync;
  };
  private closed = false;

  constructor(file: string) {
    this.db = new DatabaseSync(file);
    // WAL + synchronous=NORMAL: a committed row survives a killed process (the WAL is in the
    // OS page cache); only a power loss can drop the last commits, which we accept for speed.
    // Exclusive locking: this process is the database's only user, so it takes the lock once
    // instead of a handful of lock syscalls per commit (about a third of an append's CPU); a
    // second server pointed at the same DATA_DIR is refused rather than sharing it.
    this.db.exec(
      'PRAGMA busy_timeout = 5000; PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;',
    );
    this.db.exec(SCHEMA);
    this.stmt = {
      insertSession: this.db.prepare('INSERT INTO sessions (id, title, created_at) VALUES (?, ?, ?)'),
      getSession: this.db.prepare('SELECT id, title, created_at FROM sessions WHERE id = ?'),
      getSnapshot: this.db.prepare('SELECT state, through_seq FROM snapshots WHERE room = ?'),
      getUpdates: this.db.prepare('SELECT seq, data FROM updates WHERE room = ? ORDER BY seq'),
      append: this.db.prepare('INSERT INTO updates (room, data) VALUES (?, ?)'),
      upsertSnapshot: this.db.prepare(
        'INSERT INTO snapshots (room, state, through_seq) VALUES (?, ?, ?) ' +
          'ON CONFLICT (room) DO UPDATE SET state = excluded.state, through_seq = excluded.through_seq',
      ),
      deleteUpdates: this.db.prepare('DELETE FROM updates WHERE room = ? AND seq <= ?'),
      begin: this.db.prepare('BEGIN IMMEDIATE'),
      commit: this.db.prepare('COMMIT'),
      rollback: this.db.prepare('ROLLBACK'),
    };
  }

  static open(dataDir: string): SqliteStorage {
    return new SqliteStorage(join(dataDir, 'tandem.sqlite'));
  }

  private transaction<T>(fn: () => T): T {
    this.stmt.begin.run();
    try {
      const result = fn();
      this.stmt.commit.run();
      return result;
    } catch (err) {
      this.stmt.rollback.run();
      throw err;
    }
  }

  // The methods below do their work synchronously before returning the promise: an append has
  // committed by the time appendUpdate returns, which keeps the write-ahead ordering trivially
  // true for callers that do not await.

  async createSession(row: SessionRow, initialState: Uint8Array): Promise<void> {
    this.transaction(() => {
      this.stmt.insertSession.run(row.id, row.title, row.createdAt);
      this.stmt.upsertSnapshot.run(row.id, initialState, 0);
    });
  }

  async getSession(id: string): Promise<SessionRow | null> {
    const row = this.stmt.getSession.get(id) as { id: string; title: string; created_at: number } | undefined;
    return row ? { id: row.id, title: row.title, createdAt: row.created_at } : null;
  }

  async loadRoom(id: string): Promise<StoredRoom> {
    const snap = this.stmt.getSnapshot.get(id) as { state: Uint8Array; through_seq: number } | undefined;
    const rows = this.stmt.getUpdates.all(id) as { seq: number; data: Uint8Array }[];
    let bytes = snap ? snap.state.byteLength : 0;
    for (const row of rows) bytes += row.data.byteLength;
    return {
      snapshot: snap ? snap.state : null,
      updates: rows.map((r) => r.data),
      lastSeq: rows.length > 0 ? rows[rows.length - 1].seq : (snap?.through_seq ?? 0),
      bytes,
    };
  }

  async appendUpdate(id: string, update: Uint8Array): Promise<number> {
    const result = this.stmt.append.run(id, update);
    return Number(result.lastInsertRowid);
  }

  async appendUpdates(id: string, updates: readonly Uint8Array[]): Promise<number> {
    // A commit costs several times an insert (WAL frame writes), so a tick's updates share one.
    if (updates.length === 1) return Number(this.stmt.append.run(id, updates[0]).lastInsertRowid);
    return this.transaction(() => {
      let seq = 0;
      for (const update of updates) seq = Number(this.stmt.append.run(id, update).lastInsertRowid);
      return seq;
    });
  }

  async compact(id: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    this.transaction(() => {
      this.stmt.upsertSnapshot.run(id, snapshot, throughSeq);
      this.stmt.deleteUpdates.run(id, throughSeq);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}
