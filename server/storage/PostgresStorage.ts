// Storage in PostgreSQL (DATABASE_URL=postgres://…), for deployments with more than one node or
// a database they already run. The same layout as the SQLite default: per room a snapshot plus
// an append-only log, compaction folding the log into the snapshot in one transaction. Tandem
// creates and migrates the schema itself, under an advisory lock so nodes starting together do
// not race. Appends are group-committed across rooms (see pump): one INSERT statement per
// batch; the commit is synchronous (the server's default), so an update is durable before the
// room relays it. The statements on the hot paths are prepared once per connection (named).
import pg from 'pg';
import { addCheckpoint, getCheckpoint, listCheckpoints } from './postgresCheckpoints.ts';
import type { CheckpointRetention, CheckpointRow, SessionRow, Storage, StoredRoom } from './Storage.ts';

/** Schema versions in order; each runs once, in a transaction, recorded in tandem_schema. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE sessions (
     id TEXT PRIMARY KEY,
     title TEXT NOT NULL,
     created_at BIGINT NOT NULL
   );
   CREATE TABLE snapshots (
     room TEXT PRIMARY KEY,
     state BYTEA NOT NULL,
     through_seq BIGINT NOT NULL
   );
   CREATE TABLE log (
     room TEXT NOT NULL,
     seq BIGINT NOT NULL,
     data BYTEA NOT NULL,
     PRIMARY KEY (room, seq)
   );`,
  `CREATE TABLE checkpoints (
     room TEXT NOT NULL,
     id TEXT NOT NULL,
     created_at BIGINT NOT NULL,
     info TEXT NOT NULL,
     bytes INTEGER NOT NULL,
     data BYTEA NOT NULL,
     PRIMARY KEY (room, id)
   );
   CREATE INDEX checkpoints_by_time ON checkpoints (room, created_at);`,
];

/** Any constant shared by every Tandem node: the key of the migration lock. */
const MIGRATION_LOCK = 7_245_113_901;

/** Writes in flight at once, each on a connection of its own (see pump). */
const WRITE_LANES = 2;

/** Connections kept open while idle: the write lanes, compaction, a load. */
const MIN_CONNECTIONS = WRITE_LANES + 2;

/** Rooms whose last sequence number is remembered; past this the memo restarts (re-read lazily). */
const MAX_REMEMBERED_ROOMS = 10_000;

export interface PostgresOptions {
  /** Connections in the pool (default 10). */
  maxConnections?: number;
  /** How long a query may wait for a connection before failing (default 10 s). */
  connectTimeoutMs?: number;
}

interface QueuedAppend {
  id: string;
  updates: readonly Uint8Array[];
  resolve: (lastSeq: number) => void;
  reject: (err: unknown) => void;
}

export class PostgresStorage implements Storage {
  private closed = false;
  /** Last sequence number committed per room, so an append needs no lookup. */
  private readonly lastSeq = new Map<string, number>();
  /** The connection each write lane holds (see pump); null until first used or after a failure. */
  private readonly writers: (Promise<pg.PoolClient> | null)[] = new Array(WRITE_LANES).fill(null);
  private readonly laneBusy: boolean[] = new Array(WRITE_LANES).fill(false);
  /** Rooms with a write in flight: their next appends wait for it (see pump). */
  private readonly inFlight = new Set<string>();
  /** Appends waiting for a free lane, or for their room's write in flight, in issue order. */
  private queued: QueuedAppend[] = [];

  private readonly pool: pg.Pool;

