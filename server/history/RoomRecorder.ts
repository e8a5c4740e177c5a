// When a loaded room makes checkpoints (server/history/History.ts): when an AI run starts and
// when it ends (read from the run's status in the document, so it holds for runs on any lane),
// after a pause in editing the files (or at the latest IDLE_CAP_FACTOR pauses into a long
// stretch of edits), just before a file is deleted, and when the room unloads with edits not yet
// in a checkpoint. It reads the files in the very transaction that changed them, so a checkpoint
// is the state at that instant; storing it is asynchronous.
import * as Y from 'yjs';
import { aiRunsOf, isFinished, type AiRunStatus } from '../../lib/ai/aiRuns.ts';
import { LOAD_ORIGIN, HISTORY_ORIGIN } from '../../lib/origins.ts';
import { filesOf, identitiesOf, readFiles } from '../../lib/schema.ts';
import type { CheckpointInfo } from '../../lib/api.ts';
import type { CheckpointSpec, History } from './History.ts';
import { log } from '../log.ts';

/** Yjs keys its change maps by the generic type. */
type AnyType = Y.AbstractType<Y.YEvent<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A long stretch of edits still gets a checkpoint after this many quiet periods' time. */
const IDLE_CAP_FACTOR = 10;
/** Names a checkpoint lists for who edited. */
const MAX_AUTHORS = 8;
/** Deletion checkpoints of one room at most this often: deletions in between join the pending one. */
const DELETION_INTERVAL_MS = 2000;
/** Runs remembered as checkpointed (the oldest are forgotten past this). */
const MAX_RUNS = 256;

