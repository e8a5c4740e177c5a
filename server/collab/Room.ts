// A loaded session: its Y.Doc, the awareness of everyone present, and their connections.
// Write-ahead rule: nothing derived from a document change (fan-out, sync step 2, a read of the
// live document) leaves the room before that change's write to storage has resolved, so
// whatever another person has seen survives a killed process. The changes of one event-loop
// tick are written together (one commit) just before that tick's fan-out.
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { LOAD_ORIGIN, PRUNE_ORIGIN } from '../../lib/origins.ts';
import { CLOSE, type CloseSpec } from '../../lib/protocol.ts';
import { identitiesOf, type Role } from '../../lib/schema.ts';
import type { Storage, StoredRoom } from '../storage/Storage.ts';
import { applyStoredRoom } from '../storage/replay.ts';
import { documentTooLarge, malformed, missingDependencies } from './frameErrors.ts';
import { staleIdentities, vetUpdate } from './docPolicy.ts';
import type { AwarenessEntry } from './awarenessRole.ts';
import { PresenceLedger, type PresenceLimits } from './PresenceLedger.ts';
import type { RoomPeer } from './RoomPeer.ts';
import type { RoomHandle } from './roomHandle.ts';
import { awarenessFrame as awarenessFrameOf, syncStep1Frame, syncStep2Frame, updateFrame } from './syncFrames.ts';
import { binaryFrame, joinFrames } from './wireFrame.ts';
import { log } from '../log.ts';

export interface RoomOptions extends PresenceLimits {
  maxDocBytes: number;
  /**
   * Log length (updates) from which the room compacts once the log has grown as large as the
   * snapshot; at LOG_CAP_FACTOR times this it compacts whatever the sizes.
   */
  compactEvery: number;
}

/**
 * Compacting re-encodes the whole document, so compacting every N updates costs each update a
 * share that grows with the document. Waiting until the log is as large as the snapshot keeps
 * that share bounded (and a load replays at most about the snapshot's size again); the cap
 * keeps the number of rows a load replays bounded for large documents.
 */
const LOG_CAP_FACTOR = 4;

/** Marks a tick whose updates came from more than one origin. */
const MIXED = Symbol('mixed origins');

export class Room implements RoomHandle {
  readonly id: string;
  readonly doc = new Y.Doc({ gc: true });
  readonly awareness: awarenessProtocol.Awareness;
  readonly peers = new Set<RoomPeer>();
  /** Who speaks for each awareness clientID, and the bytes each holds. */
  readonly presence: PresenceLedger;
  /** In-process users (e.g. the AI peer) that keep the room loaded without a connection. */
  holds = 0;

  private readonly storage: Storage;
  private readonly options: RoomOptions;
  private writes: Promise<void> = Promise.resolve();
  /** Changes applied to the document whose write has not been issued yet (this tick's). */
  private unwritten: Uint8Array[] = [];
  private persistedSeq: number;
  private bytes: number;
  private snapshotBytes: number;
  private logBytes: number;
  private updatesSinceCompact = 0;
  private compacting: Promise<void> | null = null;
  private pendingUpdates: Uint8Array[] = [];
  /** The peer every pending update came from, MIXED when they came from several. */
  private pendingOrigin: unknown = MIXED;
  private pendingAwareness = new Set<number>();
  private flushScheduled = false;
  private failed = false;
  private destroyed = false;
  /** Called once when storage fails; the manager drops the room so the next join reloads it. */
  onFailure: (room: Room) => void = () => {};

  constructor(id: string, stored: StoredRoom, storage: Storage, options: RoomOptions) {
    this.id = id;
    this.storage = storage;
    this.options = options;
    this.persistedSeq = stored.lastSeq;
    this.bytes = stored.bytes;
    this.snapshotBytes = stored.snapshot?.byteLength ?? 0;
    this.logBytes = stored.bytes - this.snapshotBytes;
    this.updatesSinceCompact = stored.updates.length;
    // Loaded before any listener exists: replaying stored state must not be appended again.
    applyStoredRoom(this.doc, stored, LOAD_ORIGIN);
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.awareness.setLocalState(null);
    this.presence = new PresenceLedger(this.awareness, options);
    this.doc.on('update', this.onDocUpdate);
    this.awareness.on('update', this.onAwarenessUpdate);
  }