  private constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  /** Connects, creates or migrates the schema, and resolves once the database is usable. */
  static async connect(url: string, options: PostgresOptions = {}): Promise<PostgresStorage> {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.maxConnections ?? 10,
      // Connections stay open: a new one costs the database a process and cold caches (tens of
      // ms of CPU), which a busy node would otherwise pay again after every quiet spell.
      min: Math.min(MIN_CONNECTIONS, options.maxConnections ?? 10),
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      application_name: 'tandem',
    });
    // An idle connection the server dropped (restart, failover) must not crash the process; the
    // pool discards it and the next query opens a new one.
    pool.on('error', () => {});
    try {
      await migrate(pool);
    } catch (err) {
      await pool.end().catch(() => {});
      throw err;
    }
    return new PostgresStorage(pool);
  }

  /** A cheap round trip, for readiness checks. */
  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async createSession(row: SessionRow, initialState: Uint8Array): Promise<void> {
    await this.transaction(async (client) => {
      await client.query('INSERT INTO sessions (id, title, created_at) VALUES ($1, $2, $3)', [row.id, row.title, row.createdAt]);
      await client.query({ name: 'tandem-upsert-snapshot', text: UPSERT_SNAPSHOT, values: [row.id, initialState, 0] });
    });
  }

  async getSession(id: string): Promise<SessionRow | null> {
    const { rows } = await this.pool.query<{ id: string; title: string; created_at: string }>(
      'SELECT id, title, created_at FROM sessions WHERE id = $1',
      [id],
    );
    return rows[0] ? { id: rows[0].id, title: rows[0].title, createdAt: Number(rows[0].created_at) } : null;
  }

  async loadRoom(id: string): Promise<StoredRoom> {
    // One snapshot read and one log read in a repeatable-read transaction: a compaction that
    // commits in between cannot make the log miss rows the snapshot does not have.
    return this.transaction(async (client) => {
      const snap = await client.query<{ state: Buffer; through_seq: string }>({ name: 'tandem-load-snapshot', text: 'SELECT state, through_seq FROM snapshots WHERE room = $1', values: [id] });
      const log = await client.query<{ seq: string; data: Buffer }>({ name: 'tandem-load-log', text: 'SELECT seq, data FROM log WHERE room = $1 ORDER BY seq', values: [id] });
      const snapshot = snap.rows[0] ? new Uint8Array(snap.rows[0].state) : null;
      const updates = log.rows.map((r) => new Uint8Array(r.data));
      let bytes = snapshot ? snapshot.byteLength : 0;
      for (const u of updates) bytes += u.byteLength;
      const lastSeq = Math.max(log.rows.length > 0 ? Number(log.rows[log.rows.length - 1].seq) : 0, snap.rows[0] ? Number(snap.rows[0].through_seq) : 0);
      this.remember(id, lastSeq);
      return { snapshot, updates, lastSeq, bytes };
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  appendUpdate(id: string, update: Uint8Array): Promise<number> {
    return this.appendUpdates(id, [update]);
  }

  appendUpdates(id: string, updates: readonly Uint8Array[]): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queued.push({ id, updates, resolve, reject });
      this.pump();
    });
  }

  /**
   * Group commit on WRITE_LANES lanes: a free lane takes every queued append of the rooms with
   * no write in flight, from any number of rooms: one statement, one commit, one fsync for all
   * of them. An append that arrives while a write is in flight goes out at once on another lane
   * (it does not wait for that commit to finish, then for its own) unless its own room is in
   * that write: then it waits, so each room's appends commit, and are relayed, in issue order and
   * a crash can lose only a suffix of a room's log. The first append after a quiet spell is
   * written at once, so batching costs an idle node nothing; under load the commits in flight
   * and the connections held for writing stay bounded however many rooms the node serves.
   */
  private pump(): void {
    for (let lane = 0; lane < WRITE_LANES && this.queued.length > 0; lane++) {
      if (this.laneBusy[lane]) continue;
      const batch: QueuedAppend[] = [];
      const rest: QueuedAppend[] = [];
      for (const a of this.queued) (this.inFlight.has(a.id) ? rest : batch).push(a);
      if (batch.length === 0) return;
      this.queued = rest;
      const rooms = new Set(batch.map((a) => a.id));
      for (const id of rooms) this.inFlight.add(id);
      this.laneBusy[lane] = true;
      void this.writeBatch(lane, batch, rooms).finally(() => {
        for (const id of rooms) this.inFlight.delete(id);
        this.laneBusy[lane] = false;
        this.pump();
      });
    }
  }

  private async writeBatch(lane: number, batch: readonly QueuedAppend[], rooms: ReadonlySet<string>): Promise<void> {
    if (rooms.size > 1) {
      try {
        const lastOf = await this.insertRows(lane, batch);
        for (const a of batch) a.resolve(lastOf.get(a)!);
        return;
      } catch {
        // One room's conflict (another node wrote it after this one lost its lease) must not
        // fail every room in the batch: each room is tried again on its own, with the numbering
        // it had, and only the rooms whose own write fails are told so. (Had the batch committed
        // after all, every retry conflicts and every room reloads from what was stored.)
      }
    }
    for (const id of rooms) {
      const own = batch.filter((a) => a.id === id);
      try {
        const lastOf = await this.insertRows(lane, own);
        for (const a of own) a.resolve(lastOf.get(a)!);
      } catch (err) {
        // Read again next time: whether the failed statement committed is not known.
        this.lastSeq.delete(id);
        for (const a of own) a.reject(err);
      }
    }
  }

  /** Inserts the appends' updates in one statement; returns each append's last sequence number. */
  private async insertRows(lane: number, appends: readonly QueuedAppend[]): Promise<Map<QueuedAppend, number>> {
    const next = new Map<string, number>();
    for (const a of appends) {
      if (!next.has(a.id)) next.set(a.id, this.lastSeq.get(a.id) ?? (await this.readLastSeq(a.id)));
    }
    const roomCol: string[] = [];
    const seqCol: number[] = [];
    const dataCol: Buffer[] = [];
    const lastOf = new Map<QueuedAppend, number>();
    for (const a of appends) {
      let seq = next.get(a.id)!;
      for (const u of a.updates) {
        roomCol.push(a.id);
        seqCol.push(++seq);
        dataCol.push(Buffer.from(u.buffer, u.byteOffset, u.byteLength));
      }
      next.set(a.id, seq);
      lastOf.set(a, seq);
    }
    if (roomCol.length > 0) {
      // One statement: atomic on its own, and one round trip for the whole batch.
      const writer = (this.writers[lane] ??= this.pool.connect());
      try {
        // One row (the common case at a typing pace) binds its bytes as a binary parameter;
        // several go as arrays, whose bytea elements the driver sends as hex text.
        const query: pg.QueryConfig<unknown[]> = roomCol.length === 1
          ? { name: 'tandem-append-one', text: APPEND_ONE, values: [roomCol[0], seqCol[0], dataCol[0]] }
          : { name: 'tandem-append', text: APPEND, values: [roomCol, seqCol, dataCol] };
        await (await writer).query(query);
      } catch (err) {
        // A failed connection is given back broken (the pool closes it); the next write takes another.
        if (this.writers[lane] === writer) this.writers[lane] = null;
        void writer.then((c) => c.release(err as Error), () => {});
        throw err;
      }
    }
    for (const [id, seq] of next) this.remember(id, seq);
    return lastOf;
  }

  async compact(id: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    await this.transaction(async (client) => {
      await client.query({ name: 'tandem-upsert-snapshot', text: UPSERT_SNAPSHOT, values: [id, snapshot, throughSeq] });
      await client.query({ name: 'tandem-fold-log', text: 'DELETE FROM log WHERE room = $1 AND seq <= $2', values: [id, throughSeq] });
    });
  }

  addCheckpoint(room: string, row: CheckpointRow, data: Uint8Array, retention: CheckpointRetention): Promise<string[]> {
    return this.transaction((client) => addCheckpoint(client, room, row, data, retention));
  }

  listCheckpoints(room: string, limit: number): Promise<CheckpointRow[]> {
    return listCheckpoints(this.pool, room, limit);
  }

  getCheckpoint(room: string, id: string): Promise<{ row: CheckpointRow; data: Uint8Array } | null> {
    return getCheckpoint(this.pool, room, id);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const writers = this.writers.splice(0, WRITE_LANES, ...new Array(WRITE_LANES).fill(null));
    await Promise.all(writers.map((w) => w?.then((c) => c.release(), () => {})));
    await this.pool.end();
  }

  /** The room's last sequence number: its newest log row, else its snapshot's, else 0. */
  private async readLastSeq(id: string): Promise<number> {
    const { rows } = await this.pool.query<{ seq: string | null }>(
      'SELECT greatest((SELECT max(seq) FROM log WHERE room = $1), (SELECT through_seq FROM snapshots WHERE room = $1)) AS seq',
      [id],
    );
    return Number(rows[0]?.seq ?? 0);
  }

  private remember(id: string, seq: number): void {
    if (this.lastSeq.size >= MAX_REMEMBERED_ROOMS && !this.lastSeq.has(id)) this.lastSeq.clear();
    this.lastSeq.set(id, seq);
  }

  private async transaction<T>(fn: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const client = await this.pool.connect();
    try {
      return await inTransaction(client, () => fn(client), begin);
    } finally {
      client.release();
    }
  }
}