function promptLabel(prompt: string): string {
  const line = prompt.replace(/\s+/g, ' ').trim();
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

/** A deleted file's text as it was just before this transaction deleted it (content not yet collected). */
function textBeforeDeletion(text: Y.Text, tr: Y.Transaction): string {
  let out = '';
  // Yjs has no public reader of deleted content; until the transaction's cleanup collects it,
  // the items deleted by this transaction still hold their strings.
  for (let item = text._start; item !== null; item = item.right) {
    if (!(item.content instanceof Y.ContentString)) continue;
    if (!item.deleted || Y.isDeleted(tr.deleteSet, item.id)) out += item.content.str;
  }
  return out;
}

export class RoomRecorder {
  private readonly doc: Y.Doc;
  private readonly roomId: string;
  private readonly history: History;
  private dirty = false;
  private dirtySince = 0;
  private lastEdit = 0;
  private readonly authors = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private readonly runsSeen = new Map<string, 'started' | 'ended'>();
  private stopped = false;
  /** Deletions waiting for their checkpoint: the files before the first, plus each later deleted file's text. */
  private pendingDeletion: { files: Record<string, string>; deleted: Set<string>; by: Set<string> } | null = null;
  private deletionTimer: NodeJS.Timeout | null = null;
  private lastDeletionAt = 0;
  private readonly speakersOf: (origin: unknown) => readonly number[];

  /** `speakersOf` names the clientIDs a transaction's origin (a connection) speaks for. */
  constructor(roomId: string, doc: Y.Doc, history: History, speakersOf: (origin: unknown) => readonly number[] = () => []) {
    this.roomId = roomId;
    this.doc = doc;
    this.history = history;
    this.speakersOf = speakersOf;
    doc.on('afterTransaction', this.onTransaction);
  }

  private onTransaction = (tr: Y.Transaction): void => {
    if (tr.origin === LOAD_ORIGIN || tr.origin === HISTORY_ORIGIN) return;
    const files = filesOf(this.doc);
    const runs = aiRunsOf(this.doc);
    if (tr.changedParentTypes.has(runs as unknown as AnyType)) this.checkRuns(tr);
    if (!tr.changedParentTypes.has(files as unknown as AnyType)) return;
    const names = this.writers(tr);
    const keys = tr.changed.get(files as unknown as AnyType);
    if (keys) this.checkDeletions(tr, keys, names);
    const now = Date.now();
    if (!this.dirty) this.dirtySince = now;
    this.dirty = true;
    this.lastEdit = now;
    for (const name of names) if (this.authors.size < MAX_AUTHORS) this.authors.add(name);
    if (!this.timer) this.arm();
  };

  /**
   * The names of whoever wrote in this transaction: the people the connection that sent it speaks
   * for (a page's awareness clientID is its document clientID), else the clients whose clocks
   * moved (the server's own writes). Yjs does not record who deletes.
   */
  private writers(tr: Y.Transaction): string[] {
    const identities = identitiesOf(this.doc);
    const names: string[] = [];
    const add = (client: number) => {
      const name = identities.get(String(client))?.name;
      if (typeof name === 'string' && !names.includes(name)) names.push(name);
    };
    for (const client of this.speakersOf(tr.origin)) add(client);
    if (names.length === 0) for (const [client, clock] of tr.afterState) if ((tr.beforeState.get(client) ?? 0) !== clock) add(client);
    return names;
  }

  private checkRuns(tr: Y.Transaction): void {
    const runs = aiRunsOf(this.doc);
    // The runs this transaction changed (not every run the session ever had).
    for (const type of tr.changedParentTypes.keys()) {
      const item = type._item;
      if (!item || item.parent !== (runs as unknown as AnyType) || typeof item.parentSub !== 'string') continue;
      const runId = item.parentSub;
      const run = runs.get(runId);
      if (!run) continue;
      const status = run.get('status') as AiRunStatus | undefined;
      const seen = this.runsSeen.get(runId);
      const prompt = promptLabel(String(run.get('prompt') ?? ''));
      const by = [(run.get('requestedBy') as { name?: string } | undefined)?.name ?? 'someone'];
      if ((status === 'thinking' || status === 'editing') && seen === undefined) {
        this.remember(runId, 'started');
        void this.take({ kind: 'before-run', label: `Before AI: ${prompt}`, by, runId });
      } else if (status && isFinished(status) && seen === 'started') {
        this.remember(runId, 'ended');
        void this.take({ kind: 'after-run', label: `After AI (${status}): ${prompt}`, by: [...by, 'AI'], runId });
      }
    }
  }

  private remember(runId: string, state: 'started' | 'ended'): void {
    if (this.runsSeen.size >= MAX_RUNS && !this.runsSeen.has(runId)) this.runsSeen.delete(this.runsSeen.keys().next().value!);
    this.runsSeen.set(runId, state);
  }

  /** Files this transaction removed (and did not re-add under another name: a rename) go to History first. */
  private checkDeletions(tr: Y.Transaction, keys: Set<string | null>, names: string[]): void {
    const files = filesOf(this.doc);
    const gone: Record<string, string> = {};
    const added = new Set<string>();
    for (const key of keys) {
      if (key === null) continue;
      const now = files.get(key);
      if (now !== undefined) {
        added.add(now.toString());
        continue;
      }
      const item = files._map.get(key);
      // Added and deleted in this same transaction: it never existed for anyone.
      if (!item || !(item.content instanceof Y.ContentType) || !(item.content.type instanceof Y.Text)) continue;
      if (tr.beforeState.get(item.id.client) === undefined || item.id.clock >= (tr.beforeState.get(item.id.client) ?? 0)) continue;
      gone[key] = textBeforeDeletion(item.content.type, tr);
    }
    const deleted = Object.keys(gone).filter((path) => !added.has(gone[path]));
    if (deleted.length === 0) return;
    const pending = this.pendingDeletion;
    if (pending) {
      for (const path of deleted) {
        pending.files[path] = gone[path];
        pending.deleted.add(path);
      }
      for (const name of names) if (pending.by.size < MAX_AUTHORS) pending.by.add(name);
      return;
    }
    const before = { ...readFiles(this.doc) };
    for (const path of deleted) before[path] = gone[path];
    this.pendingDeletion = { files: before, deleted: new Set(deleted), by: new Set(names.slice(0, MAX_AUTHORS)) };
    // A burst of deletions (or a client sending nothing else) makes one checkpoint per interval.
    this.deletionTimer = setTimeout(() => this.saveDeletion(), Math.max(0, this.lastDeletionAt + DELETION_INTERVAL_MS - Date.now()));
    this.deletionTimer.unref();
  }

  private saveDeletion(): void {
    const pending = this.pendingDeletion;
    if (this.deletionTimer) clearTimeout(this.deletionTimer);
    this.pendingDeletion = null;
    this.deletionTimer = null;
    if (!pending) return;
    this.lastDeletionAt = Date.now();
    const deleted = Array.from(pending.deleted).sort();
    const label = deleted.length === 1 ? `Deleted ${deleted[0]}` : `Deleted ${deleted.length} files`;
    void this.save(pending.files, { kind: 'deletion', label, by: Array.from(pending.by), changed: deleted.map((path) => ({ path, change: 'deleted' as const })) });
  }

  /** When the quiet period ends: a pause after the last edit, or the cap on a long stretch. */
  private idleDue(): number {
    const { idleMs } = this.history.settings;
    return Math.min(this.lastEdit + idleMs, this.dirtySince + idleMs * IDLE_CAP_FACTOR);
  }

  /** One timer, not one per keystroke: when it fires early (edits went on), it waits out the rest. */
  private arm(): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.dirty || this.stopped) return;
      if (Date.now() < this.idleDue()) this.arm();
      else this.takeIdle();
    }, Math.max(0, this.idleDue() - Date.now()));
    this.timer.unref();
  }

  /** After a pause: a checkpoint, unless the edits since the newest one cancelled out. */
  private takeIdle(): void {
    if (!this.dirty || this.stopped) return;
    const by = Array.from(this.authors);
    this.clearDirty();
    const saving = this.history.saveIfChanged(this.roomId, readFiles(this.doc), { kind: 'idle', label: by.length > 0 ? `Edits by ${by.join(', ')}` : 'Edits', by });
    saving.catch((err) => log.error('history.save_failed', err, { room: this.roomId, kind: 'idle' }));
  }

  private clearDirty(): void {
    this.dirty = false;
    this.authors.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** A checkpoint of the files as they are now; the edits so far are in it. */
  take(spec: CheckpointSpec): Promise<CheckpointInfo> {
    this.clearDirty();
    return this.save(readFiles(this.doc), spec);
  }

  private save(files: Record<string, string>, spec: CheckpointSpec): Promise<CheckpointInfo> {
    const saving = this.history.save(this.roomId, files, spec);
    saving.catch((err) => log.error('history.save_failed', err, { room: this.roomId, kind: spec.kind }));
    return saving;
  }

  /** Detaches; with `final`, edits not yet in a checkpoint get one first. */
  stop(final: boolean): void {
    if (this.stopped) return;
    this.saveDeletion();
    if (final && this.dirty) this.takeIdle();
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.doc.off('afterTransaction', this.onTransaction);
  }
}
