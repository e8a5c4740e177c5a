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
  /** Resolves when the store answers (readiness checks); rejects when it cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