/** Runs `fn` between `begin` and COMMIT on one connection, rolling back if it throws. */
async function inTransaction<T>(client: pg.ClientBase, fn: () => Promise<T>, begin = 'BEGIN'): Promise<T> {
  await client.query(begin);
  try {
    const result = await fn();
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

const APPEND_ONE = 'INSERT INTO log (room, seq, data) VALUES ($1, $2, $3)';
const APPEND = 'INSERT INTO log (room, seq, data) SELECT * FROM unnest($1::text[], $2::bigint[], $3::bytea[])';

// A snapshot never replaces a newer one: a node that lost a room to another cannot set it back.
const UPSERT_SNAPSHOT =
  'INSERT INTO snapshots (room, state, through_seq) VALUES ($1, $2, $3) ' +
  'ON CONFLICT (room) DO UPDATE SET state = excluded.state, through_seq = excluded.through_seq ' +
  'WHERE snapshots.through_seq <= excluded.through_seq';

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS tandem_schema (version INTEGER NOT NULL)');
      const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM tandem_schema');
      const current = rows[0]?.version ?? 0;
      for (let v = current; v < MIGRATIONS.length; v++) {
        await inTransaction(client, async () => {
          await client.query(MIGRATIONS[v]);
          await client.query('INSERT INTO tandem_schema (version) VALUES ($1)', [v + 1]);
        });
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
