// Storage in PostgreSQL (DATABASE_URL=postgres://…), for deployments with more than one node or
// a database they already run. The same layout as the SQLite default: per room a snapshot plus
// an append-only log, compaction folding the log into the snapshot in one transaction. Tandem
// creates and migrates the schema itself, under an advisory lock so nodes starting together do
// not race. A tick's updates are one INSERT statement (one round trip, one commit); the commit
// is synchronous (the server's default), so an update is durable before the room relays it.
import pg from 'pg';
import type { SessionRow, Storage, StoredRoom } from './Storage.ts';

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
];

/** Any constant shared by every Tandem node: the key of the migration lock. */
const MIGRATION_LOCK = 7_245_113_901;

/** Rooms whose last sequence number is remembered; past this the memo restarts (re-read lazily). */
const MAX_REMEMBERED_ROOMS = 10_000;

export interface PostgresOptions {
  /** Connections in the pool (default 10). */
  maxConnections?: number;
  /** How long a query may wait for a connection before failing (default 10 s). */
  connectTimeoutMs?: number;
}

export class PostgresStorage implements Storage {
  private closed = false;
  /** Last sequence number committed per room, so an append needs no lookup. */
  private readonly lastSeq = new Map<string, number>();
  /** Each room's last issued append, which the next one waits for. */
  private readonly tails = new Map<string, Promise<number>>();

  private readonly pool: pg.Pool;

  private constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  /** Connects, creates or migrates the schema, and resolves once the database is usable. */
  static async connect(url: string, options: PostgresOptions = {}): Promise<PostgresStorage> {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.maxConnections ?? 10,
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
      await client.query(UPSERT_SNAPSHOT, [row.id, initialState, 0]);
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
      const snap = await client.query<{ state: Buffer; through_seq: string }>('SELECT state, through_seq FROM snapshots WHERE room = $1', [id]);
      const log = await client.query<{ seq: string; data: Buffer }>('SELECT seq, data FROM log WHERE room = $1 ORDER BY seq', [id]);
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
    // A room's appends run one after another: they commit in the order they were issued, so a
    // crash can lose only a suffix of the log, never an update another one depends on.
    const previous = this.tails.get(id) ?? Promise.resolve(0);
    const write = previous.catch(() => 0).then(() => this.insert(id, updates));
    this.tails.set(id, write);
    const forget = () => {
      if (this.tails.get(id) === write) this.tails.delete(id);
    };
    write.then(forget, forget);
    return write;
  }

  private async insert(id: string, updates: readonly Uint8Array[]): Promise<number> {
    let last = this.lastSeq.get(id) ?? (await this.readLastSeq(id));
    if (updates.length === 0) return last;
    const first = last + 1;
    last += updates.length;
    try {
      // One statement: atomic on its own, and one round trip for the whole tick.
      await this.pool.query(
        'INSERT INTO log (room, seq, data) SELECT $1, $2::bigint + t.ord - 1, t.data FROM unnest($3::bytea[]) WITH ORDINALITY AS t(data, ord)',
        [id, first, updates.map((u) => Buffer.from(u.buffer, u.byteOffset, u.byteLength))],
      );
    } catch (err) {
      // Read again next time: whether the failed statement committed is not known.
      this.lastSeq.delete(id);
      throw err;
    }
    this.remember(id, last);
    return last;
  }

  async compact(id: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    await this.transaction(async (client) => {
      await client.query(UPSERT_SNAPSHOT, [id, snapshot, throughSeq]);
      await client.query('DELETE FROM log WHERE room = $1 AND seq <= $2', [id, throughSeq]);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
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
