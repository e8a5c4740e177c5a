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
CREATE TABLE IF NOT EXISTS updates (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
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
  };
  private closed = false;

  constructor(file: string) {
    this.db = new DatabaseSync(file);
    // WAL + synchronous=NORMAL: a committed row survives a killed process (the WAL is in the
    // OS page cache); only a power loss can drop the last commits, which we accept for speed.
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
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
    };
  }

  static open(dataDir: string): SqliteStorage {
    return new SqliteStorage(join(dataDir, 'tandem.sqlite'));
  }

  private transaction<T>(fn: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (err) {
      this.db.exec('ROLLBACK');
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
