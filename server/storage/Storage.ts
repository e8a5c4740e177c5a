// The persistence boundary of the server. Small on purpose: SQLite (the embedded default) and
// PostgreSQL (DATABASE_URL) implement it without rooms or the HTTP API knowing which is in use.

export interface SessionRow {
  id: string;
  title: string;
  createdAt: number;
}

export interface StoredRoom {
  /** Compacted state (a Yjs update), or null when the room was never compacted. */
  snapshot: Uint8Array | null;
  /** Updates appended after the snapshot, in append order. */
  updates: Uint8Array[];
  /** Sequence number of the last update in `updates` (or of the last compacted one). */
  lastSeq: number;
  /** Bytes of snapshot plus log: an upper bound of the document's encoded size. */
  bytes: number;
}

/** A checkpoint's description, as stored beside its data (lib/api.ts CheckpointInfo is the same). */
export interface CheckpointRow {
  id: string;
  createdAt: number;
  /** JSON of everything else the History panel shows (kind, label, who, run, files changed). */
  info: string;
  /** Size of the stored data in bytes (what retention counts). */
  bytes: number;
}

/** How many checkpoints a session keeps, and how many bytes of them: the oldest go first. */
export interface CheckpointRetention {
  keep: number;
  maxBytes: number;
}

export interface Storage {
  /** Creates a session with its initial document state in one transaction. */
  createSession(row: SessionRow, initialState: Uint8Array): Promise<void>;
  getSession(id: string): Promise<SessionRow | null>;
  loadRoom(id: string): Promise<StoredRoom>;
  /**
   * Appends one update to the room's log and resolves with its sequence number. Implementations
   * must make the row durable against a process kill before resolving: callers relay the update
   * to other people only afterwards.
   */
  appendUpdate(id: string, update: Uint8Array): Promise<number>;
  /**
   * Appends several updates in order, all or none, with the same durability as appendUpdate,
   * and resolves with the sequence number of the last one. Rooms write a whole event-loop
   * tick's updates with one call: one commit instead of one per keystroke.
   */
  appendUpdates(id: string, updates: readonly Uint8Array[]): Promise<number>;
  /** Replaces the snapshot and drops log rows up to and including `throughSeq`, atomically. */
  compact(id: string, snapshot: Uint8Array, throughSeq: number): Promise<void>;
  /**
   * Stores a checkpoint (its data is opaque here) and, in the same transaction, drops the
   * session's oldest checkpoints past the retention; resolves with the ids dropped.
   */
  addCheckpoint(room: string, row: CheckpointRow, data: Uint8Array, retention: CheckpointRetention): Promise<string[]>;
  /** The session's checkpoints, newest first, at most `limit`. */
  listCheckpoints(room: string, limit: number): Promise<CheckpointRow[]>;
  /** One checkpoint with its data, or null when the session has no such checkpoint. */
  getCheckpoint(room: string, id: string): Promise<{ row: CheckpointRow; data: Uint8Array } | null>;
  /** Resolves when the store answers (readiness checks); rejects when it cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The checkpoints retention drops, given a session's checkpoints newest first: everything past
 * the `keep` newest or past `maxBytes` counted from the newest. The newest is always kept.
 */
export function pastRetention(rows: readonly { id: string; bytes: number }[], retention: CheckpointRetention): string[] {
  const dropped: string[] = [];
  let bytes = 0;
  rows.forEach((row, i) => {
    bytes += row.bytes;
    if (i > 0 && (i >= retention.keep || bytes > retention.maxBytes)) dropped.push(row.id);
  });
  return dropped;
}

/** A checkpoint row as both databases return it (created_at is a string from PostgreSQL's BIGINT). */
export interface CheckpointDbRow {
  id: string;
  created_at: number | string;
  info: string;
  bytes: number;
}

export function toCheckpointRow(r: CheckpointDbRow): CheckpointRow {
  return { id: r.id, createdAt: Number(r.created_at), info: r.info, bytes: Number(r.bytes) };
}
