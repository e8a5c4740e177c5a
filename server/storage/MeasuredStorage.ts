// A Storage that times and counts the writes of another (for the metrics): the rooms' wait
// between applying a tick's updates and relaying them is this write.
import type { ServerMetrics } from '../ops/metrics.ts';
import type { CheckpointRetention, CheckpointRow, SessionRow, Storage, StoredRoom } from './Storage.ts';

export class MeasuredStorage implements Storage {
  private readonly inner: Storage;
  private readonly metrics: ServerMetrics;

  constructor(inner: Storage, metrics: ServerMetrics) {
    this.inner = inner;
    this.metrics = metrics;
  }

  createSession(row: SessionRow, initialState: Uint8Array): Promise<void> {
    return this.inner.createSession(row, initialState);
  }

  getSession(id: string): Promise<SessionRow | null> {
    return this.inner.getSession(id);
  }

  loadRoom(id: string): Promise<StoredRoom> {
    return this.inner.loadRoom(id);
  }

  appendUpdate(id: string, update: Uint8Array): Promise<number> {
    return this.appendUpdates(id, [update]);
  }

  async appendUpdates(id: string, updates: readonly Uint8Array[]): Promise<number> {
    const end = this.metrics.storageWriteSeconds.startTimer();
    try {
      const seq = await this.inner.appendUpdates(id, updates);
      this.metrics.updatesStored.inc(updates.length);
      return seq;
    } catch (err) {
      this.metrics.storageWriteErrors.inc();
      throw err;
    } finally {
      end();
    }
  }

  compact(id: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    return this.inner.compact(id, snapshot, throughSeq);
  }

  addCheckpoint(room: string, row: CheckpointRow, data: Uint8Array, retention: CheckpointRetention): Promise<string[]> {
    return this.inner.addCheckpoint(room, row, data, retention);
  }

  listCheckpoints(room: string, limit: number): Promise<CheckpointRow[]> {
    return this.inner.listCheckpoints(room, limit);
  }

  getCheckpoint(room: string, id: string): Promise<{ row: CheckpointRow; data: Uint8Array } | null> {
    return this.inner.getCheckpoint(room, id);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
