// Connects History to the rooms this node loads: a RoomRecorder per loaded room, stopped (with a
// last checkpoint of edits not yet in one) when the room unloads; and, once a checkpoint is
// stored, a note in the live document's meta (`checkpoint`: its id and time) so every History
// panel open on the session refreshes without polling.
import type * as Y from 'yjs';
import { HISTORY_ORIGIN } from '../../lib/origins.ts';
import { CHECKPOINT_META_KEY, metaOf } from '../../lib/schema.ts';
import type { CheckpointInfo } from '../../lib/api.ts';
import type { RoomWatcher } from '../collab/RoomManager.ts';
import type { RoomPeer } from '../collab/RoomPeer.ts';
import type { CheckpointSpec, History } from './History.ts';
import { RoomRecorder } from './RoomRecorder.ts';

export interface RoomHistory {
  /** A checkpoint of a session's files now: the live room's, else `read()`'s. */
  take(roomId: string, spec: CheckpointSpec, read: () => Promise<Record<string, string>>): Promise<CheckpointInfo>;
  stop(): void;
}

export function recordRoomHistory(history: History, rooms: { watchRooms(watcher: RoomWatcher): () => void }): RoomHistory {
  const live = new Map<string, { doc: Y.Doc; recorder: RoomRecorder }>();
  history.onStored = (roomId, info) => {
    const entry = live.get(roomId);
    if (entry) entry.doc.transact(() => metaOf(entry.doc).set(CHECKPOINT_META_KEY, { id: info.id, at: info.createdAt }), HISTORY_ORIGIN);
  };
  const unwatch = rooms.watchRooms({
    loaded(room) {
      // A connection speaks for the awareness clientIDs it set: a person's page, its own clientID.
      const speakersOf = (origin: unknown) => (typeof origin === 'object' && origin !== null ? room.presence.ownedBy(origin as RoomPeer) : []);
      live.set(room.id, { doc: room.doc, recorder: new RoomRecorder(room.id, room.doc, history, speakersOf) });
    },
    unloading(room, kept) {
      const entry = live.get(room.id);
      if (!entry || entry.doc !== room.doc) return;
      entry.recorder.stop(kept);
      live.delete(room.id);
      history.forget(room.id);
    },
  });
  return {
    async take(roomId, spec, read) {
      const entry = live.get(roomId);
      return entry ? entry.recorder.take(spec) : history.save(roomId, await read(), spec);
    },
    stop() {
      unwatch();
      for (const { recorder } of live.values()) recorder.stop(false);
      live.clear();
    },
  };
}
