// Checkpoints of a session's files, stored with the session (Storage.addCheckpoint) and bounded
// by the retention (TANDEM_CHECKPOINTS_KEEP, TANDEM_CHECKPOINTS_MAX_BYTES): made around every AI
// run, after a pause in editing, before a deletion and on demand (RoomRecorder says when). A
// checkpoint is plain text per file, never a rewind point of the document: the live document
// keeps no history beyond what Yjs needs (gc stays on), and restoring is a new edit
// (lib/history/restoreFiles.ts). Writes are serialised per session, so each listing's "changed"
// is against the checkpoint stored just before it.
import { randomBytes } from 'node:crypto';
import type { CheckpointInfo, CheckpointKind, CheckpointResponse } from '../../lib/api.ts';
import type { CheckpointRow, Storage } from '../storage/Storage.ts';
import { decodeFiles, encodeFiles, MAX_LISTED_CHANGES } from './checkpointData.ts';
import { changesBetween } from '../../lib/history/changes.ts';
import { log } from '../log.ts';

export interface HistorySettings {
  /** Checkpoints kept per session (TANDEM_CHECKPOINTS_KEEP). */
  keep: number;
  /** Bytes of checkpoint data kept per session (TANDEM_CHECKPOINTS_MAX_BYTES). */
  maxBytes: number;
  /** Quiet time after an edit before a checkpoint is made (TANDEM_CHECKPOINT_IDLE_MS). */
  idleMs: number;
}

export interface CheckpointSpec {
  kind: CheckpointKind;
  label: string;
  by: string[];
  runId?: string | null;
  /** What it changed, when not "against the checkpoint before" (a deletion lists what it deleted). */
  changed?: CheckpointInfo['changed'];
}

/** A stored row as the API describes it. */
function infoOf(row: CheckpointRow): CheckpointInfo {
  return { id: row.id, createdAt: row.createdAt, ...(JSON.parse(row.info) as Omit<CheckpointInfo, 'id' | 'createdAt'>) };
}

/** Listings return at most this many. */
export const MAX_LISTED_CHECKPOINTS = 500;

export class History {
  readonly settings: HistorySettings;
  private readonly storage: Storage;
  /** Per session: the write in progress, the files of its newest checkpoint, its time. */
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly newest = new Map<string, { files: Record<string, string>; at: number }>();
  /** Called after a checkpoint is stored (the live room notes it in its document). */
  onStored: (roomId: string, info: CheckpointInfo) => void = () => {};

  constructor(storage: Storage, settings: HistorySettings) {
    this.storage = storage;
    this.settings = settings;
  }

  /** Stores a checkpoint of `files` (read by the caller at the moment it describes). */
  save(roomId: string, files: Record<string, string>, spec: CheckpointSpec): Promise<CheckpointInfo> {
    return this.queue(roomId, () => this.write(roomId, files, spec, false)) as Promise<CheckpointInfo>;
  }

  /** As save, but nothing is stored (null) when the files are those of the newest checkpoint. */
  saveIfChanged(roomId: string, files: Record<string, string>, spec: CheckpointSpec): Promise<CheckpointInfo | null> {
    return this.queue(roomId, () => this.write(roomId, files, spec, true));
  }

  /** One write at a time per session, in order. */
  private queue(roomId: string, run: () => Promise<CheckpointInfo | null>): Promise<CheckpointInfo | null> {
    const previous = this.chains.get(roomId) ?? Promise.resolve();
    const write = previous.catch(() => {}).then(run);
    const settled = write.catch(() => {});
    this.chains.set(roomId, settled);
    void settled.then(() => {
      if (this.chains.get(roomId) === settled) this.chains.delete(roomId);
    });
    return write;
  }

  private async write(roomId: string, files: Record<string, string>, spec: CheckpointSpec, onlyIfChanged: boolean): Promise<CheckpointInfo | null> {
    const before = this.newest.get(roomId) ?? (await this.readNewest(roomId));
    // The session's first checkpoint changed nothing: it is where the history starts.
    const all = spec.changed ?? (before ? changesBetween(before.files, files) : []);
    if (onlyIfChanged && before && all.length === 0) return null;
    const info: CheckpointInfo = {
      id: randomBytes(9).toString('base64url'),
      // Strictly increasing per session: the listing's order is the order they were made.
      createdAt: Math.max(Date.now(), (before?.at ?? 0) + 1),
      kind: spec.kind,
      label: spec.label.slice(0, 200),
      by: spec.by.slice(0, 8).map((n) => n.slice(0, 80)),
      runId: spec.runId ?? null,
      changed: all.slice(0, MAX_LISTED_CHANGES),
      changedCount: all.length,
      fileCount: Object.keys(files).length,
    };
    const data = await encodeFiles(files);
    const { id, createdAt, ...rest } = info;
    const dropped = await this.storage.addCheckpoint(roomId, { id, createdAt, info: JSON.stringify(rest), bytes: data.byteLength }, data, this.settings);
    this.newest.set(roomId, { files, at: info.createdAt });
    log.info('history.checkpoint', { room: roomId, kind: info.kind, files: info.fileCount, bytes: data.byteLength, dropped: dropped.length });
    this.onStored(roomId, info);
    return info;
  }

  private async readNewest(roomId: string): Promise<{ files: Record<string, string>; at: number } | null> {
    const [row] = await this.storage.listCheckpoints(roomId, 1);
    if (!row) return null;
    const found = await this.storage.getCheckpoint(roomId, row.id);
    try {
      return found ? { files: await decodeFiles(found.data), at: row.createdAt } : null;
    } catch {
      return { files: {}, at: row.createdAt };
    }
  }

  async list(roomId: string, limit = MAX_LISTED_CHECKPOINTS): Promise<CheckpointInfo[]> {
    const rows = await this.storage.listCheckpoints(roomId, Math.min(limit, MAX_LISTED_CHECKPOINTS));
    return rows.map(infoOf);
  }

  async get(roomId: string, id: string): Promise<CheckpointResponse | null> {
    const found = await this.storage.getCheckpoint(roomId, id);
    return found ? { checkpoint: infoOf(found.row), files: await decodeFiles(found.data) } : null;
  }

  /**
   * Forgets what it keeps in memory of a session (its room was unloaded; another node may write
   * its next checkpoints), after the writes already queued.
   */
  forget(roomId: string): void {
    void this.queue(roomId, async () => {
      this.newest.delete(roomId);
      return null;
    });
  }

  /** Resolves once every checkpoint being written is stored (or failed). */
  async flush(): Promise<void> {
    await Promise.all(this.chains.values());
  }
}