  /** Upper bound of the stored document size in bytes. */
  get storedBytes(): number {
    return this.bytes;
  }

  private onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    this.bytes += update.byteLength;
    this.logBytes += update.byteLength;
    this.unwritten.push(update);
    this.pendingOrigin = this.pendingUpdates.length === 0 || this.pendingOrigin === origin ? origin : MIXED;
    this.pendingUpdates.push(update);
    this.scheduleFlush();
    const logged = ++this.updatesSinceCompact;
    if (
      origin !== PRUNE_ORIGIN &&
      logged >= this.options.compactEvery &&
      (this.logBytes >= this.snapshotBytes || logged >= this.options.compactEvery * LOG_CAP_FACTOR)
    ) {
      void this.compact();
    }
  };

  /**
   * Issues the write of every change not yet handed to storage (one call for all of them) and
   * returns a promise that resolves once everything applied so far is stored.
   */
  persist(): Promise<void> {
    if (this.unwritten.length > 0) {
      const batch = this.unwritten;
      this.unwritten = [];
      const write = this.storage.appendUpdates(this.id, batch);
      this.writes = this.writes.then(() => write).then((seq) => void (this.persistedSeq = seq));
      this.writes.catch((err) => this.fail(err));
    }
    return this.writes;
  }

  private onAwarenessUpdate = (
    changes: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    this.presence.record(changes, this.peers.has(origin as RoomPeer) ? (origin as RoomPeer) : null);
    for (const id of changes.added) this.pendingAwareness.add(id);
    for (const id of changes.updated) this.pendingAwareness.add(id);
    for (const id of changes.removed) this.pendingAwareness.add(id);
    this.scheduleFlush();
  };

  /** Applies awareness a connection sent (see PresenceLedger.apply); returns entries dropped. */
  applyPeerAwareness(entries: readonly AwarenessEntry[], peer: RoomPeer, role: Role): number {
    return this.presence.apply(entries, peer, role);
  }

  /**
   * Applies an editor's update; throws FrameError for oversized or undecodable updates, for
   * updates that depend on changes this document does not have (Yjs would keep them pending,
   * unbounded and re-merged on every later update), and for file keys that are not paths.
   */
  applyClientUpdate(update: Uint8Array, origin: RoomPeer): void {
    if (this.bytes + update.byteLength > this.options.maxDocBytes) {
      throw documentTooLarge(`room ${this.id} would exceed ${this.options.maxDocBytes} bytes`);
    }
    vetUpdate(this.doc, update);
    try {
      Y.applyUpdate(this.doc, update, origin);
    } catch (err) {
      throw malformed(`undecodable update: ${(err as Error).message}`);
    } finally {
      // What the update could not integrate (it refers to items from other clients that this
      // document has not seen, or deletes such items) is dropped, not kept waiting.
      const store = this.doc.store;
      if (store.pendingStructs !== null || store.pendingDs !== null) {
        store.pendingStructs = null;
        store.pendingDs = null;
        // eslint-disable-next-line no-unsafe-finally
        throw missingDependencies('the update refers to changes this document does not have');
      }
    }
  }


  /** Sync step 2 for a peer's state vector, sent only once everything in it is stored. */
  async syncStep2For(stateVector: Uint8Array): Promise<Uint8Array> {
    let diff: Uint8Array;
    try {
      diff = Y.encodeStateAsUpdate(this.doc, stateVector);
    } catch (err) {
      throw malformed(`undecodable state vector: ${(err as Error).message}`);
    }
    // The diff may hold this tick's changes: their write is issued now, and the frame leaves
    // only once everything in it is stored.
    await this.persist();
    return syncStep2Frame(diff);
  }

  syncStep1Frame(): Uint8Array {
    return syncStep1Frame(this.doc);
  }

  /** Every known awareness state, or null when nobody has one. */
  awarenessFrame(): Uint8Array | null {
    return awarenessFrameOf(this.awareness, Array.from(this.awareness.getStates().keys()));
  }

  addPeer(peer: RoomPeer): void {
    this.peers.add(peer);
  }

  /** Removes a peer and the awareness states it owned; returns true when the room is empty. */
  removePeer(peer: RoomPeer): boolean {
    if (!this.peers.delete(peer)) return this.isIdle;
    const owned = this.presence.ownedBy(peer);
    if (owned.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, owned, 'peer-left');
    return this.isIdle;
  }

  /** Nobody connected and nothing in-process holding it: may be unloaded after the grace period. */
  get isIdle(): boolean {
    return this.peers.size === 0 && this.holds === 0;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.destroyed) return;
    this.flushScheduled = true;
    // setImmediate runs after the I/O callbacks of this loop turn: every frame that arrived
    // together is merged into one outgoing frame per connection.
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const updates = this.pendingUpdates;
    const soleOrigin = this.pendingOrigin;
    this.pendingUpdates = [];
    this.pendingOrigin = MIXED;
    let docFrame: Uint8Array | null = null;
    let stored: Promise<void> | null = null;
    if (updates.length > 0) {
      // Written before anything is encoded or sent: one commit for the whole tick.
      stored = this.persist();
      docFrame = updateFrame(updates.length === 1 ? updates[0] : Y.mergeUpdates(updates));
    }
    const awarenessIds = this.pendingAwareness;
    let awarenessFrame: Uint8Array | null = null;
    if (awarenessIds.size > 0) {
      this.pendingAwareness = new Set();
      awarenessFrame = awarenessFrameOf(this.awareness, Array.from(awarenessIds));
    }
    if (stored) {
      try {
        await stored;
      } catch {
        return; // fail() has closed every connection; nothing unstored is relayed
      }
    }
    // Framed once for every socket; a peer getting both messages gets them in one write.
    const docWire = docFrame && binaryFrame(docFrame);
    const awarenessWire = awarenessFrame && binaryFrame(awarenessFrame);
    const bothWire = docWire && awarenessWire && joinFrames([docWire, awarenessWire]);
    for (const peer of this.peers) {
      // The sender already has its own update; everyone else gets one merged frame per tick.
      const withDoc = docFrame !== null && peer !== soleOrigin;
      if (peer.sendFramed) {
        const wire = withDoc ? (bothWire ?? docWire) : awarenessWire;
        if (wire) peer.sendFramed(wire);
      } else {
        if (withDoc) peer.send(docFrame!);
        if (awarenessFrame) peer.send(awarenessFrame);
      }
    }
  }

  /** See staleIdentities: identities of visits that wrote nothing are dropped at compaction. */
  pruneIdentities(): number {
    const stale = staleIdentities(this.doc, new Set(this.awareness.getStates().keys()));
    const identities = identitiesOf(this.doc);
    if (stale.length > 0) this.doc.transact(() => stale.forEach((k) => identities.delete(k)), PRUNE_ORIGIN);
    return stale.length;
  }

  /** Folds the update log into a snapshot. Safe to call at any time; runs one at a time. */
  compact(): Promise<void> {
    if (this.compacting) return this.compacting;
    this.compacting = (async () => {
      try {
        if (!this.failed) this.pruneIdentities();
        await this.persist();
        if (this.failed) return;
        const snapshot = Y.encodeStateAsUpdate(this.doc);
        const through = this.persistedSeq;
        this.bytes = snapshot.byteLength;
        this.snapshotBytes = snapshot.byteLength;
        this.logBytes = 0;
        this.updatesSinceCompact = 0;
        await this.storage.compact(this.id, snapshot, through);
      } catch (err) {
        log.error('room.compact_failed', err, { room: this.id });
      } finally {
        this.compacting = null;
      }
    })();
    return this.compacting;
  }

  private fail(err: unknown): void {
    if (this.failed) return;
    this.failed = true;
    log.error('room.storage_failed', err, { room: this.id });
    for (const peer of Array.from(this.peers)) peer.close(CLOSE.internal);
    this.onFailure(this);
  }

  /** Closes every connection, compacts (unless told not to), and frees the document. Idempotent. */
  async destroy(closeWith: CloseSpec = CLOSE.goingAway, compact = true): Promise<void> {
    if (this.destroyed) return;
    for (const peer of Array.from(this.peers)) peer.close(closeWith);
    if (compact) await this.compact();
    this.destroyed = true;
    this.doc.off('update', this.onDocUpdate);
    this.awareness.off('update', this.onAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
  }
}
