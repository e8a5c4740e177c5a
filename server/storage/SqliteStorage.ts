// Embedded default storage: one SQLite file in DATA_DIR, WAL mode. Each room is a snapshot plus an
// append-only log of updates; compaction folds the log into the snapshot in one transaction.
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { pastRetention, toCheckpointRow, type CheckpointDbRow, type CheckpointRetention, type CheckpointRow, type SessionRow, type Storage, type StoredRoom } from './Storage.ts';

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
-- The update log, clustered by (room, seq): an append touches one B-tree page (a rowid table
-- plus a (room, seq) index touched two, and every page is a WAL frame write per commit).
-- seq numbers a room's updates and only grows; updates are mostly keystrokes, far below the
-- row size where WITHOUT ROWID stops paying (large pastes spill to overflow pages, still fine).
CREATE TABLE IF NOT EXISTS log (
  room TEXT NOT NULL,
  seq INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (room, seq)
) WITHOUT ROWID;
-- Checkpoints of a session's files (server/history/): opaque data plus the JSON the History
-- panel lists, newest read first.
CREATE TABLE IF NOT EXISTS checkpoints (
  room TEXT NOT NULL,
  id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  info TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (room, id)
);
CREATE INDEX IF NOT EXISTS checkpoints_by_time ON checkpoints (room, created_at);
`;

/** Databases written before the log table kept updates in a rowid table; moved over on open. */
const MIGRATE_UPDATES_TABLE = `
INSERT INTO log (room, seq, data) SELECT room, seq, data FROM updates;
DROP TABLE updates;
`;

/** Rooms whose last sequence number is remembered; past this the memo restarts (re-read lazily). */
const MAX_REMEMBERED_ROOMS = 10_000;

export class SqliteStorage implements Storage {
  private readonly db: DatabaseSync;
  private readonly stmt: {
    insertSession: StatementSync;
    getSession: StatementSync;
    getSnapshot: StatementSync;
    getUpdates: StatementSync;
    lastLogged: StatementSync;
    append: StatementSync;
    upsertSnapshot: StatementSync;
    deleteUpdates: StatementSync;
    addCheckpoint: StatementSync;
    listCheckpoints: StatementSync;
    getCheckpoint: StatementSync;
    checkpointSizes: StatementSync;
    dropCheckpoint: StatementSync;
    begin: StatementSync;
    commit: StatementSync;
    rollback: StatementSync;
  };
  private closed = false;
  /** Last sequence number given out per room, so an append needs no lookup. */
  private readonly lastSeq = new Map<string, number>();

  constructor(file: string) {
    this.db = new DatabaseSync(file);
    // Sessions are private data: owner-only, like the secret. SQLite gives its WAL and shared
    // memory files the database file's permissions; existing ones are fixed too.
    for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
    // WAL + synchronous=NORMAL: a committed row survives a killed process (the WAL is in the
    // OS page cache); only a power loss can drop the last commits, which we accept for speed.
    // Exclusive locking: this process is the database's only user, so it takes the lock once
    // instead of a handful of lock syscalls per commit (about a third of an append's CPU); a
    // second server pointed at the same DATA_DIR is refused rather than sharing it.
    this.db.exec(
      'PRAGMA busy_timeout = 5000; PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;',
    );
    this.db.exec(SCHEMA);
    const legacy = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'updates'").get();
    if (legacy) this.db.exec(`BEGIN IMMEDIATE; ${MIGRATE_UPDATES_TABLE} COMMIT;`);
    this.stmt = {
      insertSession: this.db.prepare('INSERT INTO sessions (id, title, created_at) VALUES (?, ?, ?)'),
      getSession: this.db.prepare('SELECT id, title, created_at FROM sessions WHERE id = ?'),
      getSnapshot: this.db.prepare('SELECT state, through_seq FROM snapshots WHERE room = ?'),
      getUpdates: this.db.prepare('SELECT seq, data FROM log WHERE room = ? ORDER BY seq'),
      lastLogged: this.db.prepare('SELECT max(seq) AS seq FROM log WHERE room = ?'),
      append: this.db.prepare('INSERT INTO log (room, seq, data) VALUES (?, ?, ?)'),
      upsertSnapshot: this.db.prepare(
        'INSERT INTO snapshots (room, state, through_seq) VALUES (?, ?, ?) ' +
          'ON CONFLICT (room) DO UPDATE SET state = excluded.state, through_seq = excluded.through_seq',
      ),
      deleteUpdates: this.db.prepare('DELETE FROM log WHERE room = ? AND seq <= ?'),
      addCheckpoint: this.db.prepare('INSERT INTO checkpoints (room, id, created_at, info, bytes, data) VALUES (?, ?, ?, ?, ?, ?)'),
      listCheckpoints: this.db.prepare(
        'SELECT id, created_at, info, bytes FROM checkpoints WHERE room = ? ORDER BY created_at DESC, rowid DESC LIMIT ?',
      ),
      getCheckpoint: this.db.prepare('SELECT id, created_at, info, bytes, data FROM checkpoints WHERE room = ? AND id = ?'),
      checkpointSizes: this.db.prepare('SELECT id, bytes FROM checkpoints WHERE room = ? ORDER BY created_at DESC, rowid DESC'),
      dropCheckpoint: this.db.prepare('DELETE FROM checkpoints WHERE room = ? AND id = ?'),
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
    const lastSeq = Math.max(rows.length > 0 ? rows[rows.length - 1].seq : 0, snap?.through_seq ?? 0);
    this.remember(id, lastSeq);
    return { snapshot: snap ? snap.state : null, updates: rows.map((r) => r.data), lastSeq, bytes };
  }

  /** The room's last sequence number: its newest log row, else its snapshot's, else 0. */
  private lastSeqOf(id: string): number {
    const known = this.lastSeq.get(id);
    if (known !== undefined) return known;
    const logged = (this.stmt.lastLogged.get(id) as { seq: number | null }).seq ?? 0;
    const snap = this.stmt.getSnapshot.get(id) as { through_seq: number } | undefined;
    return Math.max(logged, snap?.through_seq ?? 0);
  }

  private remember(id: string, seq: number): void {
    if (this.lastSeq.size >= MAX_REMEMBERED_ROOMS && !this.lastSeq.has(id)) this.lastSeq.clear();
    this.lastSeq.set(id, seq);
  }

  appendUpdate(id: string, update: Uint8Array): Promise<number> {
    return this.appendUpdates(id, [update]);
  }

  async appendUpdates(id: string, updates: readonly Uint8Array[]): Promise<number> {
    let seq = this.lastSeqOf(id);
    // A commit costs several times an insert (WAL frame writes), so a tick's updates share one.
    if (updates.length === 1) {
      this.stmt.append.run(id, ++seq, updates[0]);
    } else {
      this.transaction(() => {
        for (const update of updates) this.stmt.append.run(id, ++seq, update);
      });
    }
    // Remembered only once committed: a failed write gives its numbers out again.
    this.remember(id, seq);
    return seq;
  }

  async compact(id: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    this.transaction(() => {
      this.stmt.upsertSnapshot.run(id, snapshot, throughSeq);
      this.stmt.deleteUpdates.run(id, throughSeq);
    });
  }

  async addCheckpoint(room: string, row: CheckpointRow, data: Uint8Array, retention: CheckpointRetention): Promise<string[]> {
    return this.transaction(() => {
      this.stmt.addCheckpoint.run(room, row.id, row.createdAt, row.info, row.bytes, data);
      const all = this.stmt.checkpointSizes.all(room) as { id: string; bytes: number }[];
      const dropped = pastRetention(all, retention);
      for (const id of dropped) this.stmt.dropCheckpoint.run(room, id);
      return dropped;
    });
  }

  async listCheckpoints(room: string, limit: number): Promise<CheckpointRow[]> {
    return (this.stmt.listCheckpoints.all(room, limit) as unknown as CheckpointDbRow[]).map(toCheckpointRow);
  }

  async getCheckpoint(room: string, id: string): Promise<{ row: CheckpointRow; data: Uint8Array } | null> {
    const found = this.stmt.getCheckpoint.get(room, id) as (CheckpointDbRow & { data: Uint8Array }) | undefined;
    return found ? { row: toCheckpointRow(found), data: found.data } : null;
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('storage closed');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}
